// A fast stand-in for the OpenAI API, for benchmarks: single-threaded, epoll, HTTP/1.1 keep-alive.
//
// It answers POST /v1/chat/completions with a fixed but realistic chat.completion (with usage), or,
// when the body asks for "stream": true, with an SSE stream of N chat.completion.chunk events in
// chunked transfer encoding (then a usage chunk when stream_options.include_usage is true, then
// `data: [DONE]`). GET /v1/models lists a few models. Pipelined requests and requests split over
// many reads are handled; the responses go out in order.
//
// Plain C++ and POSIX on purpose: the mock must cost far less CPU than whatever it is measured
// against, so it does no JSON parsing and builds responses from precomputed pieces.
//
// Usage: mockupstream [--port N] [--host 127.0.0.1] [--chunks N]
// Prints "Listening on http://HOST:PORT" on the first line of stdout once it accepts connections.

#include "mockresponses.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 32 * 1024 * 1024;

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int) { g_stop = 1; }

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


struct Connection
{
    int fd = -1;
    std::string in;
    size_t inPos = 0; // start of the first unparsed byte in `in`
    std::string out;
    size_t outPos = 0;
    bool closeAfterWrite = false;
    bool wantWrite = false;
    bool sentContinue = false;
};

enum class ParseResult { Incomplete, Done, Bad };

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

class Server
{
public:
    explicit Server(MockResponses responses) : m_responses(std::move(responses)) {}

    bool listenOn(const char *host, int port)
    {
        m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_listenFd < 0)
            return perror("socket"), false;
        int one = 1;
        setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(uint16_t(port));
        if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
            std::fprintf(stderr, "mockupstream: bad host %s (IPv4 address expected)\n", host);
            return false;
        }
        if (::bind(m_listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
            return perror("bind"), false;
        if (::listen(m_listenFd, 4096) < 0)
            return perror("listen"), false;
        socklen_t len = sizeof addr;
        getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = m_listenFd;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listenFd, &ev);
        return true;
    }

    int port() const { return m_port; }

    void run()
    {
        epoll_event events[256];
        while (!g_stop) {
            const int n = epoll_wait(m_epoll, events, 256, 500);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                perror("epoll_wait");
                return;
            }
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                if (fd == m_listenFd) {
                    acceptAll();
                    continue;
                }
                auto it = m_connections.find(fd);
                if (it == m_connections.end())
                    continue;
                Connection &c = it->second;
                bool alive = true;
                if (events[i].events & (EPOLLERR | EPOLLHUP) && !(events[i].events & EPOLLIN))
                    alive = false;
                if (alive && (events[i].events & EPOLLOUT))
                    alive = flush(c);
                if (alive && (events[i].events & EPOLLIN) && !c.wantWrite)
                    alive = readAndServe(c);
                if (!alive)
                    closeConnection(fd);
            }
        }
    }

private:
    void acceptAll()
    {
        for (;;) {
            const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return; // EAGAIN, or a transient error such as EMFILE; epoll reports the rest again
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = fd;
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
            Connection &c = m_connections[fd];
            c = Connection{};
            c.fd = fd;
        }
    }

    void closeConnection(int fd)
    {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        m_connections.erase(fd);
    }

    void setWantWrite(Connection &c, bool want)
    {
        if (c.wantWrite == want)
            return;
        c.wantWrite = want;
        epoll_event ev{};
        // While output is pending stop reading: a client that pipelines without reading must not
        // make us buffer without bound.
        ev.events = want ? (EPOLLOUT | EPOLLRDHUP) : (EPOLLIN | EPOLLRDHUP);
        ev.data.fd = c.fd;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    }

    // Returns false when the connection is finished.
    bool flush(Connection &c)
    {
        while (c.outPos < c.out.size()) {
            const ssize_t w = ::send(c.fd, c.out.data() + c.outPos, c.out.size() - c.outPos, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    setWantWrite(c, true);
                    return true;
                }
                if (errno == EINTR)
                    continue;
                return false;
            }
            c.outPos += size_t(w);
        }
        c.out.clear();
        c.outPos = 0;
        setWantWrite(c, false);
        if (c.closeAfterWrite)
            return false;
        // Requests may have arrived while we were waiting to write.
        if (c.inPos < c.in.size())
            return serve(c);
        return true;
    }

    bool readAndServe(Connection &c)
    {
        char buf[65536];
        bool eof = false;
        for (;;) {
            const ssize_t r = ::recv(c.fd, buf, sizeof buf, 0);
            if (r > 0) {
                c.in.append(buf, size_t(r));
                if (size_t(r) < sizeof buf)
                    break;
                continue;
            }
            if (r == 0) {
                eof = true;
                break;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return false;
        }
        const bool ok = serve(c);
        if (!ok)
            return false;
        // A client that half-closed still gets the answers to what it sent.
        if (eof) {
            if (c.out.empty())
                return false;
            c.closeAfterWrite = true;
        }
        return true;
    }

    // Parses every complete request in the input buffer and queues the answers in order.
    bool serve(Connection &c)
    {
        while (!c.closeAfterWrite && c.inPos < c.in.size()) {
            const std::string_view data(c.in.data() + c.inPos, c.in.size() - c.inPos);
            const size_t headerEnd = data.find("\r\n\r\n");
            if (headerEnd == std::string_view::npos) {
                if (data.size() > kMaxHeaderBytes) {
                    appendError(c.out, 431, "Request Header Fields Too Large", "request headers too large", true);
                    c.closeAfterWrite = true;
                }
                break;
            }
            const std::string_view head = data.substr(0, headerEnd);
            const size_t lineEnd = head.find("\r\n");
            const std::string_view requestLine = head.substr(0, lineEnd);
            const size_t sp1 = requestLine.find(' ');
            const size_t sp2 = requestLine.rfind(' ');
            if (sp1 == std::string_view::npos || sp2 == sp1) {
                appendError(c.out, 400, "Bad Request", "malformed request line", true);
                c.closeAfterWrite = true;
                break;
            }
            const std::string_view method = requestLine.substr(0, sp1);
            std::string_view target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
            const std::string_view version = requestLine.substr(sp2 + 1);
            if (const size_t q = target.find('?'); q != std::string_view::npos)
                target = target.substr(0, q);

            size_t contentLength = 0;
            bool chunked = false;
            bool close = version == "HTTP/1.0";
            bool expectContinue = false;
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
                        close = true;
                    else if (iequals(value, "keep-alive"))
                        close = false;
                } else if (iequals(name, "expect")) {
                    expectContinue = iequals(value, "100-continue");
                }
            }
            if (contentLength > kMaxBodyBytes) {
                appendError(c.out, 413, "Payload Too Large", "request body too large", true);
                c.closeAfterWrite = true;
                break;
            }

            const size_t bodyStart = headerEnd + 4;
            std::string_view body;
            std::string decoded;
            size_t requestEnd = 0;
            if (chunked) {
                const ParseResult r = decodeChunked(data, bodyStart, decoded, requestEnd);
                if (r == ParseResult::Bad) {
                    appendError(c.out, 400, "Bad Request", "malformed chunked body", true);
                    c.closeAfterWrite = true;
                    break;
                }
                if (r == ParseResult::Incomplete) {
                    maybeContinue(c, expectContinue);
                    break;
                }
                body = decoded;
            } else {
                if (data.size() < bodyStart + contentLength) {
                    maybeContinue(c, expectContinue);
                    break;
                }
                body = data.substr(bodyStart, contentLength);
                requestEnd = bodyStart + contentLength;
            }

            respond(c, method, target, body, close);
            c.inPos += requestEnd;
            c.sentContinue = false;
            if (close)
                c.closeAfterWrite = true;
        }
        // Drop consumed bytes; cheap when everything was consumed, which is the common case.
        if (c.inPos == c.in.size()) {
            c.in.clear();
            c.inPos = 0;
        } else if (c.inPos > 65536) {
            c.in.erase(0, c.inPos);
            c.inPos = 0;
        }
        if (!c.out.empty() && !c.wantWrite)
            return flush(c);
        return true;
    }

    void maybeContinue(Connection &c, bool expectContinue)
    {
        if (expectContinue && !c.sentContinue) {
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
            c.sentContinue = true;
        }
    }

    void respond(Connection &c, std::string_view method, std::string_view target, std::string_view body, bool close)
    {
        if (target == "/v1/chat/completions" || target == "/chat/completions") {
            if (method != "POST") {
                appendError(c.out, 405, "Method Not Allowed", "use POST", close);
                return;
            }
            ++m_served;
            if (jsonFlagTrue(body, "\"stream\""))
                m_responses.appendStream(c.out, m_served, jsonFlagTrue(body, "\"include_usage\""), close);
            else
                m_responses.appendCompletion(c.out, m_served, close);
            return;
        }
        if (target == "/v1/models" || target == "/models") {
            // The prebuilt response has no Connection header; on `close` the caller closes after writing.
            c.out += m_responses.modelsResponse();
            return;
        }
        appendError(c.out, 404, "Not Found", "unknown path", close);
    }

    MockResponses m_responses;
    int m_listenFd = -1;
    int m_epoll = -1;
    int m_port = 0;
    unsigned long long m_served = 0;
    std::unordered_map<int, Connection> m_connections;
};

[[noreturn]] void usage(int code)
{
    std::fprintf(code ? stderr : stdout,
                 "usage: mockupstream [--port N] [--host 127.0.0.1] [--chunks N]\n"
                 "  --port N     port to listen on (0: any free port; default 0)\n"
                 "  --host A     IPv4 address to listen on (default 127.0.0.1)\n"
                 "  --chunks N   content events per streamed response (default 16)\n");
    std::exit(code);
}

} // namespace

int main(int argc, char **argv)
{
    int port = 0;
    const char *host = "127.0.0.1";
    int chunks = 16;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "mockupstream: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--port")
            port = std::atoi(value());
        else if (a == "--host")
            host = value();
        else if (a == "--chunks")
            chunks = std::atoi(value());
        else if (a == "--help" || a == "-h")
            usage(0);
        else {
            std::fprintf(stderr, "mockupstream: unknown argument %s\n", argv[i]);
            std::exit(2);
        }
    }
    if (port < 0 || port > 65535 || chunks < 1 || chunks > 100000) {
        std::fprintf(stderr, "mockupstream: --port must be 0..65535 and --chunks 1..100000\n");
        return 2;
    }

    struct sigaction sa{};
    sa.sa_handler = onSignal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Server server{MockResponses(chunks)};
    if (!server.listenOn(host, port))
        return 1;
    std::printf("Listening on http://%s:%d\n", host, server.port());
    std::fflush(stdout);
    server.run();
    return 0;
}
