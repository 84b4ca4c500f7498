// Stream relay timing client for benchmarks: asks for a paced stream (a model ending in
// "-paced-<N>x<MS>", see mockpacing.h), and records for every content event when it reached this client
// against when the mock upstream sent it (each event's text carries "~T<CLOCK_MONOTONIC ns>~"; client and
// mock run on the same machine, so the clocks agree). A relay that forwards events as they come adds
// microseconds to each; one that buffers the stream shows the first event only after the last was sent.
//
// Usage: streamtiming --url http://127.0.0.1:PORT/v1/chat/completions --body JSON [-H "Name: value"]...
//                     [--runs R] [--events N] [--timeout-ms T] [--json]
// Prints, over R streams one after another on one keep-alive connection: time to first event (from the
// request sent), the first event's and every event's added delay (arrival - send), and the span between
// the first and last event. A stream counts as an error when it is not 2xx, does not end, or does not
// carry N timed events (--events).
// Exit code: 0 when every stream was whole, 1 otherwise, 2 on bad arguments.

#include "httpclient.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long long nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t rank
        = std::clamp<size_t>(size_t(std::ceil(p / 100.0 * double(values.size()))), 1, values.size());
    return values[rank - 1];
}

struct Stream
{
    bool ok = false;
    std::string error;
    double firstEventMs = 0; // request sent -> first timed event arrived
    std::vector<double> addedUs; // per event: arrival - the mock's send time
    double spanMs = 0; // first -> last event arrival
};

// Finds the markers in body[from...]; leaves `from` before an incomplete one.
void scanMarkers(const std::string &body, size_t &from, long long arrivalNs, std::vector<long long> &sent,
    std::vector<long long> &arrived)
{
    for (;;) {
        const size_t at = body.find("~T", from);
        if (at == std::string::npos) {
            from = body.size() > 1 ? body.size() - 1 : 0;
            return;
        }
        const size_t end = body.find('~', at + 2);
        if (end == std::string::npos) {
            from = at;
            return;
        }
        sent.push_back(std::strtoll(body.c_str() + at + 2, nullptr, 10));
        arrived.push_back(arrivalNs);
        from = end + 1;
    }
}

Stream runOne(int &fd, const HttpTarget &target, const std::string &request, int timeoutMs)
{
    Stream s;
    if (fd < 0 && (fd = connectTo(target)) < 0) {
        s.error = "cannot connect";
        return s;
    }
    const long long start = nowNs();
    for (size_t sent = 0; sent < request.size();) {
        const ssize_t w = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) {
            s.error = "send failed";
            return s;
        }
        sent += size_t(w);
    }
    Response r;
    std::vector<long long> sentAt, arrivedAt;
    size_t scanned = 0;
    Response::State state = Response::State::More;
    char buf[65536];
    const long long deadline = start + (long long)timeoutMs * 1000000;
    while (state == Response::State::More) {
        pollfd p { fd, POLLIN, 0 };
        const long long left = (deadline - nowNs()) / 1000000;
        if (left <= 0 || ::poll(&p, 1, int(left)) <= 0) {
            s.error = "timed out";
            break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        const long long arrival = nowNs();
        if (n < 0) {
            s.error = "recv failed";
            break;
        }
        r.buf.append(buf, size_t(n));
        state = r.parse(n == 0);
        scanMarkers(r.body, scanned, arrival, sentAt, arrivedAt);
    }
    if (state != Response::State::Done || r.serverCloses || r.untilClose) {
        ::close(fd);
        fd = -1;
    }
    if (s.error.empty() && state != Response::State::Done)
        s.error = "incomplete response";
    if (s.error.empty() && (r.status < 200 || r.status > 299))
        s.error = "status " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
    if (!arrivedAt.empty()) {
        s.firstEventMs = double(arrivedAt.front() - start) / 1e6;
        s.spanMs = double(arrivedAt.back() - arrivedAt.front()) / 1e6;
        for (size_t i = 0; i < sentAt.size(); ++i)
            s.addedUs.push_back(double(arrivedAt[i] - sentAt[i]) / 1e3);
    }
    s.ok = s.error.empty();
    return s;
}

[[noreturn]] void usage(int code)
{
    std::fprintf(code ? stderr : stdout,
        "usage: streamtiming --url http://HOST:PORT/PATH --body JSON [-H 'Name: value']... [--runs R]\n"
        "                    [--events N] [--timeout-ms T] [--json]\n");
    std::exit(code);
}

} // namespace

int main(int argc, char **argv)
{
    HttpTarget target;
    std::vector<std::string> headers;
    std::string body;
    int runs = 5, events = 0, timeoutMs = 10000;
    bool json = false, haveUrl = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "streamtiming: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--url")
            haveUrl = parseUrl(value(), target);
        else if (a == "-H" || a == "--header")
            headers.push_back(value());
        else if (a == "--body")
            body = value();
        else if (a == "--runs")
            runs = std::atoi(value().c_str());
        else if (a == "--events")
            events = std::atoi(value().c_str());
        else if (a == "--timeout-ms")
            timeoutMs = std::atoi(value().c_str());
        else if (a == "--json")
            json = true;
        else if (a == "-h" || a == "--help")
            usage(0);
        else {
            std::fprintf(stderr, "streamtiming: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (!haveUrl || body.empty() || runs < 1 || events < 0 || timeoutMs < 1)
        usage(2);
    std::signal(SIGPIPE, SIG_IGN);

    std::string request = "POST " + target.path + " HTTP/1.1\r\nHost: " + target.host + ":"
        + std::to_string(target.port) + "\r\nUser-Agent: streamtiming\r\nAccept: */*\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    for (const std::string &h : headers)
        request += h + "\r\n";
    request += "\r\n" + body;

    std::vector<double> firstMs, firstAddedUs, addedUs, spanMs;
    int errors = 0;
    std::string firstError;
    int fd = -1;
    for (int run = 0; run < runs; ++run) {
        Stream s = runOne(fd, target, request, timeoutMs);
        if (s.ok && events > 0 && int(s.addedUs.size()) != events)
            s.error = std::to_string(s.addedUs.size()) + " timed events instead of " + std::to_string(events);
        if (!s.error.empty()) {
            ++errors;
            if (firstError.empty())
                firstError = s.error;
            continue;
        }
        firstMs.push_back(s.firstEventMs);
        firstAddedUs.push_back(s.addedUs.front());
        spanMs.push_back(s.spanMs);
        addedUs.insert(addedUs.end(), s.addedUs.begin(), s.addedUs.end());
    }
    if (fd >= 0)
        ::close(fd);
    const double maxAdded = addedUs.empty() ? 0 : *std::max_element(addedUs.begin(), addedUs.end());
    if (json) {
        std::printf(
            "TIMING_JSON {\"runs\":%d,\"streams\":%zu,\"errors\":%d,\"events\":%zu,"
            "\"first_event_ms\":{\"p50\":%.3f,\"max\":%.3f},\"first_added_us\":{\"p50\":%.1f,\"max\":%.1f},"
            "\"added_us\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"span_ms\":{\"p50\":%.3f}}\n",
            runs, firstMs.size(), errors, addedUs.size(), percentile(firstMs, 50), percentile(firstMs, 100),
            percentile(firstAddedUs, 50), percentile(firstAddedUs, 100), percentile(addedUs, 50),
            percentile(addedUs, 99), maxAdded, percentile(spanMs, 50));
    } else {
        std::printf("%zu streams, %d errors, %zu timed events\n", firstMs.size(), errors, addedUs.size());
        std::printf("time to first event ms: p50 %.3f  max %.3f\n", percentile(firstMs, 50),
            percentile(firstMs, 100));
        std::printf("added delay per event us: p50 %.1f  p99 %.1f  max %.1f (first event: p50 %.1f)\n",
            percentile(addedUs, 50), percentile(addedUs, 99), maxAdded, percentile(firstAddedUs, 50));
        std::printf("first to last event ms: p50 %.3f\n", percentile(spanMs, 50));
    }
    if (!firstError.empty())
        std::fprintf(stderr, "streamtiming: first error: %s\n", firstError.c_str());
    return errors == 0 ? 0 : 1;
}
