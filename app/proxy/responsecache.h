#pragma once

#include "usage.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <deque>
#include <optional>

class Clock;

// Answers kept for exact repeats of a request (off by default). Keyed by the endpoint, the client's format
// and the request normalised (JSON re-serialised with sorted keys, the stream flag kept: a stream is
// replayed as the same events). Shared by the worker threads; bounded in entries and bytes; entries live
// for a time-to-live.
class ResponseCache final
{
    Q_DISABLE_COPY_MOVE(ResponseCache)
public:
    struct Entry
    {
        QByteArray body; // exactly what the client received (JSON, or the SSE bytes of a stream)
        bool stream = false;
        QString usedProvider;
        QString usedModel;
        QString finishReason;
        TokenUsage usage;
        qint64 storedAtMs = 0;
    };

    ResponseCache(const Clock &clock, qint64 ttlMs, qsizetype maxEntries, qsizetype maxBytes);

    // The key for a request, or an empty one when the body is not JSON (never cached).
    static QByteArray keyFor(QByteArrayView endpoint, int clientFormat, const QByteArray &body);

    std::optional<Entry> find(const QByteArray &key);
    void store(const QByteArray &key, Entry entry);
    qsizetype size() const;

private:
    void evictUntilFits(qsizetype incomingBytes);

    const Clock &m_clock;
    const qint64 m_ttlMs;
    const qsizetype m_maxEntries;
    const qsizetype m_maxBytes;
    mutable QMutex m_mutex;
    QHash<QByteArray, Entry> m_entries;
    std::deque<QByteArray> m_order; // oldest first, for eviction
    qsizetype m_bytes = 0;
};
