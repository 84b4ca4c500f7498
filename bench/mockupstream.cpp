// A fast stand-in for the OpenAI, Anthropic and Gemini APIs, for benchmarks: single-threaded, epoll,
// HTTP/1.1 keep-alive.
//
// POST /v1/chat/completions answers a fixed but realistic chat.completion (with usage), or, when the body
// asks for "stream": true, an SSE stream of N chat.completion.chunk events in chunked transfer encoding
// (then a usage chunk when stream_options.include_usage is true, then `data: [DONE]`). POST /v1/messages
// answers in Anthropic's Messages format (stream: message_start, content_block_start, ping, N text_delta
// events, content_block_stop, message_delta with usage, message_stop). POST
// /v1beta/models/{m}:generateContent and :streamGenerateContent?alt=sse answer in Gemini's format (N
// `data:` chunks, usageMetadata on the last). GET /v1/models lists a few models. A model name ending in
// "-paced-<N>x<MS>" makes a stream send N events MS ms apart, each stamped with its send time
// (mockpacing.h). Pipelined requests and requests split over many reads are handled; the responses go
// out in order.
//
// Plain C++ and POSIX on purpose: the mock must cost far less CPU than whatever it is measured
// against, so it does no JSON parsing and builds responses from precomputed pieces.
//
// Usage: mockupstream [--port N] [--host 127.0.0.1] [--chunks N]
// Prints "Listening on http://HOST:PORT" on the first line of stdout once it accepts connections.

#include "mockhttp.h"
#include "mockpacing.h"
#include "mockresponses.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
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
    bool pacing = false; // a paced stream is being sent: later requests wait
    unsigned long long serial = 0; // tells apart connections that reuse a descriptor
};

class Server
{
public:
    explicit Server(MockResponses responses)
        : m_responses(std::move(responses))
    { }

    bool listenOn(const char *host, int port)
    {
        m_listenFd = mockhttp::listenSocket(host, port, m_port);
        if (m_listenFd < 0)
            return false;
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        epoll_event ev {};
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
            const int n = epoll_wait(m_epoll, events, 256, m_paced.timeoutMs(500));
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
            sendPaced();
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
            epoll_event ev {};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.fd = fd;
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
            Connection &c = m_connections[fd];
            c = Connection {};
            c.fd = fd;
            c.serial = ++m_connectionSerial;
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
        epoll_event ev {};
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
        mockhttp::Request request;
        while (!c.closeAfterWrite && !c.pacing && c.inPos < c.in.size()) {
            const std::string_view data(c.in.data() + c.inPos, c.in.size() - c.inPos);
            const mockhttp::ParseResult result = mockhttp::parseRequest(data, request);
            if (result == mockhttp::ParseResult::Bad) {
                appendError(c.out, request.errorStatus, request.errorReason, request.errorMessage, true);
                c.closeAfterWrite = true;
                break;
            }
            if (result == mockhttp::ParseResult::Incomplete) {
                maybeContinue(c, request.expectContinue);
                break;
            }
            respond(c, request);
            c.inPos += request.end;
            c.sentContinue = false;
            if (request.close)
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

    void respond(Connection &c, const mockhttp::Request &r)
    {
        constexpr std::string_view gemini = "/v1beta/models/";
        StreamSpec spec;
        spec.close = r.close;
        if (r.path == "/v1/chat/completions" || r.path == "/chat/completions") {
            spec.wire = Wire::OpenAI;
            spec.model = jsonStringField(r.body, "\"model\"");
        } else if (r.path == "/v1/messages") {
            spec.wire = Wire::Anthropic;
            spec.model = jsonStringField(r.body, "\"model\"");
        } else if (r.path.substr(0, gemini.size()) == gemini && r.path.find(':') != std::string_view::npos) {
            spec.wire = Wire::Gemini;
            const std::string_view rest = r.path.substr(gemini.size());
            spec.model = rest.substr(0, rest.find(':'));
            const std::string_view method = rest.substr(rest.find(':') + 1);
            if (method != "generateContent" && method != "streamGenerateContent")
                return appendError(c.out, 404, "Not Found", "unknown method", r.close);
            if (method == "streamGenerateContent" && r.query.find("alt=sse") == std::string_view::npos)
                return appendError(c.out, 400, "Bad Request", "this mock streams only with alt=sse", r.close);
        } else if (r.path == "/v1/models" || r.path == "/models") {
            // The prebuilt response has no Connection header; on `close` the caller closes after writing.
            c.out += m_responses.modelsResponse();
            return;
        } else {
            return appendError(c.out, 404, "Not Found", "unknown path", r.close);
        }
        if (r.method != "POST")
            return appendError(c.out, 405, "Method Not Allowed", "use POST", r.close);
        spec.id = ++m_served;
        const bool stream = spec.wire == Wire::Gemini
            ? r.path.find(":streamGenerateContent") != std::string_view::npos
            : jsonFlagTrue(r.body, "\"stream\"");
        if (!stream) {
            if (spec.wire == Wire::OpenAI)
                m_responses.appendCompletion(c.out, spec.id, r.close);
            else if (spec.wire == Wire::Anthropic)
                appendAnthropicMessage(c.out, spec.model, spec.id, r.close);
            else
                appendGeminiContent(c.out, spec.model, spec.id, r.close);
            return;
        }
        spec.includeUsage = jsonFlagTrue(r.body, "\"include_usage\"");
        if (const Pace pace = paceOf(spec.model); pace.events > 0) {
            m_paced.start(c.out, c.fd, c.serial, spec, spec.model, pace);
            c.pacing = pace.events > 1;
            return;
        }
        // OpenAI's last event carries only the finish reason: N events are N-1 content pieces and it.
        spec.pieces
            = spec.wire == Wire::OpenAI ? std::max(1, m_responses.chunks() - 1) : m_responses.chunks();
        appendWholeStream(c.out, spec);
    }

    // Sends the paced events that are due, and what a finished one held back on its connection.
    void sendPaced()
    {
        m_paced.sendDue(
            [this](int fd, unsigned long long serial) -> std::string * {
                const auto it = m_connections.find(fd);
                return it != m_connections.end() && it->second.serial == serial ? &it->second.out : nullptr;
            },
            [this](int fd, bool finished) {
                Connection &c = m_connections.at(fd);
                if (finished)
                    c.pacing = false;
                if (!c.wantWrite && !flush(c))
                    closeConnection(fd);
            });
    }

    MockResponses m_responses;
    PacedStreams m_paced;
    unsigned long long m_connectionSerial = 0;
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

    struct sigaction sa
    {
    };
    sa.sa_handler = onSignal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Server server { MockResponses(chunks) };
    if (!server.listenOn(host, port))
        return 1;
    std::printf("Listening on http://%s:%d\n", host, server.port());
    std::fflush(stdout);
    server.run();
    return 0;
}
