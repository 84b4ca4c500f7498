#include "secretstore.h"

#include "glibcontextpump.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QThread>
#include <QWaitCondition>
#include <memory>
#include <qt6keychain/keychain.h>

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
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        result.locked = true;
        result.outcome = SecretStore::Result::Outcome::Unavailable;
        break;
    case QKeychain::NoBackendAvailable:
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
// QtKeychain passes every job of the process through one global executor that is bound to the thread of the
// first job and is not safe across threads (jobs on two threads crash it, and it stalls once its thread
// ends). So all SecretStores share this one thread, started on first use and kept for the process's life.
class KeychainThread final
{
public:
    static KeychainThread &instance()
    {
        static KeychainThread *const thread = new KeychainThread; // never destroyed: see above
        return *thread;
    }

    QObject *context() const { return m_context; }
    GLibContextPump *pump() const { return m_pump; }

private:
    KeychainThread()
        : m_context(new QObject)
    {
        m_thread.setObjectName(u"keychain"_s);
        m_context->moveToThread(&m_thread);
        m_thread.start();
        // The pump must be made on the keychain thread: it sets up that thread's GLib context.
        QMetaObject::invokeMethod(
            m_context, [this] { m_pump = new GLibContextPump(m_context); }, Qt::BlockingQueuedConnection);
    }

    QThread m_thread;
    QObject *m_context; // lives on m_thread; parent of the jobs
    GLibContextPump *m_pump = nullptr;
};
} // namespace

QString SecretStore::Result::whatToDo(const QString &keyVariable) const
{
#ifdef Q_OS_LINUX
    const QString where = u"Secret Service over D-Bus: "_s;
#else
    const QString where;
#endif
    if (locked)
        return u"the OS keychain refused access (%1%2), most likely because the login keyring is locked; on "
               u"a "
               "desktop unlock the login keyring, on a server set %3 in the gateway's environment instead"_s
                   .arg(where, detail, keyVariable);
    return u"no OS keychain is reachable (%1%2); on a server set %3 in the gateway's environment instead, "
           "on a desktop unlock the login keyring"_s.arg(where, detail, keyVariable);
}

SecretStore::SecretStore(QString service, int timeoutMs)
    : m_service(std::move(service))
    , m_timeoutMs(timeoutMs)
{ }

SecretStore::Result SecretStore::run(std::function<QKeychain::Job *(QObject *parent)> makeJob)
{
    auto pending = std::make_shared<Pending>();
    KeychainThread &thread = KeychainThread::instance();
    QMetaObject::invokeMethod(thread.context(), [&thread, makeJob = std::move(makeJob), pending] {
        QKeychain::Job *job = makeJob(thread.context());
        job->setAutoDelete(true);
        GLibContextPump *pump = thread.pump();
        QObject::connect(
            job, &QKeychain::Job::finished, thread.context(), [pending, pump](QKeychain::Job *done) {
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
    return run([service = m_service, entry](QObject *parent) {
        auto *job = new QKeychain::ReadPasswordJob(service, parent);
        job->setKey(entry);
        return job;
    });
}

SecretStore::Result SecretStore::write(const QString &entry, const QString &secret)
{
    return run([service = m_service, entry, secret](QObject *parent) {
        auto *job = new QKeychain::WritePasswordJob(service, parent);
        job->setKey(entry);
        job->setTextData(secret);
        job->setInsecureFallback(false); // never a plaintext file instead of the keychain
        return job;
    });
}

SecretStore::Result SecretStore::remove(const QString &entry)
{
    return run([service = m_service, entry](QObject *parent) {
        auto *job = new QKeychain::DeletePasswordJob(service, parent);
        job->setKey(entry);
        return job;
    });
}
