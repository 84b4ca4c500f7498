#pragma once

#include <QSqlDatabase>
#include <QString>

#include <memory>

#include <vector>

struct sqlite3;
struct sqlite3_stmt;
struct pg_conn;
struct pg_result;

// One prepared statement run many times with many values, for the store's hot loops (the rollups, usage
// queries), on the connection Qt opened: on SQLite straight through its C API, where QSqlQuery's per-value
// QVariant and placeholder handling cost more than the statement itself; on PostgreSQL through libpq with the
// values as text parameters, where Qt's driver formats every value into an EXECUTE string.
// Placeholders are written '?' in the SQL; columns and parameters count from 0.
class FastQuery final
{
    Q_DISABLE_COPY_MOVE(FastQuery)
public:
    explicit FastQuery(QSqlDatabase &db);
    ~FastQuery();

    bool prepare(const QString &sql);
    void bind(int index, qint64 value);
    void bind(int index, double value);
    void bind(int index, const QString &value);
    void bindBlob(int index, const QByteArray &bytes);
    // Runs the statement with the values bound; afterwards next() steps through its rows.
    bool exec();
    bool next();
    qint64 integer(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const; // BLOB, or bytea; empty for NULL
    QString lastError() const { return m_error; }

private:
    void resetIfActive();
    void bindText(int index, QByteArray text);
    const char *value(int column) const; // PostgreSQL: the text of a column of the current row

    sqlite3 *m_sqlite = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    bool m_pendingRow = false; // SQLite: exec() stepped onto a row that next() has not handed out yet
    bool m_active = false; // SQLite: stepped and not yet reset (rows left unread)
    pg_conn *m_pg = nullptr;
    QByteArray m_pgSql; // with $1, $2, … for the placeholders
    std::vector<QByteArray> m_pgValues;
    pg_result *m_pgResult = nullptr;
    int m_pgRow = -1;
    QString m_error;
};
