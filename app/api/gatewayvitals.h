#pragma once

#include <QDateTime>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>
#include <vector>

class Clock;

// The running gateway's live figures that GET /api/v1/status reports and no database holds: where it listens,
// since when, the proxy requests in flight and those finished in each of the last minutes. The proxy feeds it
// from every worker thread; the management API reads it from its pool. Thread-safe; the proxy's calls take no
// lock (a slot is reset under a mutex only when its minute comes round again, once a minute at most).
class GatewayVitals final
{
    Q_DISABLE_COPY_MOVE(GatewayVitals)
public:
    explicit GatewayVitals(const Clock &clock);

    // The minutes reported: the current one and the 15 whole ones before it.
    static constexpr int kMinutes = 16;

    struct Minute
    {
        QDateTime start;
        qint64 requests = 0;
        qint64 errors = 0;
    };

    // Once listening.
    void setListening(const QString &url, const QDateTime &startedAt);
    QString url() const;
    QDateTime startedAt() const; // invalid before setListening()

    // A proxy request began or ended being answered (one per ProxyExchange, retries and fallbacks included).
    void requestStarted() { m_inFlight.fetch_add(1, std::memory_order_relaxed); }
    void requestEnded() { m_inFlight.fetch_sub(1, std::memory_order_relaxed); }
    int inFlight() const { return m_inFlight.load(std::memory_order_relaxed); }

    // A proxy request was answered (its last attempt: a retried attempt is not a request of its own, as in
    // the usage figures); `error` when its status was 400 or more, or none.
    void requestFinished(bool error);
    // Requests finished per minute, oldest first: the last kMinutes minutes up to the current one.
    std::vector<Minute> perMinute() const;

private:
    struct Slot
    {
        std::atomic<qint64> minute { -1 }; // minutes since the epoch this slot counts
        std::atomic<qint64> requests { 0 };
        std::atomic<qint64> errors { 0 };
    };
    qint64 currentMinute() const;

    const Clock &m_clock;
    std::atomic<int> m_inFlight { 0 };
    std::array<Slot, kMinutes> m_slots;
    QMutex m_resetting;
    mutable QMutex m_mutex; // url and start time
    QString m_url;
    QDateTime m_startedAt;
};
