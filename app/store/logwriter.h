#pragma once

#include "database.h"
#include "requestrecord.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <optional>
#include <vector>

namespace UsageRollups {
struct PreparedUpserts;
}

// Writes request records off the hot path: callers enqueue from any thread without waiting for I/O, and a
// thread of its own inserts them in batched transactions on its own connection.
//
// Records enqueued before start() wait in the queue and are written once the writer runs. A record enqueued
// after stop() (or when start() never succeeded and stop() has run) is not written: it is counted in
// failedCount() and a warning names it, so shutdown ordering mistakes are visible instead of silent.
//
// A database that stops answering (PostgreSQL restarting, the network between, SQLite locked past its busy
// timeout) loses nothing: the writer tries the batch again, with pauses growing to kRetryPauseMaxMs, until it
// goes in, while new records keep queueing, up to queueLimitBytes() of them (records beyond are counted as
// failed, with a warning). Once stopping, it tries for kStopRetryMs more before it gives up.
class LogWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogWriter)
public:
    explicit LogWriter(DatabaseLocation location, QObject *parent = nullptr);
    ~LogWriter() override; // stops, after writing everything enqueued

    // Opens the writer's connection on its thread. False and *error when the database cannot be opened.
    bool start(QString *error);
    // Thread-safe; never blocks on the database.
    void enqueue(RequestRecord record);
    // Blocks until every record enqueued before the call is committed (or failed to be), or the deadline
    // passes (then false). Returns at once when the writer is not running (nothing could be committed), and
    // when called from the writer thread.
    bool flush(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever));
    // Flushes and ends the thread. Records still queued when the writer never started count as failed.
    void stop();

    qint64 writtenCount() const;
    qint64 failedCount() const;

    // What GET /api/v1/status shows of the writer.
    struct Health
    {
        qint64 backlog = 0; // records enqueued and not yet written or given up on
        qint64 backlogBytes = 0; // what they hold in memory, payloads included
        qint64 failedBatches
            = 0; // batches the database refused (each counted once, whether a retry took it or not)
        qint64 dropped = 0; // records given up on: failedCount()
        QString writeError; // the database's answer while a batch waits for it; empty once a batch went in
    };
    Health health() const;
    // How much the records waiting for the database may hold in memory, payloads included (256 MiB).
    qint64 queueLimitBytes() const;
    void setQueueLimitBytes(qint64 bytes);

    // Rows per transaction; larger batches amortise the commit and share more rollup rows, smaller ones bound
    // the work redone record by record when one record is refused. Only a backlog fills a batch: an idle
    // writer commits what kGatherMs gathers. 2000 rather than 500 wrote a third to two thirds more records a
    // second on both engines, with less CPU (bench/README.md, figures at team scale).
    static constexpr int kMaxBatch = 2000;
    // How long an idle writer, woken by a first record, waits to gather more before committing.
    static constexpr int kGatherMs = 50;
    static constexpr int kRetryPauseMaxMs = 5000;
    static constexpr int kStopRetryMs = 5000;

signals:
    // Emitted from the writer thread after each commit (connect with an auto or queued connection).
    void recordsWritten(int count);

private:
    void run();
    // True when any record went in; `batch` is then left holding exactly the records that were written.
    bool writeBatch(std::vector<RequestRecord> &batch, UsageRollups::PreparedUpserts *upserts);
    void failPendingLocked(const char *why); // with m_mutex held

    DatabaseLocation m_location;
    QThread *m_thread = nullptr;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_flushed;
    QWaitCondition m_started;
    QString m_connectionName;
    QString m_startError;
    bool m_startDone = false;
    int m_flushWaiters = 0;
    std::vector<RequestRecord> m_queue;
    qint64 m_queuedBytes = 0; // of the records not yet written or failed, those the writer holds included
    qint64 m_queueLimitBytes = 256 * 1024 * 1024;
    bool m_refusing = false; // records are being turned away for want of room (warned once)
    std::optional<QDeadlineTimer>
        m_givingUpAt; // writer thread: when to stop waiting for the database, once stopping
    quint64 m_enqueued = 0;
    quint64 m_done = 0;
    qint64 m_written = 0;
    qint64 m_failed = 0;
    qint64 m_failedBatches = 0;
    QString m_writeError;
    bool m_stopping = false;
    bool m_running = false;
};
