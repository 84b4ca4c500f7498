#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

// One prepared statement run many times with many values, for the store's hot loops (the rollups): on
// SQLite straight through its C API, where QSqlQuery's per-value QVariant and placeholder handling cost
// more than the statement itself; on other drivers through QSqlQuery with positional placeholders.
// Placeholders are written '?' in the SQL; columns and parameters count from 0.
class FastQuery final
{
    Q_DISABLE_COPY_MOVE(FastQuery)
public:
    explicit FastQuery(QSqlDatabase &db);
    ~FastQuery();

    // Whether `db` is an SQLite connection (statements run in process: no round trip to save).
    static bool isSqlite(const QSqlDatabase &db);

    bool prepare(const QString &sql);
    void bind(int index, qint64 value);
    void bind(int index, double value);
    void bind(int index, const QString &value);
    // Runs the statement with the values bound; afterwards next() steps through its rows.
    bool exec();
    bool next();
    qint64 integer(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QString lastError() const { return m_error; }

private:
    void resetIfActive();

    QSqlDatabase &m_db;
    sqlite3 *m_sqlite = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    bool m_pendingRow = false; // SQLite: exec() stepped onto a row that next() has not handed out yet
    bool m_active = false;     // SQLite: stepped and not yet reset (rows left unread)
    std::unique_ptr<QSqlQuery> m_query;
    QString m_error;
};
