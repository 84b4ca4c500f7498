#pragma once

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>

// Where the gateway reads wall-clock time, so that tests can control it.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
    // Milliseconds on a monotonic clock with an arbitrary origin: for rate limits and intervals, which must
    // not jump when the wall clock is set. Tests may override it to step time by hand.
    virtual qint64 monotonicMs() const { return QDeadlineTimer::current(Qt::PreciseTimer).deadline(); }
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};
