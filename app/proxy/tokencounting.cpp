#include "tokencounting.h"

#include "anthropicinbound.h"
#include "geminiadapter.h"
#include "openaicompat.h"
#include "upstreamplan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <array>

using namespace Qt::StringLiterals;

namespace TokenCounting {
namespace {

qsizetype textBytes(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().toUtf8().size();
    qsizetype bytes = 0;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            bytes += textBytes(item);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            bytes += textBytes(it.value());
    }
    return bytes;
}

UpstreamRequest baseRequest(const ProviderConfig &provider, const GatewayConfig &config)
{
    UpstreamRequest request;
    request.endpoint = provider.endpoint;
    request.connectTimeoutMs = config.connectTimeoutMs;
    request.responseTimeoutMs = config.upstreamTimeoutMs;
    request.idleTimeoutMs = config.streamIdleTimeoutMs;
    request.headers = { { "content-type", "application/json" }, { "accept", "application/json" },
        { "user-agent", "llm-gateway/" APP_VERSION } };
    return request;
}

QByteArray geminiCountPath(const ProviderConfig &provider, const QString &upstreamModel)
{
    const QString resource = upstreamModel.contains(u'/') ? upstreamModel : u"models/"_s + upstreamModel;
    return provider.pathPrefix + "/v1beta/" + QUrl::toPercentEncoding(resource, "/") + ":countTokens";
}

// An Anthropic count request as Google's countTokens body: {"generateContentRequest": {model, contents, …}}.
std::variant<QByteArray, ProxyError> anthropicToGemini(const QByteArray &body, const ModelRoute &route)
{
    // A count has no max_tokens; the translation wants one and it does not change the count.
    QJsonObject messages = QJsonDocument::fromJson(body).object();
    if (!messages.contains(u"max_tokens"))
        messages.insert(u"max_tokens", 1);
    QString error;
    const auto canonical
        = AnthropicInbound::toOpenAIRequest(QJsonDocument(messages).toJson(QJsonDocument::Compact), &error);
    if (!canonical)
        return ProxyError::badRequest(error);
    const auto gemini
        = GeminiAdapter::fromOpenAIRequest(*canonical, route.upstreamModel, route.model, &error);
    if (!gemini)
        return ProxyError::badRequest(error);
    QJsonObject generate = QJsonDocument::fromJson(gemini->body).object();
    const QString model = route.upstreamModel;
    generate.insert(u"model", model.contains(u'/') ? model : u"models/"_s + model);
    return QJsonDocument(QJsonObject { { u"generateContentRequest"_s, generate } })
        .toJson(QJsonDocument::Compact);
}

} // namespace

std::variant<CountCall, Estimate, ProxyError> plan(
    const CountRequest &count, const ModelRoute &route, const GatewayConfig &config)
{
    const ProviderConfig &provider = *route.provider;
    const QByteArray key = provider.apiKey.toUtf8();
    const ProviderFamily family = provider.spec.family;
    CountCall call;
    call.request = baseRequest(provider, config);
    if (count.format == ClientFormat::Anthropic && family == ProviderFamily::Anthropic) {
        call.request.path = provider.pathPrefix + "/v1/messages/count_tokens";
        call.request.body = withModel(count.body, route.upstreamModel);
        call.request.headers.append({ QByteArray("x-api-key"), key });
        call.request.headers.append({ QByteArray("anthropic-version"), QByteArray("2023-06-01") });
        if (!count.anthropicBeta.isEmpty())
            call.request.headers.append({ QByteArray("anthropic-beta"), count.anthropicBeta });
        return call;
    }
    if (family != ProviderFamily::Gemini)
        return Estimate {};
    call.request.path = geminiCountPath(provider, route.upstreamModel);
    call.request.headers.append({ QByteArray("x-goog-api-key"), key });
    if (count.format == ClientFormat::Gemini) {
        call.request.body = count.body;
        return call;
    }
    auto body = anthropicToGemini(count.body, route);
    if (const auto *error = std::get_if<ProxyError>(&body))
        return *error;
    call.request.body = std::get<QByteArray>(std::move(body));
    call.fromGemini = true;
    return call;
}

qint64 estimate(const QByteArray &body, ClientFormat format)
{
    QJsonObject request = QJsonDocument::fromJson(body).object();
    if (format == ClientFormat::Gemini && request.value(u"generateContentRequest").isObject())
        request = request.value(u"generateContentRequest").toObject();
    static constexpr std::array<QStringView, 3> geminiParts { u"systemInstruction", u"contents", u"tools" };
    static constexpr std::array<QStringView, 3> anthropicParts { u"system", u"messages", u"tools" };
    const auto &parts = format == ClientFormat::Gemini ? geminiParts : anthropicParts;
    qsizetype bytes = 0;
    for (const QStringView part : parts)
        bytes += textBytes(request.value(part));
    return OpenAICompat::estimateTokens(bytes);
}

QByteArray answerBody(qint64 tokens, ClientFormat format)
{
    if (format == ClientFormat::Gemini)
        return "{\"totalTokens\":" + QByteArray::number(tokens) + '}';
    return "{\"input_tokens\":" + QByteArray::number(tokens) + '}';
}

std::optional<qint64> geminiTotal(const QByteArray &body)
{
    const JsonScan::Span root = JsonScan::validate(body);
    if (JsonScan::typeAt(body, root) != JsonScan::Type::Object)
        return std::nullopt;
    return JsonScan::toInteger(body, JsonScan::member(body, root, "totalTokens"));
}

} // namespace TokenCounting
