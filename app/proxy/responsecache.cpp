#include "responsecache.h"

#include "clock.h"

#include <QCryptographicHash>
#include <QJsonDocument>

ResponseCache::ResponseCache(const Clock &clock, qint64 ttlMs, qsizetype maxEntries, qsizetype maxBytes)
    : m_clock(clock)
    , m_ttlMs(ttlMs)
    , m_maxEntries(maxEntries)
    , m_maxBytes(maxBytes)
{ }

QByteArray ResponseCache::keyFor(QByteArrayView endpoint, int clientFormat, const QByteArray &body)
{
    // QJsonDocument writes object members in sorted order: the same request however its keys were ordered
    // or spaced gives the same key.
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isNull())
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(endpoint);
    hash.addData(QByteArray::number(clientFormat));
    hash.addData(document.toJson(QJsonDocument::Compact));
    return hash.result();
}

std::optional<ResponseCache::Entry> ResponseCache::find(const QByteArray &key)
{
    QMutexLocker locker(&m_mutex);
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend())
        return std::nullopt;
    if (m_clock.now().toMSecsSinceEpoch() - it->storedAtMs > m_ttlMs)
        return std::nullopt; // expired; evicted in order later
    return *it;
}

void ResponseCache::store(const QByteArray &key, Entry entry)
{
    if (entry.body.size() > m_maxBytes)
        return;
    entry.storedAtMs = m_clock.now().toMSecsSinceEpoch();
    QMutexLocker locker(&m_mutex);
    if (const auto it = m_entries.find(key); it != m_entries.end()) {
        m_bytes -= it->body.size();
        m_entries.erase(it);
        std::erase(m_order, key);
    }
    evictUntilFits(entry.body.size());
    m_bytes += entry.body.size();
    m_entries.insert(key, std::move(entry));
    m_order.push_back(key);
}

void ResponseCache::evictUntilFits(qsizetype incomingBytes)
{
    while (!m_order.empty() && (m_entries.size() >= m_maxEntries || m_bytes + incomingBytes > m_maxBytes)) {
        const auto it = m_entries.find(m_order.front());
        if (it != m_entries.end()) {
            m_bytes -= it->body.size();
            m_entries.erase(it);
        }
        m_order.pop_front();
    }
}

qsizetype ResponseCache::size() const
{
    QMutexLocker locker(&m_mutex);
    return m_entries.size();
}
