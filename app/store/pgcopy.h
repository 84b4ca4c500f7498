#pragma once

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <functional>

// Bulk writes to PostgreSQL through libpq on the connection Qt opened, inside the caller's transaction: COPY
// … FROM STDIN in COPY's text format, and plain statements without parameters. Qt's driver formats every
// bound value into an EXECUTE string, which cost the log writer more than the server's work; COPY streams the
// rows in one round trip, and the server parses nothing but their text.
namespace PgCopy {

enum class Outcome { Ok, Transient, Failed };

// One row as a line of COPY's text format: one call per column, in the order of the COPY's column list.
class Line
{
public:
    explicit Line(QByteArray &out)
        : m_out(out)
    { }
    void text(const QByteArray &utf8);
    void text(const QString &value) { text(value.toUtf8()); }
    void integer(qint64 value);
    void real(double value);
    void blob(const QByteArray &bytes); // bytea
    void null();

private:
    void separate();

    QByteArray &m_out;
    bool m_first = true;
};

// Runs `copySql` (COPY … FROM STDIN) and sends the rows `nextRow` writes, one per call, until it returns
// false without writing one. On failure *error says why, and the transaction is aborted.
Outcome copy(QSqlDatabase &db, const QByteArray &copySql, const std::function<bool(Line &row)> &nextRow,
    QString *error);
// Runs `sql`, one or more statements without parameters, in one round trip. On failure *error says why.
Outcome exec(QSqlDatabase &db, const QByteArray &sql, QString *error);

} // namespace PgCopy
