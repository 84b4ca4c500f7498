#pragma once

#include "clock.h"

#include <chrono>

// A clock that tests set and step by hand, so that time-dependent behaviour is checked without waiting.
class TestClock final : public Clock
{
public:
    explicit TestClock(const QDateTime &start = QDateTime(QDate(2025, 1, 15), QTime(12, 0), Qt::UTC))
        : m_now(start.toUTC())
    { }

    QDateTime now() const override { return m_now; }
    qint64 monotonicMs() const override { return m_monotonicMs; }

    // Moves the wall clock only, as when a user or NTP sets it; monotonic time does not jump.
    void setNow(const QDateTime &now) { m_now = now.toUTC(); }
    // Lets time pass: both clocks move forward.
    void advance(std::chrono::milliseconds by)
    {
        m_now = m_now.addMSecs(by.count());
        m_monotonicMs += by.count();
    }

private:
    QDateTime m_now;
    qint64 m_monotonicMs = 1'000'000; // arbitrary origin, as a real monotonic clock has
};
