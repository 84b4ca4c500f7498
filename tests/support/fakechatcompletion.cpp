#include "fakechatcompletion.h"

#include "fakestructuredanswer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace {
const QByteArray fingerprint = QByteArrayLiteral("fp_f4ce0pen01");

QString messageText(const QJsonObject &message)
{
    const QJsonValue content = message.value(u"content");
    if (content.isString())
        return content.toString();
    QStringList texts;
    const QJsonArray parts = content.toArray();
    for (const QJsonValue &part : parts) {
        const QJsonObject object = part.toObject();
        if (object.value(u"type").toString() == u"text")
            texts.append(object.value(u"text").toString());
    }
    return texts.join(u' ');
}

// Splits JSON text where a real tokenizer would roughly cut it: runs of letters/digits and runs of the rest.
QStringList argumentPieces(const QString &arguments)
{
    static const QRegularExpression piece(QStringLiteral("[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_]+"));
    QStringList pieces;
    for (auto it = piece.globalMatch(arguments); it.hasNext();)
        pieces.append(it.next().captured());
    return pieces;
}

QByteArray callId(const QByteArray &completionId, int index)
{
    const QByteArray hash = QCryptographicHash::hash(
        QByteArray(completionId + QByteArray::number(index)), QCryptographicHash::Sha1)
                                .toHex();
    return "call_" + hash.left(24);
}
} // namespace

QByteArray FakeChatCompletion::jsonString(const QString &text)
{
    // QJsonDocument escapes correctly but only writes whole documents; wrap the string and strip the
    // brackets.
    const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

int FakeChatCompletion::countWords(const QString &text)
{
    static const QRegularExpression word(QStringLiteral("\\S+"));
    int count = 0;
    for (auto it = word.globalMatch(text); it.hasNext(); it.next())
        ++count;
    return count;
}

QStringList FakeChatCompletion::wordPieces(const QString &text)
{
    static const QRegularExpression piece(QStringLiteral("\\s*\\S+"));
    QStringList pieces;
    qsizetype end = 0;
    for (auto it = piece.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        pieces.append(match.captured());
        end = match.capturedEnd();
    }
    if (end < text.size()) {
        if (pieces.isEmpty())
            pieces.append(QString());
        pieces.last() += text.mid(end); // trailing whitespace rides on the last word
    }
    return pieces;
}

FakeChatCompletion::FakeChatCompletion(const QJsonObject &request, Kind kind, const FakeTokenSettings &tokens,
    const QByteArray &id, qint64 created)
    : m_kind(kind)
    , m_tokens(tokens)
    , m_id(id)
    , m_created(created)
    , m_model(request.value(u"model").toString())
{
    m_includeUsage = request.value(u"stream_options").toObject().value(u"include_usage").toBool();
    QString lastUser;
    const QJsonArray messages = request.value(u"messages").toArray();
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        const QString text = messageText(message);
        m_promptTokens += countWords(text) + 7;
        if (message.value(u"role").toString() == u"user")
            lastUser = text;
    }

    if (kind == Kind::Tools) {
        const QStringList cities { QStringLiteral("Paris"), QStringLiteral("Tokyo") };
        for (int i = 0; i < cities.size(); ++i) {
            const QString arguments = QStringLiteral("{\"location\":\"%1\"}").arg(cities[i]);
            m_toolCalls.append({ callId(m_id, i), QStringLiteral("get_weather"), argumentPieces(arguments) });
        }
        return;
    }
    m_pieces = wordPieces(QStringLiteral("Echo: ") + lastUser);
    if (kind == Kind::Length) {
        int limit = request.value(u"max_completion_tokens").toInt(request.value(u"max_tokens").toInt(4));
        limit = qMax(1, limit);
        if (m_pieces.size() > limit)
            m_pieces = m_pieces.mid(0, limit);
    }
}

int FakeChatCompletion::completionTokens() const
{
    int counted = 0;
    if (m_kind == Kind::Tools) {
        for (const ToolCall &call : m_toolCalls)
            counted += int(call.argumentPieces.size());
    } else {
        counted = countWords(content());
    }
    return counted + m_tokens.reasoningTokens;
}

QByteArray FakeChatCompletion::finishReason() const
{
    switch (m_kind) {
    case Kind::Tools:
        return "tool_calls";
    case Kind::Length:
        return "length";
    case Kind::Echo:
        break;
    }
    return "stop";
}

QByteArray FakeChatCompletion::usage() const
{
    const int completion = completionTokens();
    return "{\"prompt_tokens\":" + QByteArray::number(m_promptTokens)
        + ",\"completion_tokens\":" + QByteArray::number(completion)
        + ",\"total_tokens\":" + QByteArray::number(m_promptTokens + completion)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":" + QByteArray::number(cachedTokens())
        + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":"
        + QByteArray::number(m_tokens.reasoningTokens)
        + ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
}

QByteArray FakeChatCompletion::message() const
{
    if (m_kind != Kind::Tools) {
        return "{\"role\":\"assistant\",\"content\":" + jsonString(content())
            + ",\"refusal\":null,\"annotations\":[]}";
    }
    QByteArrayList calls;
    for (const ToolCall &call : m_toolCalls) {
        calls.append("{\"id\":\"" + call.id
            + "\",\"type\":\"function\",\"function\":{\"name\":" + jsonString(call.name)
            + ",\"arguments\":" + jsonString(call.argumentPieces.join(QString())) + "}}");
    }
    return "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + calls.join(',')
        + "],\"refusal\":null,\"annotations\":[]}";
}

QByteArray FakeChatCompletion::body() const
{
    return "{\"id\":\"" + m_id
        + "\",\"object\":\"chat.completion\",\"created\":" + QByteArray::number(m_created)
        + ",\"model\":" + jsonString(m_model) + ",\"choices\":[{\"index\":0,\"message\":" + message()
        + ",\"logprobs\":null,\"finish_reason\":\"" + finishReason() + "\"}],\"usage\":" + usage()
        + ",\"service_tier\":\"default\",\"system_fingerprint\":\"" + fingerprint + "\"}";
}

QByteArray FakeChatCompletion::chunk(const QByteArray &delta, const QByteArray &finish) const
{
    const QByteArray choices = delta.isNull()
        ? QByteArray("[]")
        : "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
            + (finish.isEmpty() ? QByteArray("null") : QByteArray('"' + finish + '"')) + "}]";
    QByteArray out = "data: {\"id\":\"" + m_id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":" + QByteArray::number(m_created)
        + ",\"model\":" + jsonString(m_model) + ",\"service_tier\":\"default\",\"system_fingerprint\":\""
        + fingerprint + "\",\"choices\":" + choices;
    if (m_includeUsage)
        out += ",\"usage\":" + (delta.isNull() ? usage() : QByteArray("null"));
    out += "}\n\n";
    return out;
}

void FakeChatCompletion::replaceWithToolCall(const QString &name, const QString &arguments)
{
    m_kind = Kind::Tools;
    m_pieces.clear();
    m_toolCalls = { { callId(m_id, 0), name, argumentPieces(arguments) } };
}

void FakeChatCompletion::replaceWithEcho(const QString &text)
{
    m_kind = Kind::Echo;
    m_toolCalls.clear();
    m_pieces = wordPieces(QStringLiteral("Echo: ") + text);
}

void FakeChatCompletion::replaceWithJson(const QJsonObject &schema)
{
    if (m_kind == Kind::Echo && !schema.isEmpty())
        m_pieces = wordPieces(FakeStructuredAnswer::json(schema, content()));
}

QByteArrayList FakeChatCompletion::streamEvents() const
{
    QByteArrayList events;
    if (m_kind == Kind::Tools) {
        for (qsizetype i = 0; i < m_toolCalls.size(); ++i) {
            const ToolCall &call = m_toolCalls[i];
            const QByteArray index = QByteArray::number(i);
            // OpenAI announces each call with its id and name and empty arguments, then streams the
            // arguments.
            const QByteArray announce = "[{\"index\":" + index + ",\"id\":\"" + call.id
                + "\",\"type\":\"function\",\"function\":{\"name\":" + jsonString(call.name)
                + ",\"arguments\":\"\"}}]";
            const QByteArray delta = i == 0
                ? QByteArray("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":" + announce
                    + ",\"refusal\":null}")
                : QByteArray("{\"tool_calls\":" + announce + '}');
            events.append(chunk(delta, {}));
            for (const QString &piece : call.argumentPieces) {
                events.append(chunk("{\"tool_calls\":[{\"index\":" + index
                        + ",\"function\":{\"arguments\":" + jsonString(piece) + "}}]}",
                    {}));
            }
        }
    } else {
        events.append(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", {}));
        for (const QString &piece : m_pieces)
            events.append(chunk("{\"content\":" + jsonString(piece) + '}', {}));
    }
    events.append(chunk("{}", finishReason()));
    if (m_includeUsage)
        events.append(chunk(QByteArray(), {}));
    events.append(QByteArrayLiteral("data: [DONE]\n\n"));
    return events;
}
