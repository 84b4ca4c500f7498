#include "apihandler.h"

#include "accesstokenstore.h"
#include "apiroutes.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>

Q_LOGGING_CATEGORY(lcApi, "gateway.api")

using namespace Qt::StringLiterals;

ApiReply ApiReply::error(int status, const QString &code, const QString &message)
{
    return { status,
        QJsonObject { { u"error"_s, QJsonObject { { u"message"_s, message }, { u"code"_s, code } } } } };
}

// The one mapping of store failures to answers. The message is the store's, written for the user (the
// driver's words went to the log).
ApiReply ApiReply::fromStoreError(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::Kind::Invalid:
        return ApiReply::error(422, u"invalid"_s, error.message);
    case StoreError::Kind::NotFound:
        return ApiReply::error(404, u"not_found"_s, error.message);
    case StoreError::Kind::Conflict:
        return ApiReply::error(409, u"conflict"_s, error.message);
    case StoreError::Kind::Busy: {
        ApiReply reply = ApiReply::error(503, u"busy"_s, error.message);
        reply.headers.append(std::pair<QByteArray, QByteArray>("Retry-After", "1"));
        return reply;
    }
    case StoreError::Kind::None:
    case StoreError::Kind::Failed:
        break;
    }
    return ApiReply::error(500, u"internal"_s, error.message);
}

ApiReply ApiReply::methodNotAllowed(
    const QByteArray &method, const QString &path, const QByteArrayList &allowed)
{
    const QByteArray allow = allowed.join(", ");
    ApiReply reply = error(405, u"method_not_allowed"_s,
        u"%1 is not allowed on %2 (%3 are)"_s.arg(
            QString::fromLatin1(method), path, QString::fromLatin1(allowed.join(" and "))));
    reply.headers.append(std::pair<QByteArray, QByteArray>("Allow", allow));
    return reply;
}

namespace {

// A streamed answer's flow control: what the worker's thread tells the writer on the pool.
struct StreamFlow
{
    QMutex mutex;
    QWaitCondition changed;
    qint64 queued = 0; // posted to the worker, not yet written to the connection
    qint64 unsent = 0; // written to the connection, not yet taken by the kernel
    bool closed = false; // the client went, or the worker is shutting down: the writer gives up

    void close()
    {
        QMutexLocker locker(&mutex);
        closed = true;
        changed.wakeAll();
    }
};

} // namespace

// Counts the calls running on the pool for one handler, so that it can wait for them before it goes.
struct ApiHandler::InFlight
{
    QMutex mutex;
    QWaitCondition done;
    int running = 0;
    std::vector<std::weak_ptr<StreamFlow>> streams; // of the calls running, those writing a stream
};

ApiHandler::ApiHandler(const ApiContext &context)
    : m_context(context)
    , m_home(std::make_unique<QObject>())
    , m_inFlight(std::make_shared<InFlight>())
{ }

ApiHandler::~ApiHandler()
{
    // A call still running posts its answer to m_home; once it has finished, deleting m_home drops
    // whatever it posted, safely. A stream waiting for its client would wait for this very thread: it gives
    // up.
    QMutexLocker locker(&m_inFlight->mutex);
    for (const std::weak_ptr<StreamFlow> &stream : m_inFlight->streams) {
        if (const auto flow = stream.lock())
            flow->close();
    }
    while (m_inFlight->running > 0)
        m_inFlight->done.wait(&m_inFlight->mutex);
}

namespace {

// The body of a streamed answer, written on the pool thread: each piece goes to the worker's thread, which
// writes it to the connection. The writer waits while more than kBacklog bytes are on their way or unsent to
// a slow client, so that an export of the whole store never sits in memory; it gives up when the client
// has gone, or has taken nothing for kStallMs.
class ForwardingDevice final : public QIODevice
{
public:
    static constexpr qint64 kBacklog = 4 * 1024 * 1024;
    static constexpr int kStallMs = 60'000;

    ForwardingDevice(QObject *home, HttpResponder responder, std::shared_ptr<StreamFlow> flow)
        : m_home(home)
        , m_responder(std::move(responder))
        , m_flow(std::move(flow))
    {
        open(QIODevice::WriteOnly);
    }

    // Runs on the worker's thread when the stream begins: the connection reports back to the writer.
    static void watch(HttpResponder &responder, const std::shared_ptr<StreamFlow> &flow)
    {
        responder.setAbortHandler([flow] { flow->close(); });
        responder.setDrainHandler([flow, responder] {
            QMutexLocker locker(&flow->mutex);
            flow->unsent = responder.unsentBytes();
            flow->changed.wakeAll();
        });
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        {
            QMutexLocker locker(&m_flow->mutex);
            QDeadlineTimer stall(kStallMs);
            while (!m_flow->closed && m_flow->queued + m_flow->unsent > kBacklog) {
                const qint64 before = m_flow->queued + m_flow->unsent;
                m_flow->changed.wait(&m_flow->mutex, QDeadlineTimer(200));
                if (m_flow->queued + m_flow->unsent < before)
                    stall.setRemainingTime(kStallMs);
                else if (stall.hasExpired())
                    return -1;
            }
            if (m_flow->closed)
                return -1;
            m_flow->queued += size;
        }
        QMetaObject::invokeMethod(
            m_home,
            [responder = m_responder, flow = m_flow, bytes = QByteArray(data, size)]() mutable {
                responder.writeStreamData(bytes);
                QMutexLocker locker(&flow->mutex);
                flow->queued -= bytes.size();
                flow->unsent = responder.unsentBytes();
                flow->changed.wakeAll();
            },
            Qt::QueuedConnection);
        return size;
    }

private:
    QObject *m_home;
    HttpResponder m_responder;
    std::shared_ptr<StreamFlow> m_flow;
};

} // namespace

void ApiHandler::handle(const HttpRequest &request, const HttpResponder &responder)
{
    {
        QMutexLocker locker(&m_inFlight->mutex);
        ++m_inFlight->running;
    }
    QObject *home = m_home.get();
    const QString clientAddress = responder.peerAddress().toString();
    const bool confidential = responder.isConfidential();
    m_context.pool.start([context = m_context, request, responder, home, inFlight = m_inFlight, clientAddress,
                             confidential] {
        const ApiReply reply = dispatch(context, request, clientAddress, confidential);
        const auto deliver = [home](std::function<void()> work) {
            QMetaObject::invokeMethod(home, std::move(work), Qt::QueuedConnection);
        };
        if (reply.writer) {
            HttpHeaders headers { { "cache-control", "no-store" } };
            if (!reply.fileName.isEmpty())
                headers.append({ "content-disposition", "attachment; filename=\"" + reply.fileName + '"' });
            const auto flow = std::make_shared<StreamFlow>();
            {
                QMutexLocker locker(&inFlight->mutex);
                std::erase_if(
                    inFlight->streams, [](const std::weak_ptr<StreamFlow> &s) { return s.expired(); });
                inFlight->streams.push_back(flow);
            }
            deliver(
                [r = responder, status = reply.status, type = reply.contentType, headers, flow]() mutable {
                    r.beginStream(status, type, headers);
                    ForwardingDevice::watch(r, flow);
                });
            ForwardingDevice device(home, responder, flow);
            QString error;
            if (!reply.writer(device, &error))
                qCWarning(lcApi).noquote() << "answer to" << request.path << "cut short:" << error;
            deliver([r = responder]() mutable { r.endStream(); });
        } else {
            const QByteArray body = reply.body.isArray()
                ? QJsonDocument(reply.body.toArray()).toJson(QJsonDocument::Compact)
                : QJsonDocument(reply.body.toObject()).toJson(QJsonDocument::Compact);
            // Answers carry tokens and member data: no cache may keep them.
            HttpHeaders headers = reply.headers;
            headers.append(std::pair<QByteArray, QByteArray>("cache-control", "no-store"));
            deliver([r = responder, status = reply.status, body, headers]() mutable {
                r.respond(status, "application/json", body, headers);
            });
        }
        QMutexLocker locker(&inFlight->mutex);
        --inFlight->running;
        inFlight->done.wakeAll();
    });
}

void ApiHandler::rejected(int status, const QByteArray &message, HttpResponder &responder)
{
    const ApiReply reply = ApiReply::error(
        status, status == 413 ? u"too_large"_s : u"bad_request"_s, QString::fromUtf8(message));
    responder.respond(status, "application/json",
        QJsonDocument(reply.body.toObject()).toJson(QJsonDocument::Compact),
        { { "cache-control", "no-store" } });
}

namespace {

// What the router answers when the path names no call: the resources, or the calls under the one it named.
ApiReply notFound(const ApiCall &call)
{
    const std::vector<ApiRoute> &routes = ApiRoutes::table();
    const QStringList resources = ApiRoutes::resourceNames(routes);
    if (call.segments.isEmpty() || !resources.contains(call.segments.constFirst()))
        return ApiReply::error(404, u"not_found"_s,
            u"there is no resource %1; name one of /api/v1/%2 (docs/api-reference.md lists every call)"_s.arg(
                call.path(), resources.join(u", "_s)));
    QStringList calls;
    for (const ApiRoute &route : routes) {
        const QString pattern = QString::fromLatin1(route.pattern);
        if (pattern.section(u'/', 0, 0) == call.segments.constFirst())
            calls.append(QString::fromLatin1(route.method) + u' ' + pattern);
    }
    return ApiReply::error(404, u"not_found"_s,
        u"there is no resource %1 (under %2 there are %3)"_s.arg(
            call.path(), call.segments.constFirst(), calls.join(u", "_s)));
}

} // namespace

ApiReply ApiHandler::dispatch(
    const ApiContext &context, const HttpRequest &request, const QString &clientAddress, bool confidential)
{
    ApiCall call;
    call.clientAddress = clientAddress;
    call.confidential = confidential;
    call.method = request.method;
    call.segments
        = ApiRoutes::segmentsOf(QByteArrayView(request.path).sliced(qsizetype(sizeof("/api/v1/") - 1)));
    call.query = QUrlQuery(QString::fromUtf8(request.query));
    if (call.segments.isEmpty())
        return notFound(call);

    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return ApiReply::error(400, u"bad_json"_s,
                u"the request body must be a JSON object"_s
                    + (parseError.error != QJsonParseError::NoError ? u": "_s + parseError.errorString()
                                                                    : QString()));
        call.body = document.object();
    }

    const ApiMatch match = ApiRoutes::match(ApiRoutes::table(), call.method, call.segments);
    if (match.route && match.route->secrets == ApiRoute::Secrets::Carried && !call.confidential)
        return ApiReply::error(403, u"insecure_transport"_s,
            u"%1 carries a password or a new access token, which plain HTTP from another machine "
            "would show to anyone on the way: connect with https:// (start the gateway with "
            "--tls-cert and --tls-key), or, behind a TLS proxy, set \"tls_terminated_by_proxy\": "
            "true in its config"_s.arg(call.path()));

    // Which paths and methods exist is told only to members, except where no token is needed at all.
    if (!match.tokenless) {
        const QByteArray authorization = request.header("authorization");
        if (authorization.size() <= 7 || authorization.first(7).compare("bearer ", Qt::CaseInsensitive) != 0)
            return ApiReply::error(401, u"unauthenticated"_s,
                u"send a personal access token as 'Authorization: Bearer llmgw_pat_…' "
                "(llm-gateway members add prints one; POST /api/v1/auth/sign-in returns one)"_s);
        const auto authenticated = context.tokens.authenticate(authorization.sliced(7).trimmed());
        if (!authenticated)
            return ApiReply::error(401, u"unauthenticated"_s,
                u"the access token is not valid: unknown, revoked, or its member was removed"_s);
        call.actor = authenticated->member;
        call.tokenId = authenticated->tokenId;
    }

    if (!match.route)
        return match.allowed.isEmpty() ? notFound(call)
                                       : ApiReply::methodNotAllowed(call.method, call.path(), match.allowed);
    if (match.route->access.kind == ApiAccess::Kind::RoleGate) {
        if (const Decision decision = match.route->access.gate(call.actor.role); !decision)
            return ApiReply::forbidden(decision);
    }
    call.params = match.params;
    return match.route->handler(context, call);
}
