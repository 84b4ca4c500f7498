#include "secretstore.h"

#include "glibcontextpump.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QWaitCondition>
#include <qt6keychain/keychain.h>

#include <memory>

Q_LOGGING_CATEGORY(lcCredentials, "gateway.credentials")

using namespace Qt::StringLiterals;

namespace {
// One call's result, shared between the waiting caller and the keychain thread (which may finish after the
// caller gave up waiting).
struct Pending
{
    QMutex mutex;
    QWaitCondition finished;
    bool done = false;
    SecretStore::Result result;
};

SecretStore::Result resultOf(QKeychain::Job *job)
{
    SecretStore::Result result;
    result.detail = job->errorString();
    switch (job->error()) {
    case QKeychain::NoError:
        result.outcome = SecretStore::Result::Outcome::Done;
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(job))
            result.secret = read->textData();
        break;
    case QKeychain::EntryNotFound:
        result.outcome = SecretStore::Result::Outcome::NotFound;
        break;
    // Without a Secret Service, QtKeychain 0.13 reports OtherError with D-Bus's message ("Cannot autolaunch
    // D-Bus without X11 $DISPLAY", "…not provided by any .service files"); a locked keyring is AccessDenied.
    case QKeychain::NoBackendAvailable:
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::OtherError:
        result.outcome = SecretStore::Result::Outcome::Unavailable;
        break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::NotImplemented:
        result.outcome = SecretStore::Result::Outcome::Failed;
        break;
    }
    if (result.detail.isEmpty() && result.outcome != SecretStore::Result::Outcome::Done)
        result.detail = u"error %1"_s.arg(int(job->error()));
    return result;
}
} // namespace

SecretStore::SecretStore(QString service, int timeoutMs)
    : m_service(std::move(service))
    , m_timeoutMs(timeoutMs)
    , m_threadContext(new QObject)
{
    m_thread.setObjectName(u"keychain"_s);
    m_threadContext->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_threadContext, &QObject::deleteLater);
    m_thread.start();
    // The pump must be made on the keychain thread: it sets up that thread's GLib context.
    QMetaObject::invokeMethod(m_threadContext, [this] { m_pump = new GLibContextPump(m_threadContext); },
                              Qt::BlockingQueuedConnection);
}

SecretStore::~SecretStore()
{
    m_thread.quit();
    m_thread.wait();
}

SecretStore::Result SecretStore::run(const std::function<QKeychain::Job *(QObject *parent)> &makeJob)
{
    auto pending = std::make_shared<Pending>();
    QMetaObject::invokeMethod(m_threadContext, [this, makeJob, pending] {
        QKeychain::Job *job = makeJob(m_threadContext);
        job->setAutoDelete(true);
        GLibContextPump *pump = m_pump;
        QObject::connect(job, &QKeychain::Job::finished, m_threadContext, [pending, pump](QKeychain::Job *done) {
            pump->jobFinished();
            QMutexLocker locker(&pending->mutex);
            pending->result = resultOf(done);
            pending->done = true;
            pending->finished.wakeAll();
        });
        pump->jobStarted();
        job->start();
    });

    QMutexLocker locker(&pending->mutex);
    const QDeadlineTimer deadline(m_timeoutMs);
    while (!pending->done) {
        if (!pending->finished.wait(&pending->mutex, deadline)) {
            Result timedOut;
            timedOut.outcome = Result::Outcome::Unavailable;
            timedOut.detail = u"the keychain did not answer within %1 s"_s.arg(m_timeoutMs / 1000.0);
            return timedOut;
        }
    }
    return pending->result;
}

SecretStore::Result SecretStore::read(const QString &entry)
{
    return run([this, entry](QObject *parent) {
        auto *job = new QKeychain::ReadPasswordJob(m_service, parent);
        job->setKey(entry);
        return job;
    });
}

SecretStore::Result SecretStore::write(const QString &entry, const QString &secret)
{
    return run([this, entry, secret](QObject *parent) {
        auto *job = new QKeychain::WritePasswordJob(m_service, parent);
        job->setKey(entry);
        job->setTextData(secret);
        job->setInsecureFallback(false); // never a plaintext file instead of the keychain
        return job;
    });
}

SecretStore::Result SecretStore::remove(const QString &entry)
{
    return run([this, entry](QObject *parent) {
        auto *job = new QKeychain::DeletePasswordJob(m_service, parent);
        job->setKey(entry);
        return job;
    });
}
