#pragma once

#include <string>
#include <string_view>

// The streamed answers of bench/mockupstream in each provider's wire format, and the non-streamed
// Anthropic and Gemini answers. A stream is built in three parts (start, one content event per piece,
// end) so that a paced stream can send its content events one at a time.
enum class Wire { OpenAI, Anthropic, Gemini };

struct StreamSpec
{
    Wire wire = Wire::OpenAI;
    std::string_view model; // echoed where the provider echoes it
    unsigned long long id = 0; // makes the response id
    int pieces = 16; // content events
    bool includeUsage = false; // OpenAI: stream_options.include_usage (the others always send usage)
    bool close = false; // adds "Connection: close"
};

// The HTTP head and the events before the first content piece (Anthropic: message_start,
// content_block_start, ping; OpenAI and Gemini have none).
void appendStreamStart(std::string &out, const StreamSpec &spec);
// Content piece `index` (0-based, of spec.pieces) as one event in one HTTP chunk. Gemini's last piece
// carries the finish reason and usageMetadata.
void appendStreamPiece(std::string &out, const StreamSpec &spec, int index, std::string_view text);
// The events after the last piece and the end of the chunked body (OpenAI: the finish event, the usage
// chunk when asked, [DONE]; Anthropic: content_block_stop, message_delta with usage, message_stop).
void appendStreamEnd(std::string &out, const StreamSpec &spec);
// A whole stream of spec.pieces canned words.
void appendWholeStream(std::string &out, const StreamSpec &spec);

// A realistic Anthropic Messages answer / Gemini generateContent answer, with usage.
void appendAnthropicMessage(std::string &out, std::string_view model, unsigned long long id, bool close);
void appendGeminiContent(std::string &out, std::string_view model, unsigned long long id, bool close);

// The value of the first string field `quotedKey` ("\"model\"") in a JSON text, unescaped
// characters only (model names have none); empty when missing.
std::string_view jsonStringField(std::string_view body, std::string_view quotedKey);
