#pragma once

#include <string>
#include <string_view>

// HTTP/1.1 request parsing for bench/mockupstream: just what a fast mock needs, no allocation on the
// common path (a Content-Length body is a view into the connection's buffer).
namespace mockhttp {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 32 * 1024 * 1024;

// A non-blocking listening socket on host:port (IPv4; port 0: any), its port in `boundPort`; -1 after
// printing why on stderr.
int listenSocket(const char *host, int port, int &boundPort);

bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);

enum class ParseResult { Incomplete, Done, Bad };

struct Request
{
    std::string_view method;
    std::string_view path; // the target without its query
    std::string_view query; // after '?', empty when none
    std::string_view body; // a view into the input, or into `decoded` for chunked bodies
    std::string decoded;
    bool close = false; // HTTP/1.0 or "Connection: close"
    bool expectContinue = false; // "Expect: 100-continue"
    size_t end = 0; // bytes of input the request took, once Done
    // When Bad: what to answer before closing.
    int errorStatus = 400;
    const char *errorReason = "Bad Request";
    const char *errorMessage = "malformed request";
};

// Parses the request at the start of `data`. Incomplete: wait for more bytes (the header fields are
// parsed already, so expectContinue is known).
ParseResult parseRequest(std::string_view data, Request &request);

} // namespace mockhttp
