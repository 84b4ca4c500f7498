// Paced streams of bench/mockupstream (see mockpacing.h).

#include "mockpacing.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>

Pace paceOf(std::string_view model)
{
    constexpr std::string_view tag = "-paced-";
    const size_t at = model.rfind(tag);
    if (at == std::string_view::npos)
        return {};
    const std::string spec(model.substr(at + tag.size()));
    char *x = nullptr;
    const long events = std::strtol(spec.c_str(), &x, 10);
    if (x == spec.c_str() || *x != 'x')
        return {};
    char *end = nullptr;
    const long interval = std::strtol(x + 1, &end, 10);
    if (end == x + 1 || events < 1 || events > 10000 || interval < 0 || interval > 60000)
        return {};
    return { int(events), int(interval) };
}

std::string timingMarker()
{
    // CLOCK_MONOTONIC is what std::chrono::steady_clock reads on Linux, in every process of the machine.
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return "~T" + std::to_string((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec) + "~";
}

namespace {
std::string pieceText(int index)
{
    return " event " + std::to_string(index) + " " + timingMarker();
}
} // namespace

void PacedStreams::start(std::string &out, int fd, unsigned long long connection, StreamSpec spec,
    std::string_view model, Pace pace)
{
    spec.pieces = pace.events;
    Stream &s = m_streams.emplace_back(Stream { fd, connection, std::string(model), spec, pace, 1, {} });
    s.spec.model = s.model;
    appendStreamStart(out, s.spec);
    appendStreamPiece(out, s.spec, 0, pieceText(0));
    if (pace.events == 1) {
        appendStreamEnd(out, s.spec);
        m_streams.pop_back();
        return;
    }
    s.due = Clock::now() + std::chrono::milliseconds(pace.intervalMs);
}

int PacedStreams::timeoutMs(int cap) const
{
    if (m_streams.empty())
        return cap;
    Clock::time_point next = m_streams.front().due;
    for (const Stream &s : m_streams)
        next = std::min(next, s.due);
    // Round up: waking a little late costs the schedule, not the measurement (events carry their send time).
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now()).count();
    return int(std::clamp<long long>(left, 0, cap));
}

void PacedStreams::sendDue(const std::function<std::string *(int, unsigned long long)> &outputFor,
    const std::function<void(int, bool)> &written)
{
    const Clock::time_point now = Clock::now();
    std::vector<std::pair<int, bool>> touched;
    for (size_t i = 0; i < m_streams.size();) {
        Stream &s = m_streams[i];
        if (s.due > now) {
            ++i;
            continue;
        }
        std::string *out = outputFor(s.fd, s.connection);
        bool finished = out == nullptr;
        if (out) {
            s.spec.model = s.model; // the vector may have moved the string since
            appendStreamPiece(*out, s.spec, s.next, pieceText(s.next));
            if (++s.next == s.pace.events) {
                appendStreamEnd(*out, s.spec);
                finished = true;
            }
            s.due += std::chrono::milliseconds(s.pace.intervalMs);
            touched.emplace_back(s.fd, finished);
        }
        if (finished) {
            if (i + 1 < m_streams.size())
                m_streams[i] = std::move(m_streams.back());
            m_streams.pop_back();
        } else {
            ++i;
        }
    }
    for (const auto &[fd, finished] : touched)
        written(fd, finished);
}
