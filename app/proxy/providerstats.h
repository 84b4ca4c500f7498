#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

// How each provider has been doing lately: error rate and latency as moving averages over the attempts
// this gateway made, pulled every minute toward what the records of the last hour say (the records of
// every instance sharing the database, and of before a restart). Routing breaks price ties with it.
// Shared by the worker threads.
class ProviderStats final
{
    Q_DISABLE_COPY_MOVE(ProviderStats)
public:
    struct Snapshot
    {
        double errorRate = 0; // 0..1
        double latencyMs = 0;
        int attempts = 0;
    };

    ProviderStats() = default;

    // One attempt's outcome: `failed` for connection errors, timeouts, 429 and 5xx.
    void record(const QString &provider, bool failed, qint64 durationMs);
    Snapshot snapshot(const QString &provider) const;
    // The last hour's records of a provider: `attempts` of which `failed`, `latencyMs` on average.
    void absorb(const QString &provider, qint64 attempts, qint64 failed, double latencyMs);

    // How far one minute's reading of the records moves the figures.
    static constexpr double kRecordsWeight = 0.5;

private:
    mutable QMutex m_mutex;
    QHash<QString, Snapshot> m_stats;
};
