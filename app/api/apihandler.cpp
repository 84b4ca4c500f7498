#include "apihandler.h"

#include "accesstokenstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

Q_LOGGING_CATEGORY(lcApi, "gateway.api")

using namespace Qt::StringLiterals;

ApiReply ApiReply::error(int status, const QString &code, const QString &message)
{
    return {status, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, message}, {u"code"_s, code}}}}};
}

ApiReply ApiReply::fromStoreError(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::Kind::Invalid:
        return ApiReply::error(422, u"invalid"_s, error.message);
    case StoreError::Kind::NotFound:
        return ApiReply::error(404, u"not_found"_s, error.message);
    case StoreError::Kind::Conflict:
        return ApiReply::error(409, u"conflict"_s, error.message);
    case StoreError::Kind::None:
    case StoreError::Kind::Failed:
        break;
    }
    qCWarning(lcApi) << "store failure:" << error.message;
    return ApiReply::error(500, u"internal"_s, error.message);
}

ApiReply ApiReply::methodNotAllowed(const QByteArray &method, const QString &path)
{
    return error(405, u"method_not_allowed"_s, u"%1 is not allowed on %2"_s.arg(QString::fromLatin1(method), path));
}

ApiHandler::ApiHandler(const ApiContext &context)
    : m_context(context)
{
}

namespace {

// The body of a streamed answer: what the writer writes goes out as chunks of the response.
class ResponderDevice final : public QIODevice
{
public:
    explicit ResponderDevice(HttpResponder &responder)
        : m_responder(responder)
    {
        open(QIODevice::WriteOnly);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (!m_responder.isOpen())
            return -1;
        m_responder.writeStreamData(QByteArrayView(data, size));
        return size;
    }

private:
    HttpResponder &m_responder;
};

} // namespace

void ApiHandler::handle(const HttpRequest &request, HttpResponder &responder)
{
    const ApiReply reply = dispatch(request);
    if (reply.writer) {
        HttpHeaders headers{{"cache-control", "no-store"}};
        if (!reply.fileName.isEmpty())
            headers.append({"content-disposition", "attachment; filename=\"" + reply.fileName + '"'});
        responder.beginStream(reply.status, reply.contentType, headers);
        ResponderDevice device(responder);
        QString error;
        if (!reply.writer(device, &error))
            qCWarning(lcApi).noquote() << "answer to" << request.path << "cut short:" << error;
        responder.endStream();
        return;
    }
    const QByteArray body = reply.body.isArray() ? QJsonDocument(reply.body.toArray()).toJson(QJsonDocument::Compact)
                                                 : QJsonDocument(reply.body.toObject()).toJson(QJsonDocument::Compact);
    // Answers carry tokens and member data: no cache may keep them.
    responder.respond(reply.status, "application/json", body, {{"cache-control", "no-store"}});
}

ApiReply ApiHandler::dispatch(const HttpRequest &request)
{
    ApiCall call;
    call.method = request.method;
    const QString rest = QUrl::fromPercentEncoding(request.path.sliced(qsizetype(sizeof("/api/v1/") - 1)));
    call.segments = rest.split(u'/', Qt::SkipEmptyParts);
    call.query = QUrlQuery(QString::fromUtf8(request.query));
    if (call.segments.isEmpty())
        return ApiReply::error(404, u"not_found"_s, u"name a resource: /api/v1/usage, logs, keys, policies, members, tokens, audit, export, data"_s);

    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return ApiReply::error(400, u"bad_json"_s, u"the request body must be a JSON object"_s
                                   + (parseError.error != QJsonParseError::NoError ? u": "_s + parseError.errorString()
                                                                                    : QString()));
        call.body = document.object();
    }

    if (call.segments == QStringList{u"auth"_s, u"sign-in"_s}) {
        if (call.method != "POST")
            return ApiReply::methodNotAllowed(call.method, call.path());
        return TokenResource::signIn(m_context, call.body);
    }

    const QByteArray authorization = request.header("authorization");
    if (authorization.size() <= 7 || authorization.first(7).compare("bearer ", Qt::CaseInsensitive) != 0)
        return ApiReply::error(401, u"unauthenticated"_s,
                               u"send a personal access token as 'Authorization: Bearer llmgw_pat_…' "
                               "(llm-gateway members add prints one; POST /api/v1/auth/sign-in returns one)"_s);
    const auto authenticated = m_context.tokens.authenticate(authorization.sliced(7).trimmed());
    if (!authenticated)
        return ApiReply::error(401, u"unauthenticated"_s,
                               u"the access token is not valid: unknown, revoked, or its member was removed"_s);
    call.actor = authenticated->member;
    call.tokenId = authenticated->tokenId;

    const QString &resource = call.segments.first();
    if (resource == "members"_L1)
        return MemberResource::handle(m_context, call);
    if (resource == "tokens"_L1)
        return TokenResource::handle(m_context, call);
    if (resource == "keys"_L1)
        return KeyResource::handle(m_context, call);
    if (resource == "audit"_L1)
        return AuditResource::handle(m_context, call);
    if (resource == "usage"_L1)
        return UsageResource::handle(m_context, call);
    if (resource == "logs"_L1)
        return LogResource::handle(m_context, call);
    if (resource == "policies"_L1)
        return PolicyResource::handle(m_context, call);
    if (resource == "export"_L1)
        return DataResource::handleExport(m_context, call);
    if (resource == "data"_L1)
        return DataResource::handleData(m_context, call);
    if (resource == "providers"_L1)
        return ProviderResource::handle(m_context, call);
    return ApiReply::error(404, u"not_found"_s, u"there is no resource %1"_s.arg(call.path()));
}
