#pragma once

#include "database.h"
#include "requestrecord.h"

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <vector>

// Writes request records off the hot path: callers enqueue from any thread without waiting for I/O, and a
// thread of its own inserts them in batched transactions on its own connection.
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
    // Blocks until every record enqueued before the call is committed (or failed to be).
    void flush();
    // Flushes and ends the thread.
    void stop();

    qint64 writtenCount() const;
    qint64 failedCount() const;

signals:
    void recordsWritten(int count);

private:
    void run();
    bool writeBatch(std::vector<RequestRecord> &batch);

    DatabaseLocation m_location;
    QThread *m_thread = nullptr;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_flushed;
    std::vector<RequestRecord> m_queue;
    quint64 m_enqueued = 0;
    quint64 m_done = 0;
    qint64 m_written = 0;
    qint64 m_failed = 0;
    bool m_stopping = false;
    bool m_running = false;
};
