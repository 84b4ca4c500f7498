#pragma once

#include "tlscredentials.h"

#include <QFileSystemWatcher>
#include <QMutex>
#include <QObject>
#include <QTimer>

// The listener's TLS certificate and key, kept up to date with their files without a restart: read at start,
// read again when either file changes (replaced in place or by a rename, as certbot and editors do) or when
// reload() is called (SIGHUP). A new pair that cannot serve (expired, mismatched, unreadable, half-written)
// leaves the old one in place, and reloadFailed() says why. Connections take configuration() when they open:
// those already open keep the certificate they were made with.
//
// Lives on the thread that made it (the watcher and the timer run there); configuration() and certificate()
// may be called from any thread.
class ServerCertificate final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerCertificate)
public:
    ServerCertificate(QString certificateFile, QString keyFile, QObject *parent = nullptr);

    // The first read: false and *error when the pair cannot serve. Starts watching the files either way.
    bool load(QString *error);
    // Reads the files again now; what changed is taken, or refused with reloadFailed().
    void reload();

    QSslConfiguration configuration() const;
    QSslCertificate certificate() const;
    QString certificateFile() const { return m_certificateFile; }
    QString keyFile() const { return m_keyFile; }

signals:
    void reloaded(const QSslCertificate &certificate);
    void reloadFailed(const QString &reason);

private:
    void watch();

    const QString m_certificateFile;
    const QString m_keyFile;
    QFileSystemWatcher m_watcher;
    QTimer m_settle; // a renewal writes two files: read them once both are written
    mutable QMutex m_mutex;
    TlsCredentials m_current; // under m_mutex
};
