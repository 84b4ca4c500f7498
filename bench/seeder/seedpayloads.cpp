#include "seedpayloads.h"

#include <array>

namespace {

// clang-format off
constexpr std::array kWords {
    "the", "function", "returns", "a", "list", "of", "values", "when", "called", "with", "an", "empty", "input",
    "please", "refactor", "this", "code", "so", "that", "it", "handles", "errors", "and", "logs", "them", "test",
    "should", "cover", "each", "case", "in", "which", "request", "fails", "because", "server", "is", "busy",
    "class", "struct", "const", "auto", "string", "model", "token", "stream", "response", "client", "database",
};
// clang-format on

// About `tokens` tokens of words (four characters a token), drawn with xorshift from `state`.
QByteArray words(qint64 tokens, quint64 &state)
{
    QByteArray text;
    text.reserve(tokens * 4 + 16);
    while (text.size() < tokens * 4) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text += kWords[state % kWords.size()];
        text += state % 11 == 0 ? ". " : " ";
    }
    return text;
}

QByteArray openAiChunk(const QByteArray &model, const QByteArray &content)
{
    return "data: "
           "{\"id\":\"chatcmpl-seed\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":"
           "\""
        + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
        + "\"},\"finish_reason\":null}]}\n\n";
}

QByteArray anthropicDelta(const QByteArray &content)
{
    return "event: content_block_delta\ndata: "
           "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
           "\"text_delta\",\"text\":\""
        + content + "\"}}\n\n";
}

} // namespace

namespace SeedPayloads {

void fill(RequestRecord &r, quint64 seed)
{
    quint64 state = seed * 0x9e3779b97f4a7c15ull + 1;
    const bool anthropic = r.endpoint.endsWith(QLatin1String("/messages"));
    const QByteArray model = r.usedModel.toUtf8();
    const QByteArray prompt = words(qMax<qint64>(r.usage.promptTokens, 20), state);
    const QByteArray stream = r.streamed ? ",\"stream\":true" : "";
    if (anthropic)
        r.requestBody = "{\"model\":\"" + model
            + "\",\"max_tokens\":8192,\"messages\":[{\"role\":\"user\","
              "\"content\":\""
            + prompt + "\"}]" + stream + "}";
    else
        r.requestBody = "{\"model\":\"" + model
            + "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a "
              "helpful assistant.\"},{\"role\":\"user\",\"content\":\""
            + prompt + "\"}]" + stream + "}";
    if (r.status >= 400) {
        r.responseBody = "{\"error\":{\"message\":\"" + r.error.toUtf8() + "\",\"type\":\"upstream_error\"}}";
        return;
    }
    const QByteArray answer = words(qMax<qint64>(r.usage.completionTokens, 1), state);
    if (!r.streamed && anthropic) {
        r.responseBody = "{\"id\":\"msg_seed\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
            + model + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + answer
            + "\"}],\"stop_reason\":\"end_turn\"}";
        return;
    }
    if (!r.streamed) {
        r.responseBody = "{\"id\":\"chatcmpl-seed\",\"object\":\"chat.completion\",\"model\":\"" + model
            + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + answer
            + "\"},\"finish_reason\":\"stop\"}]}";
        return;
    }
    // One event per word or two, as providers send a few tokens each.
    QByteArray events;
    events.reserve(answer.size() * 30);
    qsizetype at = 0;
    while (at < answer.size()) {
        qsizetype end = answer.indexOf(' ', at + 6);
        end = end < 0 ? answer.size() : end + 1;
        const QByteArray piece = answer.mid(at, end - at);
        events += anthropic ? anthropicDelta(piece) : openAiChunk(model, piece);
        at = end;
    }
    events += anthropic ? QByteArrayView("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
                        : QByteArrayView("data: [DONE]\n\n");
    r.responseBody = events;
}

} // namespace SeedPayloads
