#pragma once

#include "clock.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <deque>
#include <optional>

// Slows down password guessing against sign-in: after kMaxPerEmail failed attempts for one email, or
// kMaxPerAddress from one client address, within kWindowMs, further attempts are refused (429, even with the
// right password) until the oldest of them leaves the window. A success clears the email's failures. Kept in
// memory, per instance. Thread-safe.
class SignInThrottle final
{
public:
    static constexpr int kMaxPerEmail = 5;
    static constexpr int kMaxPerAddress = 20;
    static constexpr qint64 kWindowMs = 15 * 60 * 1000;

    explicit SignInThrottle(const Clock &clock)
        : m_clock(clock)
    { }

    // Seconds until an attempt for `email` from `address` is allowed again, or nullopt when it is allowed
    // now.
    std::optional<qint64> wait(const QString &email, const QString &address);
    void failed(const QString &email, const QString &address);
    void succeeded(const QString &email);

private:
    using Attempts = std::deque<qint64>; // monotonic times of failures, oldest first
    std::optional<qint64> waitFor(
        QHash<QString, Attempts> &failures, const QString &key, int max, qint64 now);
    void forgetExpired(qint64 now);

    const Clock &m_clock;
    QMutex m_mutex;
    QHash<QString, Attempts> m_byEmail;
    QHash<QString, Attempts> m_byAddress;
    int m_callsSinceSweep = 0;
};
