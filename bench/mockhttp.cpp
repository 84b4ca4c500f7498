// Request parsing of bench/mockupstream (see mockhttp.h).

#include "mockhttp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace mockhttp {

int listenSocket(const char *host, int port, int &boundPort)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return perror("socket"), -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        std::fprintf(stderr, "mockupstream: bad host %s (IPv4 address expected)\n", host);
        ::close(fd);
        return -1;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0 || ::listen(fd, 4096) < 0) {
        perror("bind/listen");
        ::close(fd);
        return -1;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    boundPort = ntohs(addr.sin_port);
    return fd;
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = char(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

namespace {

// Decodes a chunked request body starting at `p`; on success sets `end` past the final CRLF.
ParseResult decodeChunked(std::string_view data, size_t p, std::string &body, size_t &end)
{
    body.clear();
    for (;;) {
        const size_t lineEnd = data.find("\r\n", p);
        if (lineEnd == std::string_view::npos)
            return data.size() - p > 1024 ? ParseResult::Bad : ParseResult::Incomplete;
        char *stop = nullptr;
        const std::string sizeText(data.substr(p, lineEnd - p));
        const unsigned long long size = std::strtoull(sizeText.c_str(), &stop, 16);
        if (stop == sizeText.c_str() || size > kMaxBodyBytes || body.size() + size > kMaxBodyBytes)
            return ParseResult::Bad;
        p = lineEnd + 2;
        if (size == 0) {
            // Skip trailers up to the empty line.
            for (;;) {
                const size_t e = data.find("\r\n", p);
                if (e == std::string_view::npos)
                    return ParseResult::Incomplete;
                if (e == p) {
                    end = e + 2;
                    return ParseResult::Done;
                }
                p = e + 2;
            }
        }
        if (data.size() < p + size + 2)
            return ParseResult::Incomplete;
        body.append(data.substr(p, size));
        p += size + 2;
    }
}

ParseResult bad(Request &r, int status, const char *reason, const char *message)
{
    r.errorStatus = status;
    r.errorReason = reason;
    r.errorMessage = message;
    return ParseResult::Bad;
}

} // namespace

ParseResult parseRequest(std::string_view data, Request &r)
{
    r.close = r.expectContinue = false;
    const size_t headerEnd = data.find("\r\n\r\n");
    if (headerEnd == std::string_view::npos) {
        if (data.size() > kMaxHeaderBytes)
            return bad(r, 431, "Request Header Fields Too Large", "request headers too large");
        return ParseResult::Incomplete;
    }
    const std::string_view head = data.substr(0, headerEnd);
    const size_t lineEnd = head.find("\r\n");
    const std::string_view requestLine = head.substr(0, lineEnd);
    const size_t sp1 = requestLine.find(' ');
    const size_t sp2 = requestLine.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1)
        return bad(r, 400, "Bad Request", "malformed request line");
    r.method = requestLine.substr(0, sp1);
    r.path = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
    r.query = {};
    if (const size_t q = r.path.find('?'); q != std::string_view::npos) {
        r.query = r.path.substr(q + 1);
        r.path = r.path.substr(0, q);
    }
    r.close = requestLine.substr(sp2 + 1) == "HTTP/1.0";

    size_t contentLength = 0;
    bool chunked = false;
    size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
        size_t e = head.find("\r\n", pos);
        if (e == std::string_view::npos)
            e = head.size();
        const std::string_view line = head.substr(pos, e - pos);
        pos = e + 2;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequals(name, "content-length")) {
            contentLength = std::strtoull(std::string(value).c_str(), nullptr, 10);
        } else if (iequals(name, "transfer-encoding")) {
            chunked = value.find("chunked") != std::string_view::npos;
        } else if (iequals(name, "connection")) {
            if (iequals(value, "close"))
                r.close = true;
            else if (iequals(value, "keep-alive"))
                r.close = false;
        } else if (iequals(name, "expect")) {
            r.expectContinue = iequals(value, "100-continue");
        }
    }
    if (contentLength > kMaxBodyBytes)
        return bad(r, 413, "Payload Too Large", "request body too large");

    const size_t bodyStart = headerEnd + 4;
    if (chunked) {
        const ParseResult result = decodeChunked(data, bodyStart, r.decoded, r.end);
        if (result == ParseResult::Bad)
            return bad(r, 400, "Bad Request", "malformed chunked body");
        r.body = r.decoded;
        return result;
    }
    if (data.size() < bodyStart + contentLength)
        return ParseResult::Incomplete;
    r.body = data.substr(bodyStart, contentLength);
    r.end = bodyStart + contentLength;
    return ParseResult::Done;
}

} // namespace mockhttp
