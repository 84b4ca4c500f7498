// The cheapest possible "gateway", for calibrating benchmarks: a single-threaded epoll TCP relay that
// pairs every client connection with its own upstream connection and copies bytes both ways,
// without parsing anything. Placed where a gateway would run (its own core), it shows what the
// topology itself costs: the extra loopback hops and cross-core wake-ups that any proxy pays.
//
// Usage: tcprelay --upstream-port N [--port N]
// Prints "Listening on http://127.0.0.1:PORT" once it accepts connections.

#include <arpa/inet.h>
#include <fcntl.h>
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
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int)
{
    g_stop = 1;
}

// One direction of a pair: bytes read from `fd` wait in `pending` until `peer` takes them.
struct Side
{
    int fd = -1;
    int peer = -1;
    std::string pending; // bytes for `peer` that it would not take yet
};

class Relay
{
public:
    bool listenOn(int port, int upstreamPort)
    {
        m_upstreamPort = upstreamPort;
        m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr = loopback(port);
        if (::bind(m_listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0
            || ::listen(m_listenFd, 4096) < 0) {
            std::perror("tcprelay: bind/listen");
            return false;
        }
        socklen_t len = sizeof addr;
        getsockname(m_listenFd, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        watch(m_listenFd, EPOLLIN, EPOLL_CTL_ADD);
        return true;
    }

    int port() const { return m_port; }

    void run()
    {
        epoll_event events[256];
        while (!g_stop) {
            const int n = epoll_wait(m_epoll, events, 256, 500);
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                if (fd == m_listenFd) {
                    acceptAll();
                    continue;
                }
                auto it = m_sides.find(fd);
                if (it == m_sides.end())
                    continue;
                // Writable: drain what this side's peer left for it.
                if (events[i].events & EPOLLOUT) {
                    auto peer = m_sides.find(it->second.peer);
                    if (peer != m_sides.end() && !flush(peer->second)) {
                        closePair(fd);
                        continue;
                    }
                }
                if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                    if (!pump(it->second)) {
                        closePair(fd);
                        continue;
                    }
                }
            }
        }
    }

private:
    static sockaddr_in loopback(int port)
    {
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(uint16_t(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return addr;
    }

    void watch(int fd, uint32_t events, int op)
    {
        epoll_event ev {};
        ev.events = events;
        ev.data.fd = fd;
        epoll_ctl(m_epoll, op, fd, &ev);
    }

    void acceptAll()
    {
        for (;;) {
            const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (client < 0)
                return;
            // A blocking connect keeps this simple; on loopback it completes at once.
            const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in addr = loopback(m_upstreamPort);
            if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0) {
                std::perror("tcprelay: connect upstream");
                ::close(client);
                if (upstream >= 0)
                    ::close(upstream);
                continue;
            }
            fcntl(upstream, F_SETFL, fcntl(upstream, F_GETFL) | O_NONBLOCK);
            int one = 1;
            setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            m_sides[client] = Side { client, upstream, {} };
            m_sides[upstream] = Side { upstream, client, {} };
            watch(client, EPOLLIN, EPOLL_CTL_ADD);
            watch(upstream, EPOLLIN, EPOLL_CTL_ADD);
        }
    }

    // Reads what `s` has and passes it to its peer; false when the pair is done.
    bool pump(Side &s)
    {
        char buf[65536];
        for (;;) {
            if (!s.pending.empty())
                return true; // peer is slow: wait for EPOLLOUT on it before reading more
            const ssize_t r = ::recv(s.fd, buf, sizeof buf, 0);
            if (r == 0)
                return false;
            if (r < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
            s.pending.assign(buf, size_t(r));
            if (!flush(s))
                return false;
            if (size_t(r) < sizeof buf)
                return true;
        }
    }

    // Writes `s.pending` to its peer; waits for the peer to be writable when it is full.
    bool flush(Side &s)
    {
        size_t done = 0;
        while (done < s.pending.size()) {
            const ssize_t w = ::send(s.peer, s.pending.data() + done, s.pending.size() - done, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                return false;
            }
            done += size_t(w);
        }
        s.pending.erase(0, done);
        updateWatch(s.fd);
        updateWatch(s.peer);
        return true;
    }

    // A socket is read while nothing it sent is still waiting, and watched for writability while
    // its peer has bytes waiting for it.
    void updateWatch(int fd)
    {
        auto self = m_sides.find(fd);
        if (self == m_sides.end())
            return;
        auto peer = m_sides.find(self->second.peer);
        uint32_t events = self->second.pending.empty() ? uint32_t(EPOLLIN) : 0u;
        if (peer != m_sides.end() && !peer->second.pending.empty())
            events |= EPOLLOUT;
        watch(fd, events, EPOLL_CTL_MOD);
    }

    void closePair(int fd)
    {
        auto it = m_sides.find(fd);
        if (it == m_sides.end())
            return;
        const int peer = it->second.peer;
        for (int f : { fd, peer }) {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, f, nullptr);
            ::close(f);
            m_sides.erase(f);
        }
    }

    int m_listenFd = -1;
    int m_epoll = -1;
    int m_port = 0;
    int m_upstreamPort = 0;
    std::unordered_map<int, Side> m_sides;
};

} // namespace

int main(int argc, char **argv)
{
    int port = 0, upstreamPort = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if ((a == "--port" || a == "--upstream-port") && i + 1 < argc) {
            (a == "--port" ? port : upstreamPort) = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: tcprelay --upstream-port N [--port N]\n");
            return 2;
        }
    }
    if (upstreamPort <= 0 || upstreamPort > 65535 || port < 0 || port > 65535) {
        std::fprintf(stderr, "tcprelay: --upstream-port 1..65535 is required\n");
        return 2;
    }
    struct sigaction sa
    {
    };
    sa.sa_handler = onSignal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    Relay relay;
    if (!relay.listenOn(port, upstreamPort))
        return 1;
    std::printf("Listening on http://127.0.0.1:%d\n", relay.port());
    std::fflush(stdout);
    relay.run();
    return 0;
}
