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
    enum { Model, Messages, Stream, StreamOptions, Count };
    Member found[Count];
    // Duplicate keys would let the gateway route by one value while the upstream reads another.
    if (!findMembers(body, request.root, { "model", "messages", "stream", "stream_options" }, found)) {
        *error
            = u"The request body names 'model', 'messages', 'stream' or 'stream_options' more than once."_s;
        return std::nullopt;
    }
    const auto model = toString(body, found[Model].value);
    if (!model || model->isEmpty()) {
        *error = u"you must provide a model parameter"_s;
        return std::nullopt;
    }
    request.model = *model;
    request.modelMember = found[Model];
    if (typeAt(body, found[Messages].value) != Type::Array) {
        *error = u"'messages' is a required property and must be an array"_s;
        return std::nullopt;
    }
    const Span stream = found[Stream].value;
    if (stream.isValid() && typeAt(body, stream) != Type::Null) {
        const auto value = toBool(body, stream);
        if (!value) {
            *error = u"'stream' must be a boolean"_s;
            return std::nullopt;
        }
        request.stream = *value;
    }
    request.streamOptions = found[StreamOptions];
    request.clientWantsUsage
        = toBool(body, member(body, request.streamOptions.value, "include_usage")).value_or(false);
    return request;
}

std::optional<ChatRequest> readEmbeddingsRequest(QByteArrayView body, QString *error)
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
    Member found[2];
    if (!findMembers(body, request.root, { "model", "input" }, found)) {
        *error = u"The request body names 'model' or 'input' more than once."_s;
        return std::nullopt;
    }
    const auto model = toString(body, found[0].value);
    if (!model || model->isEmpty()) {
        *error = u"you must provide a model parameter"_s;
        return std::nullopt;
    }
    const Type input = typeAt(body, found[1].value);
    if (input != Type::String && input != Type::Array) {
        *error = u"'input' is a required property and must be a string or an array"_s;
        return std::nullopt;
    }
    request.model = *model;
    request.modelMember = found[0];
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
        const Span options = request.streamOptions.value;
        if (typeAt(body, options) == Type::Object) {
            const Span include = memberSpanWithKey(body, options, "include_usage");
            if (include.isValid())
                edits[count++] = { include, "\"include_usage\":true" };
            else
                edits[count++] = { Span { options.begin + 1, options.begin + 1 },
                    body.sliced(options.begin + 1, options.size() - 2).trimmed().isEmpty()
                        ? QByteArray("\"include_usage\":true")
                        : QByteArray("\"include_usage\":true,") };
        } else if (options.isValid()) { // null
            edits[count++] = { options, "{\"include_usage\":true}" };
        } else {
            edits[count++] = { Span { request.root.end - 1, request.root.end - 1 },
                ",\"stream_options\":{\"include_usage\":true}" };
        }
    }
    // An escaped key ("mod\u0065l") is rewritten plainly along with its value.
    const Member &model = request.modelMember;
    if (body.sliced(model.key.begin, model.key.size()) != "\"model\"")
        edits[count++] = { Span { model.key.begin, model.value.end }, "\"model\":" + quote(upstreamModel) };
    else if (upstreamModel != request.model)
        edits[count++] = { model.value, quote(upstreamModel) };

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
    u.promptTokens = number({ "prompt_tokens" });
    u.completionTokens = number({ "completion_tokens" });
    u.cachedTokens = number({ "prompt_tokens_details", "cached_tokens" });
    if (u.cachedTokens == 0)
        u.cachedTokens = number({ "prompt_cache_hit_tokens" }); // DeepSeek
    u.reasoningTokens = number({ "completion_tokens_details", "reasoning_tokens" });
    u.known = true;
    return u;
}

std::optional<ResponseInfo> readResponse(QByteArrayView text)
{
    ResponseInfo info;
    info.root = validate(text);
    if (typeAt(text, info.root) != Type::Object)
        return std::nullopt;
    Member found[2];
    findMembers(text, info.root, { "usage", "choices" }, found);
    if (found[0].value.isValid())
        info.usageMember = Span { found[0].key.begin, found[0].value.end };
    if (typeAt(text, found[0].value) == Type::Object)
        info.usage = found[0].value;
    const Span choices = found[1].value;
    const Span first = element(text, choices, 0);
    info.noChoices = typeAt(text, choices) == Type::Array && !first.isValid();
    if (first.isValid())
        info.finishReason = toString(text, member(text, first, "finish_reason")).value_or(QString());
    return info;
}

qsizetype contentBytes(QByteArrayView chunk)
{
    const qsizetype at = chunk.indexOf("\"content\":\"");
    if (at < 0)
        return 0;
    const qsizetype begin = at + 11;
    for (qsizetype i = begin; i < chunk.size(); ++i) {
        if (chunk[i] == '\\')
            ++i;
        else if (chunk[i] == '"')
            return i - begin;
    }
    return 0;
}

qint64 estimateTokens(qsizetype bytes)
{
    return (bytes + 3) / 4;
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
    const QByteArray number = QByteArray::number(cost, 'g', 12);
    // An upstream that reports its own cost (OpenRouter does) gets it replaced by the gateway's figure.
    if (const Span existing = member(text, usage, "cost"); existing.isValid()) {
        QByteArray out = text.toByteArray();
        out.replace(existing.begin, existing.size(), number);
        return out;
    }
    QByteArray out = text.toByteArray();
    const bool empty = text.sliced(usage.begin + 1, usage.size() - 2).trimmed().isEmpty();
    QByteArray costMember = "\"cost\":" + number;
    if (!empty)
        costMember.prepend(',');
    out.insert(usage.end - 1, costMember);
    return out;
}

} // namespace OpenAICompat
