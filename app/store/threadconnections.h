#pragma once

#include "database.h"
#include "storeerror.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

#include <memory>

// One database connection per thread for a store that several threads share. A thread's connection is closed
// when the thread ends (pool threads end after 30 s idle), the others when the store is destroyed.
//
// Connections are named by a serial number each thread gets once, never by its thread id: ids are reused as
// soon as a thread ends, and a new thread handed an ended one's connection is refused it by Qt ("requested
// database does not belong to the calling thread"), so a store's calls failed after the pool renewed a
// thread.
class ThreadConnections final
{
    Q_DISABLE_COPY_MOVE(ThreadConnections)
public:
    ThreadConnections(DatabaseLocation location, QString prefix);
    ~ThreadConnections();

    // The calling thread's connection (opened and migrated on first use); invalid and *error on failure.
    QSqlDatabase connection(QString *error);
    // The same for a store call that reports StoreError: a database that cannot be opened is
    // StoreError::database(`failure`, …).
    QSqlDatabase connection(const QString &failure, StoreError *error);
    const DatabaseLocation &location() const { return m_location; }
    // Connections open now, over all threads (tests).
    int openCount() const;

    struct Registry; // the open connections' names, shared with the threads that close theirs on exit

private:
    DatabaseLocation m_location;
    QString m_prefix;
    std::shared_ptr<Registry> m_registry;
};

// A write transaction that serialises with every other writer of the same kind, so that checks such as
// "one owner remains" cannot race: BEGIN IMMEDIATE on SQLite, an advisory transaction lock on PostgreSQL.
// Neither waits for another writer's lock longer than Database::kLockWaitMs: SQLite's busy timeout, and on
// PostgreSQL a lock_timeout for the whole transaction (the advisory lock and every row or table lock its
// statements wait for), so a writer held up by another gets SQLITE_BUSY or 55P03 (StoreError's Busy) instead
// of hanging. Rolls back unless commit() succeeded.
class WriteTransaction final
{
    Q_DISABLE_COPY_MOVE(WriteTransaction)
public:
    explicit WriteTransaction(QSqlDatabase &db);
    ~WriteTransaction();

    bool begin(QString *error);
    bool commit(QString *error);
    // The driver's error of the step that failed, with its native code (for StoreError::database).
    const QSqlError &lastError() const { return m_error; }

private:
    bool failed(const QSqlError &error, QString *text);

    QSqlDatabase &m_db;
    bool m_open = false;
    QSqlError m_error;
};
