#pragma once

#include <string>
#include <string_view>

// The mock upstream's canned OpenAI answers: built once, stamped with a fresh id per response.
// (Streams of every wire format are in mockstreams.h.)
class MockResponses
{
public:
    explicit MockResponses(int chunks);

    int chunks() const { return m_chunks; }
    // Appends a whole HTTP/1.1 response to `out`; `close` adds "Connection: close".
    void appendCompletion(std::string &out, unsigned long long id, bool close) const;
    const std::string &modelsResponse() const { return m_modelsResponse; }

private:
    int m_chunks;
    std::string m_completionBody; // with a fixed-width id field, patched per response
    size_t m_completionIdPos = 0;
    std::string m_modelsResponse;
};

void appendError(std::string &out, int status, std::string_view reason, std::string_view message, bool close);

// True when the JSON text has `quotedKey`, optional whitespace, ':', whitespace and `true`.
bool jsonFlagTrue(std::string_view body, std::string_view quotedKey);

// Writes `id` as 24 lower-case base-36 digits (fixed width) at `dst`.
void writeId(char *dst, unsigned long long id);
// Appends `data` as one chunk of a chunked HTTP body.
void appendChunk(std::string &out, std::string_view data);
