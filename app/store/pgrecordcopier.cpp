#include "pgrecordcopier.h"

#include "database.h"
#include "libpq.h"
#include "recordcolumns.h"

#include <iterator>

using namespace Qt::StringLiterals;

namespace {

// One record as a line of COPY's text format.
struct Line
{
    explicit Line(QByteArray &o) : out(o) {}

    QByteArray &out;
    bool first = true;

    void separate()
    {
        if (!first)
            out += '\t';
        first = false;
    }
    void text(const QByteArray &utf8)
    {
        separate();
        for (const char c : utf8) {
            switch (c) {
            case '\\': out += "\\\\"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\0': break; // PostgreSQL's text cannot hold NUL
            default: out += c;
            }
        }
    }
    void integer(qint64 value)
    {
        separate();
        out += QByteArray::number(value);
    }
    void real(double value)
    {
        separate();
        out += QByteArray::number(value, 'g', 17);
    }
    void blob(const QByteArray &bytes)
    {
        separate();
        out += "\\\\x"; // bytea's hex input "\x…", its backslash escaped for COPY
        out += bytes.toHex();
    }
    void null()
    {
        separate();
        out += "\\N";
    }
};

void appendRow(QByteArray &out, const RequestRecord &record)
{
    Line line(out);
    RecordColumns::write(record, line);
    out += '\n';
}

// Rows go to the server in pieces of about this size, so that a batch of large payloads is never held twice.
constexpr qsizetype kSendBytes = 1 << 20;

} // namespace

namespace PgRecordCopier {

Outcome copy(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
             std::vector<RequestRecord>::const_iterator end, QString *error)
{
    PGconn *connection = Database::postgresHandle(db);
    const LibPq *pq = LibPq::get();
    if (!connection || !pq) {
        *error = connection ? u"libpq is not available"_s : u"not a PostgreSQL connection"_s;
        return Outcome::Failed;
    }
    const auto failed = [&](PGresult *result, const QString &what) {
        const char *state = result ? pq->resultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        const bool transient = Database::isTransientPostgresState(state ? state : "")
            || pq->status(connection) != CONNECTION_OK;
        *error = what + u": "_s + QString::fromUtf8(pq->errorMessage(connection)).trimmed();
        if (result)
            pq->clear(result);
        return transient ? Outcome::Transient : Outcome::Failed;
    };

    // Ends a copy that could not be sent whole, so that the connection can roll back.
    const auto abandon = [&] {
        const Outcome outcome = failed(nullptr, u"cannot send the records"_s);
        pq->putCopyEnd(connection, "the gateway stopped sending");
        while (PGresult *result = pq->getResult(connection))
            pq->clear(result);
        return outcome;
    };

    static const QByteArray sql = (u"COPY requests ("_s + RecordColumns::list() + u") FROM STDIN"_s).toUtf8();
    PGresult *start = pq->exec(connection, sql.constData());
    if (pq->resultStatus(start) != PGRES_COPY_IN)
        return failed(start, u"cannot start copying the records"_s);
    pq->clear(start);
    QByteArray buffer;
    for (auto it = begin; it != end; ++it) {
        appendRow(buffer, *it);
        if (buffer.size() < kSendBytes && std::next(it) != end)
            continue;
        if (pq->putCopyData(connection, buffer.constData(), int(buffer.size())) != 1)
            return abandon();
        buffer.clear();
    }
    if (pq->putCopyEnd(connection, nullptr) != 1)
        return abandon();
    Outcome outcome = Outcome::Ok;
    while (PGresult *result = pq->getResult(connection)) {
        if (pq->resultStatus(result) != PGRES_COMMAND_OK && outcome == Outcome::Ok)
            outcome = failed(result, u"cannot copy the records"_s);
        else
            pq->clear(result);
    }
    return outcome;
}

} // namespace PgRecordCopier
