#include "providerstats.h"

#include <limits>

namespace {
// Weight of the newest attempt: about the last twenty attempts count.
constexpr double Weight = 0.1;
} // namespace

void ProviderStats::record(const QString &provider, bool failed, qint64 durationMs)
{
    QMutexLocker locker(&m_mutex);
    Snapshot &stats = m_stats[provider];
    const double error = failed ? 1.0 : 0.0;
    if (stats.attempts == 0) {
        stats.errorRate = error;
        stats.latencyMs = double(durationMs);
    } else {
        stats.errorRate += Weight * (error - stats.errorRate);
        stats.latencyMs += Weight * (double(durationMs) - stats.latencyMs);
    }
    ++stats.attempts;
}

ProviderStats::Snapshot ProviderStats::snapshot(const QString &provider) const
{
    QMutexLocker locker(&m_mutex);
    return m_stats.value(provider);
}

void ProviderStats::absorb(const QString &provider, qint64 attempts, qint64 failed, double latencyMs)
{
    if (attempts <= 0)
        return;
    QMutexLocker locker(&m_mutex);
    Snapshot &stats = m_stats[provider];
    const double errorRate = double(failed) / double(attempts);
    if (stats.attempts == 0) {
        stats.errorRate = errorRate;
        stats.latencyMs = latencyMs;
    } else {
        stats.errorRate += kRecordsWeight * (errorRate - stats.errorRate);
        stats.latencyMs += kRecordsWeight * (latencyMs - stats.latencyMs);
    }
    stats.attempts = int(qMin<qint64>(std::numeric_limits<int>::max(), qint64(stats.attempts) + attempts));
}
