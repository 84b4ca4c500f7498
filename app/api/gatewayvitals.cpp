#include "gatewayvitals.h"

#include "clock.h"

GatewayVitals::GatewayVitals(const Clock &clock)
    : m_clock(clock)
{ }

void GatewayVitals::setListening(const QString &url, const QDateTime &startedAt)
{
    QMutexLocker locker(&m_mutex);
    m_url = url;
    m_startedAt = startedAt.toUTC();
}

QString GatewayVitals::url() const
{
    QMutexLocker locker(&m_mutex);
    return m_url;
}

QDateTime GatewayVitals::startedAt() const
{
    QMutexLocker locker(&m_mutex);
    return m_startedAt;
}

qint64 GatewayVitals::currentMinute() const
{
    return m_clock.now().toSecsSinceEpoch() / 60;
}

void GatewayVitals::requestFinished(bool error)
{
    const qint64 minute = currentMinute();
    Slot &slot = m_slots[size_t(minute % kMinutes)];
    if (slot.minute.load(std::memory_order_acquire) != minute) {
        // The slot last counted a minute kMinutes or more ago: the first request of this minute clears it.
        QMutexLocker locker(&m_resetting);
        if (slot.minute.load(std::memory_order_relaxed) != minute) {
            slot.requests.store(0, std::memory_order_relaxed);
            slot.errors.store(0, std::memory_order_relaxed);
            slot.minute.store(minute, std::memory_order_release);
        }
    }
    slot.requests.fetch_add(1, std::memory_order_relaxed);
    if (error)
        slot.errors.fetch_add(1, std::memory_order_relaxed);
}

std::vector<GatewayVitals::Minute> GatewayVitals::perMinute() const
{
    const qint64 now = currentMinute();
    std::vector<Minute> minutes;
    minutes.reserve(kMinutes);
    for (qint64 minute = now - kMinutes + 1; minute <= now; ++minute) {
        const Slot &slot = m_slots[size_t(minute % kMinutes)];
        Minute m { QDateTime::fromSecsSinceEpoch(minute * 60, Qt::UTC), 0, 0 };
        if (slot.minute.load(std::memory_order_acquire) == minute) {
            m.requests = slot.requests.load(std::memory_order_relaxed);
            m.errors = slot.errors.load(std::memory_order_relaxed);
        }
        minutes.push_back(m);
    }
    return minutes;
}
