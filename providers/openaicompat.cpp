#include "openaicompat.h"

using namespace Qt::StringLiterals;
using namespace JsonScan;

namespace OpenAICompat {

std::optional<ChatRequest> readChatRequest(QByteArrayView body, QString *error)
{
    QString jsonError;
    ChatRequest request;
    request.root = validate(body, &jsonError);
    if (!request.root.isValid()) {
        *error = u"The request body is not valid JSON: "_s + jsonError;
        return std::nullopt;
    }
    if (typeAt(body, request.root) != Type::Object) {
        *error = u"The request body must be a JSON object."_s;
        return std::nullopt;
    }
    const auto model = toString(body, member(body, request.root, "model"));
    if (!model || model->isEmpty()) {
        *error = u"you must provide a model parameter"_s;
        return std::nullopt;
    }
    request.model = *model;
    const Span messages = member(body, request.root, "messages");
    if (typeAt(body, messages) != Type::Array) {
        *error = u"'messages' is a required property and must be an array"_s;
        return std::nullopt;
    }
    const Span stream = member(body, request.root, "stream");
    if (stream.isValid() && typeAt(body, stream) != Type::Null) {
        const auto value = toBool(body, stream);
        if (!value) {
            *error = u"'stream' must be a boolean"_s;
            return std::nullopt;
        }
        request.stream = *value;
    }
    request.clientWantsUsage
        = toBool(body, path(body, request.root, {"stream_options", "include_usage"})).value_or(false);
    return request;
}

QByteArray rewriteChatRequest(QByteArrayView body, const ChatRequest &request, const QString &upstreamModel)
{
    // Edits are applied back to front so that earlier spans stay valid.
    struct Edit
    {
        Span span;
        QByteArray text;
    };
    Edit edits[2];
    int count = 0;
    if (request.stream && !request.clientWantsUsage) {
        const Span options = member(body, request.root, "stream_options");
        if (typeAt(body, options) == Type::Object) {
            const Span include = memberSpanWithKey(body, options, "include_usage");
            if (include.isValid())
                edits[count++] = {include, "\"include_usage\":true"};
            else
                edits[count++] = {Span{options.begin + 1, options.begin + 1},
                                  body.sliced(options.begin + 1, options.size() - 2).trimmed().isEmpty()
                                      ? QByteArray("\"include_usage\":true")
                                      : QByteArray("\"include_usage\":true,")};
        } else if (options.isValid()) { // null
            edits[count++] = {options, "{\"include_usage\":true}"};
        } else {
            edits[count++] = {Span{request.root.end - 1, request.root.end - 1},
                              ",\"stream_options\":{\"include_usage\":true}"};
        }
    }
    const Span model = member(body, request.root, "model");
    if (upstreamModel != request.model)
        edits[count++] = {model, quote(upstreamModel)};

    std::sort(edits, edits + count, [](const Edit &a, const Edit &b) { return a.span.begin > b.span.begin; });
    QByteArray out = body.toByteArray();
    for (int i = 0; i < count; ++i)
        out.replace(edits[i].span.begin, edits[i].span.size(), edits[i].text);
    return out;
}

TokenUsage readUsage(QByteArrayView text, Span usage)
{
    TokenUsage u;
    if (typeAt(text, usage) != Type::Object)
        return u;
    auto number = [&](std::initializer_list<QByteArrayView> keys) {
        return toInteger(text, path(text, usage, keys)).value_or(0);
    };
    u.promptTokens = number({"prompt_tokens"});
    u.completionTokens = number({"completion_tokens"});
    u.cachedTokens = number({"prompt_tokens_details", "cached_tokens"});
    if (u.cachedTokens == 0)
        u.cachedTokens = number({"prompt_cache_hit_tokens"}); // DeepSeek
    u.reasoningTokens = number({"completion_tokens_details", "reasoning_tokens"});
    u.known = true;
    return u;
}

std::optional<ResponseInfo> readResponse(QByteArrayView text)
{
    ResponseInfo info;
    info.root = validate(text);
    if (typeAt(text, info.root) != Type::Object)
        return std::nullopt;
    info.usageMember = memberSpanWithKey(text, info.root, "usage");
    const Span usage = member(text, info.root, "usage");
    if (typeAt(text, usage) == Type::Object)
        info.usage = usage;
    const Span choices = member(text, info.root, "choices");
    const Span first = element(text, choices, 0);
    info.noChoices = typeAt(text, choices) == Type::Array && !first.isValid();
    if (first.isValid())
        info.finishReason = toString(text, member(text, first, "finish_reason")).value_or(QString());
    return info;
}

QByteArray withoutMember(QByteArrayView text, Span member)
{
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    qsizetype begin = member.begin;
    qsizetype end = member.end;
    qsizetype before = begin - 1;
    while (before >= 0 && isSpace(text[before]))
        --before;
    if (before >= 0 && text[before] == ',') {
        begin = before; // drop the comma in front
    } else {
        qsizetype after = end;
        while (after < text.size() && isSpace(text[after]))
            ++after;
        if (after < text.size() && text[after] == ',')
            end = after + 1; // first member: drop the comma behind
    }
    QByteArray out;
    out.reserve(text.size());
    out += text.first(begin);
    out += text.sliced(end);
    return out;
}

QByteArray withCost(QByteArrayView text, Span usage, double cost)
{
    QByteArray out = text.toByteArray();
    const bool empty = text.sliced(usage.begin + 1, usage.size() - 2).trimmed().isEmpty();
    QByteArray member = "\"cost\":" + QByteArray::number(cost, 'g', 12);
    if (!empty)
        member.prepend(',');
    out.insert(usage.end - 1, member);
    return out;
}

} // namespace OpenAICompat
