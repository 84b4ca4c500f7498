#pragma once

#include <QDateTime>
#include <QElapsedTimer>

// Where the gateway reads wall-clock time, so that tests can control it.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};
