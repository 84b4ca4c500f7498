#include "signinthrottle.h"

#include "member.h"

std::optional<qint64> SignInThrottle::waitFor(
    QHash<QString, Attempts> &failures, const QString &key, int max, qint64 now)
{
    const auto it = failures.find(key);
    if (it == failures.end())
        return std::nullopt;
    Attempts &attempts = it.value();
    while (!attempts.empty() && now - attempts.front() >= kWindowMs)
        attempts.pop_front();
    if (qsizetype(attempts.size()) < max)
        return std::nullopt;
    // Allowed again when the failure that makes the count reach `max` leaves the window.
    const qint64 until = attempts[attempts.size() - size_t(max)] + kWindowMs;
    return std::max<qint64>(1, (until - now + 999) / 1000);
}

std::optional<qint64> SignInThrottle::wait(const QString &email, const QString &address)
{
    QMutexLocker locker(&m_mutex);
    const qint64 now = m_clock.monotonicMs();
    const auto byEmail = waitFor(m_byEmail, Emails::normalized(email), kMaxPerEmail, now);
    const auto byAddress = waitFor(m_byAddress, address, kMaxPerAddress, now);
    if (byEmail && byAddress)
        return std::max(*byEmail, *byAddress);
    return byEmail ? byEmail : byAddress;
}

void SignInThrottle::failed(const QString &email, const QString &address)
{
    QMutexLocker locker(&m_mutex);
    const qint64 now = m_clock.monotonicMs();
    m_byEmail[Emails::normalized(email)].push_back(now);
    m_byAddress[address].push_back(now);
    if (++m_callsSinceSweep >= 256)
        forgetExpired(now);
}

void SignInThrottle::succeeded(const QString &email)
{
    QMutexLocker locker(&m_mutex);
    m_byEmail.remove(Emails::normalized(email));
}

// Guessing with ever new emails or addresses must not grow memory without end.
void SignInThrottle::forgetExpired(qint64 now)
{
    m_callsSinceSweep = 0;
    for (QHash<QString, Attempts> *failures : { &m_byEmail, &m_byAddress }) {
        failures->removeIf([&](QHash<QString, Attempts>::iterator it) {
            return it.value().empty() || now - it.value().back() >= kWindowMs;
        });
    }
}
