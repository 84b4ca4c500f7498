#pragma once

#include <string>
#include <string_view>

// The HTTP/1.1 client side of the bench tools (seqlatency, streamtiming): plain POSIX, one blocking
// connection, an incremental response reader.
struct HttpTarget
{
    std::string host = "127.0.0.1";
    int port = 0;
    std::string path = "/";
};

// Reads http://HOST:PORT/PATH (IPv4 host); false when it is not of that form.
bool parseUrl(std::string_view url, HttpTarget &target);
// A connected TCP socket with TCP_NODELAY, or -1 (errno tells why).
int connectTo(const HttpTarget &target);
// Whether `line` starts with `name` (lower-case), ignoring case.
bool iequalsPrefix(std::string_view line, std::string_view name);

// Incremental HTTP/1.1 response reader over one buffer; handles Content-Length, chunked and
// read-until-close bodies, and skips 1xx interim responses.
struct Response
{
    std::string buf;
    size_t headerEnd = 0; // 0 until the header is complete
    int status = 0;
    bool chunked = false;
    bool untilClose = false;
    bool serverCloses = false;
    size_t contentLength = 0;
    size_t bodyStart = 0;
    size_t chunkPos = 0; // next chunk-size line, for chunked bodies
    std::string body; // decoded body (chunked) or a view copy (length-delimited)

    void reset()
    {
        buf.clear();
        headerEnd = bodyStart = chunkPos = contentLength = 0;
        status = 0;
        chunked = untilClose = serverCloses = false;
        body.clear();
    }

    enum class State { More, Done, Bad };

    State parse(bool eof);
};
