#pragma once

#include "database.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>

// One database connection per thread for a store that several threads share; all removed on destruction.
class ThreadConnections final
{
    Q_DISABLE_COPY_MOVE(ThreadConnections)
public:
    ThreadConnections(DatabaseLocation location, QString prefix);
    ~ThreadConnections();

    // The calling thread's connection (opened and migrated on first use); invalid and *error on failure.
    QSqlDatabase connection(QString *error);
    const DatabaseLocation &location() const { return m_location; }

private:
    DatabaseLocation m_location;
    QString m_prefix;
    QMutex m_mutex;
    QStringList m_names;
};

// A write transaction that serialises with every other writer of the same kind, so that checks such as
// "one owner remains" cannot race: BEGIN IMMEDIATE on SQLite, an advisory transaction lock on PostgreSQL.
// Rolls back unless commit() succeeded.
class WriteTransaction final
{
    Q_DISABLE_COPY_MOVE(WriteTransaction)
public:
    explicit WriteTransaction(QSqlDatabase &db);
    ~WriteTransaction();

    bool begin(QString *error);
    bool commit(QString *error);

private:
    QSqlDatabase &m_db;
    bool m_open = false;
};
