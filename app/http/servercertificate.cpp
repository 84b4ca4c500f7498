#include "servercertificate.h"

#include <QFileInfo>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcTls, "gateway.tls")

namespace {
// Long enough for a tool to write both files, short enough that nobody notices.
constexpr int SettleMs = 200;
} // namespace

ServerCertificate::ServerCertificate(QString certificateFile, QString keyFile, QObject *parent)
    : QObject(parent)
    , m_certificateFile(std::move(certificateFile))
    , m_keyFile(std::move(keyFile))
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(SettleMs);
    connect(&m_settle, &QTimer::timeout, this, &ServerCertificate::reload);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle, qOverload<>(&QTimer::start));
}

bool ServerCertificate::load(QString *error)
{
    watch();
    auto loaded = TlsCredentials::load(m_certificateFile, m_keyFile, QDateTime::currentDateTimeUtc(), error);
    if (!loaded)
        return false;
    QMutexLocker locker(&m_mutex);
    m_current = std::move(*loaded);
    return true;
}

void ServerCertificate::reload()
{
    watch(); // a file replaced by a rename is a new file: watch it again
    QString error;
    auto loaded = TlsCredentials::load(m_certificateFile, m_keyFile, QDateTime::currentDateTimeUtc(), &error);
    if (!loaded) {
        qCWarning(lcTls).noquote() << u"keeping the TLS certificate in use (serial %1): %2"_s.arg(
            QString::fromLatin1(certificate().serialNumber()), error);
        emit reloadFailed(error);
        return;
    }
    {
        QMutexLocker locker(&m_mutex);
        if (loaded->certificateBytes == m_current.certificateBytes && loaded->keyBytes == m_current.keyBytes)
            return; // another file in the directory changed
        m_current = *loaded;
    }
    qCInfo(lcTls).noquote() << "new connections now get the TLS certificate" << loaded->describe();
    emit reloaded(loaded->certificate);
}

QSslConfiguration ServerCertificate::configuration() const
{
    QMutexLocker locker(&m_mutex);
    return m_current.configuration;
}

QSslCertificate ServerCertificate::certificate() const
{
    QMutexLocker locker(&m_mutex);
    return m_current.certificate;
}

void ServerCertificate::watch()
{
    // The directories too: a file replaced by a rename leaves the watcher watching nothing.
    QStringList paths;
    for (const QString &file : { m_certificateFile, m_keyFile }) {
        const QFileInfo info(file);
        paths << info.absolutePath();
        if (info.exists())
            paths << info.absoluteFilePath();
    }
    paths.removeDuplicates();
    const QStringList watched = m_watcher.files() + m_watcher.directories();
    for (const QString &path : std::as_const(paths)) {
        if (!watched.contains(path))
            m_watcher.addPath(path);
    }
}
