#pragma once

#include "mockstreams.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// Paced streams of bench/mockupstream: asked for by a model name ending in "-paced-<N>x<MS>", the
// answer sends N content events MS milliseconds apart instead of all at once, and every event's text
// carries the moment the mock sent it ("~T<CLOCK_MONOTONIC ns>~"). A client on the same machine can
// then tell, per event, how long a relay held it (bench/streamtiming.cpp).
struct Pace
{
    int events = 0; // 0: not paced
    int intervalMs = 0;
};

Pace paceOf(std::string_view model);

// The marker of the current moment, as the events carry it.
std::string timingMarker();

class PacedStreams
{
public:
    using Clock = std::chrono::steady_clock;

    // Appends the head, the opening events and the first content event to `out` now; the rest follow
    // from sendDue(). `connection` tells apart connections that reuse a descriptor.
    void start(std::string &out, int fd, unsigned long long connection, StreamSpec spec,
        std::string_view model, Pace pace);
    // Milliseconds until the next event is due, at most `cap` (for epoll_wait).
    int timeoutMs(int cap) const;
    // Appends every due event to the output `outputFor` gives for its connection (nullptr when the
    // connection is gone: the stream is dropped), then calls `written(fd, finished)` for each stream
    // that got bytes, once the list is consistent again (it may start new streams).
    void sendDue(const std::function<std::string *(int fd, unsigned long long connection)> &outputFor,
        const std::function<void(int fd, bool finished)> &written);

private:
    struct Stream
    {
        int fd;
        unsigned long long connection;
        std::string model; // spec.model is set to it before each use (the vector moves strings)
        StreamSpec spec;
        Pace pace;
        int next; // the next content event
        Clock::time_point due;
    };
    std::vector<Stream> m_streams;
};
