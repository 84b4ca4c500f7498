// The canned answers of bench/mockupstream: realistic OpenAI chat.completion and chunk payloads.

#include "mockresponses.h"

#include <cstdio>
#include <ctime>

namespace {
constexpr const char *kIdPlaceholder = "000000000000000000000000";
} // namespace

void writeId(char *dst, unsigned long long id)
{
    // 24 lower-case base-36 digits, like the random part of a real id (fixed width).
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (int i = 23; i >= 0; --i) {
        dst[i] = digits[id % 36];
        id /= 36;
    }
}

void appendChunk(std::string &out, std::string_view data)
{
    char size[32];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out.append(size, size_t(n));
    out.append(data);
    out += "\r\n";
}

// Good enough for the request bodies benchmarks send; the mock does not parse JSON on purpose.
bool jsonFlagTrue(std::string_view body, std::string_view quotedKey)
{
    size_t pos = 0;
    while ((pos = body.find(quotedKey, pos)) != std::string_view::npos) {
        size_t i = pos + quotedKey.size();
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
            ++i;
        if (i < body.size() && body[i] == ':') {
            ++i;
            while (
                i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
                ++i;
            if (body.substr(i, 4) == "true")
                return true;
        }
        pos += quotedKey.size();
    }
    return false;
}

MockResponses::MockResponses(int chunks)
    : m_chunks(chunks)
{
    const std::string created = std::to_string(std::time(nullptr));
    m_completionBody = std::string("{\"id\":\"chatcmpl-") + kIdPlaceholder
        + "\",\"object\":\"chat.completion\",\"created\":" + created
        + ",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          "\"assistant\","
          "\"content\":\"The capital of France is Paris. It is known for the Eiffel Tower, the Louvre and "
          "its "
          "cafes, and it has been the country's political and cultural centre for "
          "centuries.\",\"refusal\":null,"
          "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
          "24,"
          "\"completion_tokens\":38,\"total_tokens\":62,\"prompt_tokens_details\":{\"cached_tokens\":0,"
          "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
          "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\","
          "\"system_fingerprint\":\"fp_560af6e559\"}";
    m_completionIdPos = m_completionBody.find(kIdPlaceholder);

    const std::string models
        = "{\"object\":\"list\",\"data\":["
          "{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"created\":1721172741,\"owned_by\":\"system\"},"
          "{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"},"
          "{\"id\":\"gpt-4.1-mini\",\"object\":\"model\",\"created\":1744318173,\"owned_by\":\"system\"},"
          "{\"id\":\"text-embedding-3-small\",\"object\":\"model\",\"created\":1705948997,\"owned_by\":"
          "\"system\"}]}";
    m_modelsResponse = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + std::to_string(models.size()) + "\r\n\r\n" + models;
}

void MockResponses::appendCompletion(std::string &out, unsigned long long id, bool close) const
{
    out += "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ";
    out += std::to_string(m_completionBody.size());
    out += "\r\nopenai-processing-ms: 412\r\nx-request-id: req_bench\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    const size_t at = out.size() + m_completionIdPos;
    out += m_completionBody;
    writeId(&out[at], id);
}

void appendError(std::string &out, int status, std::string_view reason, std::string_view message, bool close)
{
    std::string body = "{\"error\":{\"message\":\"";
    body += message;
    body += "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
    out += "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason)
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
}
