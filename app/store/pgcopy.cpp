#include "pgcopy.h"

#include "database.h"
#include "libpq.h"

#include <optional>

using namespace Qt::StringLiterals;

namespace {

// Rows go to the server in pieces of about this size, so that a batch of large payloads is never held twice.
constexpr qsizetype kSendBytes = 1 << 20;

} // namespace

namespace PgCopy {

void Line::separate()
{
    if (!m_first)
        m_out += '\t';
    m_first = false;
}

void Line::text(const QByteArray &utf8)
{
    separate();
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            m_out += "\\\\";
            break;
        case '\t':
            m_out += "\\t";
            break;
        case '\n':
            m_out += "\\n";
            break;
        case '\r':
            m_out += "\\r";
            break;
        case '\0':
            break; // PostgreSQL's text cannot hold NUL
        default:
            m_out += c;
        }
    }
}

void Line::integer(qint64 value)
{
    separate();
    m_out += QByteArray::number(value);
}

void Line::real(double value)
{
    separate();
    m_out += QByteArray::number(value, 'g', 17);
}

void Line::blob(const QByteArray &bytes)
{
    separate();
    m_out += "\\\\x"; // bytea's hex input "\x…", its backslash escaped for COPY
    m_out += bytes.toHex();
}

void Line::null()
{
    separate();
    m_out += "\\N";
}

namespace {

struct Connection
{
    PGconn *handle = nullptr;
    const LibPq *pq = nullptr;

    // The outcome of a failure, with *error saying `what` and the server's words; clears `result`.
    Outcome failed(PGresult *result, const QString &what, QString *error) const
    {
        const char *state = result ? pq->resultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        const bool transient
            = Database::isTransientPostgresState(state ? state : "") || pq->status(handle) != CONNECTION_OK;
        *error = what + u": "_s + QString::fromUtf8(pq->errorMessage(handle)).trimmed();
        if (result)
            pq->clear(result);
        return transient ? Outcome::Transient : Outcome::Failed;
    }
};

std::optional<Connection> connectionOf(QSqlDatabase &db, QString *error)
{
    Connection c { Database::postgresHandle(db), LibPq::get() };
    if (c.handle && c.pq)
        return c;
    *error = c.handle ? u"libpq is not available"_s : u"not a PostgreSQL connection"_s;
    return std::nullopt;
}

} // namespace

Outcome copy(QSqlDatabase &db, const QByteArray &copySql, const std::function<bool(Line &row)> &nextRow,
    QString *error)
{
    const auto connection = connectionOf(db, error);
    if (!connection)
        return Outcome::Failed;
    // Named copies, not a structured binding: lambdas capture them (clang before 16 refuses captured
    // bindings).
    PGconn *const handle = connection->handle;
    const LibPq *const pq = connection->pq;

    // Ends a copy that could not be sent whole, so that the connection can roll back.
    const auto abandon = [&] {
        const Outcome outcome = connection->failed(nullptr, u"cannot send the rows"_s, error);
        pq->putCopyEnd(handle, "the gateway stopped sending");
        while (PGresult *result = pq->getResult(handle))
            pq->clear(result);
        return outcome;
    };

    PGresult *start = pq->exec(handle, copySql.constData());
    if (pq->resultStatus(start) != PGRES_COPY_IN)
        return connection->failed(start, u"cannot start copying"_s, error);
    pq->clear(start);
    QByteArray buffer;
    for (;;) {
        Line line(buffer);
        const bool more = nextRow(line);
        if (more)
            buffer += '\n';
        if (buffer.size() < kSendBytes && more)
            continue;
        if (!buffer.isEmpty() && pq->putCopyData(handle, buffer.constData(), int(buffer.size())) != 1)
            return abandon();
        buffer.clear();
        if (!more)
            break;
    }
    if (pq->putCopyEnd(handle, nullptr) != 1)
        return abandon();
    Outcome outcome = Outcome::Ok;
    while (PGresult *result = pq->getResult(handle)) {
        if (pq->resultStatus(result) != PGRES_COMMAND_OK && outcome == Outcome::Ok)
            outcome = connection->failed(result, u"cannot copy the rows"_s, error);
        else
            pq->clear(result);
    }
    return outcome;
}

Outcome exec(QSqlDatabase &db, const QByteArray &sql, QString *error)
{
    const auto connection = connectionOf(db, error);
    if (!connection)
        return Outcome::Failed;
    PGresult *result = connection->pq->exec(connection->handle, sql.constData());
    const ExecStatusType status = connection->pq->resultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        connection->pq->clear(result);
        return Outcome::Ok;
    }
    return connection->failed(result, u"the statement failed"_s, error);
}

} // namespace PgCopy
