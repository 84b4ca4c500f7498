#pragma once

#include <QDateTime>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>

#include <optional>

// A listener's certificate chain and private key, read from PEM files and checked before any client meets
// them: the certificate is valid now, and the key is the one it certifies (otherwise every handshake would
// fail later, one client at a time, with nothing in the gateway's log).
struct TlsCredentials
{
    QSslConfiguration configuration; // the server side of a handshake: the chain, the key, TLS 1.2 or later
    QSslCertificate certificate; // the leaf, first in the certificate file
    QByteArray certificateBytes; // the files as read, to tell a changed pair from the same one
    QByteArray keyBytes;

    // nullopt and *error (naming the file and what is wrong with it) when the pair cannot serve TLS at `now`.
    static std::optional<TlsCredentials> load(
        const QString &certificateFile, const QString &keyFile, const QDateTime &now, QString *error);

    // "serial 0a, CN localhost, valid until 2126-11-12": which certificate this is, for the log.
    QString describe() const;
};
