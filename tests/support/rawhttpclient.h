#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSslCertificate>
#include <functional>

class QSslSocket;

// One HTTP response as it came over the wire.
struct RawHttpResponse
{
    bool complete = false; // the whole message arrived (framing satisfied, or closed where that ends it)
    int status = 0;
    QByteArray reason;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray head; // status line and headers, raw
    QByteArray body; // de-chunked
    QByteArrayList chunks; // chunk payloads when chunked, to check the framing
    bool chunked = false;

    QByteArray header(const QByteArray &name) const;
};

// An HTTP/1.1 client for wire-level tests (over TLS too): sends exactly the bytes it is given and reads
// responses one after the other on the same connection, with its own parsing, so tests see precisely what a
// server wrote. Waiting runs the event loop, so it works against a server living in the same thread.
class RawHttpClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawHttpClient)

public:
    explicit RawHttpClient(QObject *parent = nullptr);
    ~RawHttpClient() override;

    // Where connectToServer() and connectEncrypted() go: 127.0.0.1 unless set.
    void setServerAddress(const QString &address) { m_address = address; }
    bool connectToServer(quint16 port, int timeoutMs = 5000);
    // Connects with TLS, trusting only `trusted` and checking the certificate names `peerName`;
    // true once the handshake is done. Otherwise errorString() says why.
    bool connectEncrypted(quint16 port, const QList<QSslCertificate> &trusted,
        const QString &peerName = QStringLiteral("localhost"), int timeoutMs = 5000);
    QSslCertificate peerCertificate() const;
    QString errorString() const;
    void send(const QByteArray &bytes);
    // The next response on the connection; `complete` is false when it did not arrive in time or the
    // server closed early. Set `noBody` for answers to HEAD.
    RawHttpResponse readResponse(int timeoutMs = 10000, bool noBody = false);
    // Waits until the server closes the connection; true if it did within the time.
    bool waitForDisconnected(int timeoutMs = 5000);
    // Drops the connection with a TCP reset (SO_LINGER 0), as a client killed mid-response does: the server's
    // next write fails at once instead of succeeding into a half-closed socket.
    void reset();
    bool isConnected() const;
    // Bytes received and not yet consumed by readResponse().
    QByteArray pending() const { return m_buffer; }

    // Convenience for one request: method, path, JSON body, extra header lines ("Name: value").
    static QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
        const QByteArrayList &headerLines = {});

signals:
    void bytesArrived();

private:
    bool waitFor(const std::function<bool()> &condition, int timeoutMs);
    enum class Parse { NeedMore, Done, Bad };
    Parse parse(RawHttpResponse &response, bool noBody);

    QSslSocket *m_socket; // plain TCP unless connectEncrypted()
    QString m_address = QStringLiteral("127.0.0.1");
    QByteArray m_buffer;
    bool m_closed = false;
};
