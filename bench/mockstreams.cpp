// Streams in the OpenAI, Anthropic and Gemini wire formats for bench/mockupstream (see mockstreams.h).
// Anthropic's follow its documented Messages streaming format byte for byte (event and data lines, "\n"
// line ends); Gemini's are its alt=sse chunks ("data: " and a GenerateContentResponse, "\r\n\r\n").

#include "mockstreams.h"
#include "mockresponses.h"

namespace {

constexpr int kPromptTokens = 24;

const char *const kWords[] = { "The", " capital", " of", " France", " is", " Paris", ".", " It", " is",
    " known", " for", " the", " Eiffel", " Tower", " and", " cafes" };

std::string idOf(unsigned long long id)
{
    std::string text(24, '0');
    writeId(text.data(), id);
    return text;
}

void appendHead(std::string &out, std::string_view extra, bool close)
{
    out += "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
           "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n";
    out += extra;
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
}

// Only the characters the canned words and timing markers use need escaping, and they need none; quotes
// and backslashes are escaped anyway so that a caller's text cannot break the JSON.
void appendJsonText(std::string &out, std::string_view text)
{
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

std::string openaiHead(const StreamSpec &s)
{
    return "data: {\"id\":\"chatcmpl-" + idOf(s.id)
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1732530000,"
          "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
          "\"system_fingerprint\":\"fp_560af6e559\",\"choices\":[";
}

void anthropicEvent(std::string &out, std::string_view type, std::string_view data)
{
    std::string event = "event: ";
    event += type;
    event += "\ndata: ";
    event += data;
    event += "\n\n";
    appendChunk(out, event);
}

std::string anthropicUsage(int output)
{
    return "{\"input_tokens\":" + std::to_string(kPromptTokens)
        + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"cache_creation\":"
          "{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":"
        + std::to_string(output) + ",\"service_tier\":\"standard\"}";
}

std::string geminiUsage(int candidates)
{
    return "{\"promptTokenCount\":" + std::to_string(kPromptTokens) + ",\"candidatesTokenCount\":"
        + std::to_string(candidates) + ",\"totalTokenCount\":" + std::to_string(kPromptTokens + candidates)
        + ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" + std::to_string(kPromptTokens)
        + "}]}";
}

// One GenerateContentResponse; `usage` and the finish reason only on the last one, as Gemini sends them.
std::string geminiResponse(const StreamSpec &s, std::string_view text, bool last)
{
    std::string r = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":";
    appendJsonText(r, text);
    r += "}],\"role\":\"model\"}";
    if (last)
        r += ",\"finishReason\":\"STOP\"";
    r += ",\"index\":0}]";
    if (last)
        r += ",\"usageMetadata\":" + geminiUsage(s.pieces);
    r += ",\"modelVersion\":\"";
    r += s.model;
    r += "\",\"responseId\":\"" + idOf(s.id).substr(2) + "\"}";
    return r;
}

} // namespace

void appendStreamStart(std::string &out, const StreamSpec &s)
{
    switch (s.wire) {
    case Wire::OpenAI:
        appendHead(out, "x-request-id: req_bench\r\n", s.close);
        return;
    case Wire::Gemini:
        appendHead(out, "Server: scaffolding on HTTPServer2\r\n", s.close);
        return;
    case Wire::Anthropic:
        break;
    }
    appendHead(out, "request-id: req_011Cbench\r\nanthropic-organization-id: a1b2c3d4-bench\r\n", s.close);
    std::string start = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01" + idOf(s.id).substr(2)
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"";
    start += s.model;
    start += "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + anthropicUsage(1)
        + "}}";
    anthropicEvent(out, "message_start", start);
    anthropicEvent(out, "content_block_start",
        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    anthropicEvent(out, "ping", "{\"type\": \"ping\"}");
}

void appendStreamPiece(std::string &out, const StreamSpec &s, int index, std::string_view text)
{
    std::string event;
    switch (s.wire) {
    case Wire::OpenAI:
        event = openaiHead(s) + "{\"index\":0,\"delta\":{";
        if (index == 0)
            event += "\"role\":\"assistant\",";
        event += "\"content\":";
        appendJsonText(event, text);
        event += "},\"logprobs\":null,\"finish_reason\":null}]";
        if (s.includeUsage)
            event += ",\"usage\":null";
        event += "}\n\n";
        appendChunk(out, event);
        return;
    case Wire::Anthropic:
        event = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":";
        appendJsonText(event, text);
        event += "}}";
        anthropicEvent(out, "content_block_delta", event);
        return;
    case Wire::Gemini:
        appendChunk(out, "data: " + geminiResponse(s, text, index == s.pieces - 1) + "\r\n\r\n");
        return;
    }
}

void appendStreamEnd(std::string &out, const StreamSpec &s)
{
    if (s.wire == Wire::OpenAI) {
        // Like OpenAI, the finish reason comes in an event of its own, without content.
        const std::string head = openaiHead(s);
        appendChunk(out,
            head + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]"
                + (s.includeUsage ? ",\"usage\":null" : "") + "}\n\n");
        if (s.includeUsage) {
            const int completion = s.pieces + 1;
            appendChunk(out,
                head + "],\"usage\":{\"prompt_tokens\":" + std::to_string(kPromptTokens)
                    + ",\"completion_tokens\":" + std::to_string(completion)
                    + ",\"total_tokens\":" + std::to_string(kPromptTokens + completion)
                    + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                      "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                      "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n");
        }
        appendChunk(out, "data: [DONE]\n\n");
    } else if (s.wire == Wire::Anthropic) {
        anthropicEvent(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        anthropicEvent(out, "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
            "\"usage\":{\"output_tokens\":"
                + std::to_string(s.pieces) + "}}");
        anthropicEvent(out, "message_stop", "{\"type\":\"message_stop\"}");
    }
    out += "0\r\n\r\n";
}

void appendWholeStream(std::string &out, const StreamSpec &s)
{
    appendStreamStart(out, s);
    for (int i = 0; i < s.pieces; ++i)
        appendStreamPiece(out, s, i, kWords[i % 16]);
    appendStreamEnd(out, s);
}

namespace {
constexpr std::string_view kAnswer
    = "The capital of France is Paris. It is known for the Eiffel Tower, the Louvre "
      "and its cafes, and it has been the country's political and cultural centre "
      "for centuries.";
constexpr int kAnswerTokens = 38;

void appendJson(std::string &out, const std::string &body, std::string_view extraHeaders, bool close)
{
    out += "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
    out += extraHeaders;
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
}
} // namespace

void appendAnthropicMessage(std::string &out, std::string_view model, unsigned long long id, bool close)
{
    std::string body = "{\"id\":\"msg_01" + idOf(id).substr(2)
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"";
    body += model;
    body += "\",\"content\":[{\"type\":\"text\",\"text\":";
    appendJsonText(body, kAnswer);
    body += "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":"
        + anthropicUsage(kAnswerTokens) + "}";
    appendJson(out, body, "request-id: req_011Cbench\r\n", close);
}

void appendGeminiContent(std::string &out, std::string_view model, unsigned long long id, bool close)
{
    StreamSpec s;
    s.model = model;
    s.id = id;
    s.pieces = kAnswerTokens; // usageMetadata's candidatesTokenCount
    appendJson(out, geminiResponse(s, kAnswer, true), {}, close);
}

std::string_view jsonStringField(std::string_view body, std::string_view quotedKey)
{
    size_t pos = body.find(quotedKey);
    if (pos == std::string_view::npos)
        return {};
    pos += quotedKey.size();
    while (pos < body.size()
        && (body[pos] == ' ' || body[pos] == ':' || body[pos] == '\t' || body[pos] == '\n'
            || body[pos] == '\r'))
        ++pos;
    if (pos >= body.size() || body[pos] != '"')
        return {};
    const size_t end = body.find('"', pos + 1);
    return end == std::string_view::npos ? std::string_view() : body.substr(pos + 1, end - pos - 1);
}
