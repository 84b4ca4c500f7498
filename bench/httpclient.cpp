// The HTTP/1.1 client side of the bench tools (see httpclient.h).

#include "httpclient.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

bool parseUrl(std::string_view url, HttpTarget &o)
{
    constexpr std::string_view scheme = "http://";
    if (url.substr(0, scheme.size()) != scheme)
        return false;
    url.remove_prefix(scheme.size());
    const size_t slash = url.find('/');
    const std::string_view authority = url.substr(0, slash);
    o.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    const size_t colon = authority.rfind(':');
    if (colon == std::string_view::npos)
        return false;
    o.host = std::string(authority.substr(0, colon));
    o.port = std::atoi(std::string(authority.substr(colon + 1)).c_str());
    return o.port > 0 && o.port < 65536;
}

int connectTo(const HttpTarget &o)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(o.port));
    if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1
        || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool iequalsPrefix(std::string_view line, std::string_view name)
{
    if (line.size() < name.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const char a = char(std::tolower(static_cast<unsigned char>(line[i])));
        if (a != name[i])
            return false;
    }
    return true;
}

Response::State Response::parse(bool eof)
{
    while (headerEnd == 0) {
        const size_t end = buf.find("\r\n\r\n");
        if (end == std::string::npos)
            return eof ? State::Bad : State::More;
        if (buf.compare(0, 9, "HTTP/1.1 ") != 0 && buf.compare(0, 9, "HTTP/1.0 ") != 0)
            return State::Bad;
        status = std::atoi(buf.c_str() + 9);
        if (status >= 100 && status < 200) { // interim: drop it and wait for the real one
            buf.erase(0, end + 4);
            continue;
        }
        headerEnd = end;
        bodyStart = end + 4;
        chunkPos = bodyStart;
        bool haveLength = false;
        if (buf.compare(0, 8, "HTTP/1.0") == 0)
            serverCloses = true;
        size_t pos = buf.find("\r\n") + 2;
        while (pos < end) {
            size_t e = buf.find("\r\n", pos);
            if (e == std::string::npos || e > end)
                e = end;
            const std::string_view line(buf.data() + pos, e - pos);
            const size_t colon = line.find(':');
            std::string_view value
                = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            if (iequalsPrefix(line, "content-length:")) {
                contentLength = std::strtoull(std::string(value).c_str(), nullptr, 10);
                haveLength = true;
            } else if (iequalsPrefix(line, "transfer-encoding:")) {
                chunked = value.find("chunked") != std::string_view::npos;
            } else if (iequalsPrefix(line, "connection:")) {
                serverCloses = iequalsPrefix(value, "close");
            }
            pos = e + 2;
        }
        if (!chunked && !haveLength)
            untilClose = !(status == 204 || status == 304);
    }
    if (chunked) {
        for (;;) {
            const size_t lineEnd = buf.find("\r\n", chunkPos);
            if (lineEnd == std::string::npos)
                return eof ? State::Bad : State::More;
            const size_t size = std::strtoull(buf.c_str() + chunkPos, nullptr, 16);
            if (size == 0) {
                // Final chunk; a trailer section (normally empty) ends with an empty line.
                const size_t trailerEnd = buf.find("\r\n\r\n", lineEnd);
                if (buf.compare(lineEnd, 4, "\r\n\r\n") == 0 || trailerEnd != std::string::npos)
                    return State::Done;
                return eof ? State::Bad : State::More;
            }
            if (buf.size() < lineEnd + 2 + size + 2)
                return eof ? State::Bad : State::More;
            body.append(buf, lineEnd + 2, size);
            chunkPos = lineEnd + 2 + size + 2;
        }
    }
    if (untilClose) {
        if (!eof)
            return State::More;
        body.assign(buf, bodyStart);
        return State::Done;
    }
    if (buf.size() - bodyStart < contentLength)
        return eof ? State::Bad : State::More;
    body.assign(buf, bodyStart, contentLength);
    return State::Done;
}
