// Sequential latency client for benchmarks: one keep-alive connection, N requests one after another,
// each timed with a steady clock from the first byte sent to the last byte of the response received.
// Prints raw percentiles of those N samples (nearest rank; no synthetic samples, unlike wrk 4, which
// adds corrected samples for slow responses).
//
// Usage: seqlatency --url http://127.0.0.1:PORT/v1/chat/completions [-n N] [--warmup W]
//                   [-H "Name: value"]... [--body JSON | --body-file F] [--expect TEXT]
//                   [--timeout-ms T] [--max-seconds S] [--json] [--samples FILE]
// A response counts as an error when its status is not 2xx or its body lacks --expect TEXT.
// Exit code: 0 when every measured request succeeded, 1 otherwise, 2 on bad arguments.

#include "httpclient.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options
{
    HttpTarget target;
    std::string method;
    std::vector<std::string> headers;
    std::string body;
    bool haveBody = false;
    std::string expect;
    int count = 2000;
    int warmup = 200;
    int timeoutMs = 5000;
    double maxSeconds = 120;
    bool json = false;
    std::string samplesFile; // raw latencies, one per line in µs, for merging several runs
};

[[noreturn]] void usage(int code)
{
    std::fprintf(code ? stderr : stdout,
        "usage: seqlatency --url http://HOST:PORT/PATH [-n N] [--warmup W] [-H 'Name: value']...\n"
        "                  [--body JSON | --body-file F] [--method M] [--expect TEXT]\n"
        "                  [--timeout-ms T] [--max-seconds S] [--json] [--samples FILE]\n");
    std::exit(code);
}

struct Sample
{
    double totalUs;
    double firstByteUs;
};

double percentile(std::vector<double> sorted, double p)
{
    if (sorted.empty())
        return 0;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest value with at least p % of the samples at or below it.
    size_t rank = size_t(std::ceil(p / 100.0 * double(sorted.size())));
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    bool haveUrl = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "seqlatency: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--url") {
            if (!parseUrl(value(), o.target)) {
                std::fprintf(stderr, "seqlatency: --url must look like http://127.0.0.1:PORT/path\n");
                return 2;
            }
            haveUrl = true;
        } else if (a == "-n") {
            o.count = std::atoi(value().c_str());
        } else if (a == "--warmup") {
            o.warmup = std::atoi(value().c_str());
        } else if (a == "-H" || a == "--header") {
            o.headers.push_back(value());
        } else if (a == "--body") {
            o.body = value();
            o.haveBody = true;
        } else if (a == "--body-file") {
            const std::string file = value();
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::fprintf(stderr, "seqlatency: cannot read %s\n", file.c_str());
                return 2;
            }
            std::ostringstream ss;
            ss << in.rdbuf();
            o.body = ss.str();
            o.haveBody = true;
        } else if (a == "--method") {
            o.method = value();
        } else if (a == "--expect") {
            o.expect = value();
        } else if (a == "--timeout-ms") {
            o.timeoutMs = std::atoi(value().c_str());
        } else if (a == "--max-seconds") {
            o.maxSeconds = std::atof(value().c_str());
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--samples") {
            o.samplesFile = value();
        } else if (a == "--help" || a == "-h") {
            usage(0);
        } else {
            std::fprintf(stderr, "seqlatency: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (!haveUrl || o.count < 1 || o.warmup < 0 || o.timeoutMs < 1 || o.maxSeconds <= 0)
        usage(2);
    if (o.method.empty())
        o.method = o.haveBody ? "POST" : "GET";
    std::signal(SIGPIPE, SIG_IGN);

    std::string request = o.method + " " + o.target.path + " HTTP/1.1\r\nHost: " + o.target.host + ":"
        + std::to_string(o.target.port) + "\r\nUser-Agent: seqlatency\r\nAccept: */*\r\n";
    for (const std::string &h : o.headers)
        request += h + "\r\n";
    if (o.haveBody) {
        bool haveType = false;
        for (const std::string &h : o.headers)
            haveType = haveType || iequalsPrefix(h, "content-type:");
        if (!haveType)
            request += "Content-Type: application/json\r\n";
        request += "Content-Length: " + std::to_string(o.body.size()) + "\r\n";
    }
    request += "\r\n" + o.body;

    std::vector<Sample> samples;
    samples.reserve(size_t(o.count));
    int errors = 0, timeouts = 0, reconnects = 0;
    std::string firstError;
    Response resp;
    resp.buf.reserve(1 << 16);
    int fd = -1;
    const auto deadline = Clock::now()
        + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.maxSeconds));
    bool outOfTime = false;
    const int total = o.warmup + o.count;
    int sentRequests = 0; // warm-up included: what the server saw, for record counts

    for (int i = 0; i < total; ++i) {
        if (Clock::now() > deadline) {
            outOfTime = true;
            break;
        }
        if (fd < 0) {
            fd = connectTo(o.target);
            if (fd < 0) {
                std::fprintf(stderr, "seqlatency: cannot connect to %s:%d: %s\n", o.target.host.c_str(),
                    o.target.port, std::strerror(errno));
                return 1;
            }
            if (i > 0)
                ++reconnects;
        }
        resp.reset();
        ++sentRequests;
        const auto start = Clock::now();
        bool failed = false;
        size_t sent = 0;
        while (sent < request.size()) {
            const ssize_t w = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                failed = true;
                break;
            }
            sent += size_t(w);
        }
        Clock::time_point firstByte {};
        Response::State state = Response::State::More;
        char buf[65536];
        while (!failed && state == Response::State::More) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                start + std::chrono::milliseconds(o.timeoutMs) - Clock::now())
                                  .count();
            pollfd p { fd, POLLIN, 0 };
            const int pr = left > 0 ? ::poll(&p, 1, int(left)) : 0;
            if (pr == 0) {
                ++timeouts;
                failed = true;
                break;
            }
            if (pr < 0) {
                if (errno == EINTR)
                    continue;
                failed = true;
                break;
            }
            const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                failed = true;
                break;
            }
            if (firstByte == Clock::time_point {})
                firstByte = Clock::now();
            if (r > 0)
                resp.buf.append(buf, size_t(r));
            state = resp.parse(r == 0);
        }
        const auto end = Clock::now();
        if (state != Response::State::Done)
            failed = true;
        bool bad = failed || resp.status < 200 || resp.status > 299
            || (!o.expect.empty() && resp.body.find(o.expect) == std::string::npos);
        if (bad && i >= o.warmup) {
            ++errors;
            if (firstError.empty()) {
                firstError = failed
                    ? "no complete response"
                    : "status " + std::to_string(resp.status) + ": " + resp.body.substr(0, 300);
            }
        }
        if (i >= o.warmup && !bad) {
            samples.push_back({ std::chrono::duration<double, std::micro>(end - start).count(),
                std::chrono::duration<double, std::micro>(firstByte - start).count() });
        }
        if (failed || resp.serverCloses || resp.untilClose) {
            ::close(fd);
            fd = -1;
        }
    }
    if (fd >= 0)
        ::close(fd);

    std::vector<double> totals, firsts;
    double sum = 0;
    for (const Sample &s : samples) {
        totals.push_back(s.totalUs);
        firsts.push_back(s.firstByteUs);
        sum += s.totalUs;
    }
    if (!o.samplesFile.empty()) {
        std::FILE *f = std::fopen(o.samplesFile.c_str(), "w");
        if (!f) {
            std::fprintf(
                stderr, "seqlatency: cannot write %s: %s\n", o.samplesFile.c_str(), std::strerror(errno));
            return 1;
        }
        for (double v : totals)
            std::fprintf(f, "%.1f\n", v);
        std::fclose(f);
    }
    const double mean = samples.empty() ? 0 : sum / double(samples.size());
    const double p50 = percentile(totals, 50), p90 = percentile(totals, 90), p99 = percentile(totals, 99),
                 mx = percentile(totals, 100),
                 min = totals.empty() ? 0 : *std::min_element(totals.begin(), totals.end());
    const double f50 = percentile(firsts, 50), f99 = percentile(firsts, 99);
    if (o.json) {
        std::printf(
            "SEQ_JSON "
            "{\"sent\":%d,\"samples\":%zu,\"errors\":%d,\"timeouts\":%d,\"reconnects\":%d,\"out_of_time\":%s,"
            "\"latency_us\":{\"min\":%.1f,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"mean\":%.1f},"
            "\"first_byte_us\":{\"p50\":%.1f,\"p99\":%.1f}}\n",
            sentRequests, samples.size(), errors, timeouts, reconnects, outOfTime ? "true" : "false", min,
            p50, p90, p99, mx, mean, f50, f99);
    } else {
        std::printf("%zu requests (after %d warm-up), %d errors, %d timeouts, %d reconnects%s\n",
            samples.size(), o.warmup, errors, timeouts, reconnects,
            outOfTime ? ", stopped at --max-seconds" : "");
        std::printf("latency us: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f\n", min, p50,
            p90, p99, mx, mean);
        std::printf("first byte us: p50 %.1f  p99 %.1f\n", f50, f99);
    }
    if (!firstError.empty())
        std::fprintf(stderr, "seqlatency: first error: %s\n", firstError.c_str());
    return (errors == 0 && !outOfTime) ? 0 : 1;
}
