#include "fastquery.h"

#include "database.h"
#include "libpq.h"

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace {
// The SQL with '?' placeholders numbered $1, $2, … as PostgreSQL wants them (not inside quoted text).
QByteArray numberedPlaceholders(const QString &sql, int *count)
{
    QByteArray out;
    const QByteArray utf8 = sql.toUtf8();
    out.reserve(utf8.size() + utf8.size() / 4);
    bool quoted = false;
    *count = 0;
    for (const char c : utf8) {
        if (c == '\'')
            quoted = !quoted;
        if (c == '?' && !quoted)
            out += '$' + QByteArray::number(++*count);
        else
            out += c;
    }
    return out;
}

// PostgreSQL's text of an integer (or of the numeric a SUM of integers gives): an optional '-' and digits, ""
// for NULL. Read by hand: a usage report reads thousands of them, mostly "0", and QByteArrayView's
// toLongLong() cost a good part of the report. Anything else goes to it.
qint64 pgInteger(QByteArrayView text)
{
    const bool negative = text.startsWith('-');
    quint64 value = 0;
    const qsizetype digits = text.size() - negative;
    if (digits > 18)
        return text.toLongLong();
    for (const char c : text.sliced(negative)) {
        if (c < '0' || c > '9')
            return text.toLongLong();
        value = value * 10 + quint64(c - '0');
    }
    return negative ? -qint64(value) : qint64(value);
}

} // namespace

FastQuery::FastQuery(QSqlDatabase &db)
    : m_sqlite(Database::sqliteHandle(db))
    , m_pg(m_sqlite || !LibPq::get() ? nullptr : Database::postgresHandle(db))
{ }

FastQuery::~FastQuery()
{
    if (m_statement)
        sqlite3_finalize(m_statement);
    if (m_pgResult)
        LibPq::get()->clear(m_pgResult);
}

bool FastQuery::prepare(const QString &sql)
{
    if (m_sqlite) {
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v2(m_sqlite, utf8.constData(), int(utf8.size()), &m_statement, nullptr)
            == SQLITE_OK)
            return true;
        m_error = QString::fromUtf8(sqlite3_errmsg(m_sqlite));
        return false;
    }
    if (!m_pg) {
        m_error = u"the connection is neither SQLite nor PostgreSQL with libpq at hand"_s;
        return false;
    }
    int count = 0;
    m_pgSql = numberedPlaceholders(sql, &count);
    m_pgValues.assign(size_t(count), QByteArray());
    return true;
}

void FastQuery::resetIfActive()
{
    if (!m_active)
        return;
    sqlite3_reset(m_statement);
    m_active = false;
    m_pendingRow = false;
}

void FastQuery::bindText(int index, QByteArray text)
{
    if (index >= 0 && size_t(index) < m_pgValues.size())
        m_pgValues[size_t(index)] = std::move(text);
}

void FastQuery::bind(int index, qint64 value)
{
    resetIfActive();
    if (m_statement)
        sqlite3_bind_int64(m_statement, index + 1, value);
    else
        bindText(index, QByteArray::number(value));
}

void FastQuery::bind(int index, double value)
{
    resetIfActive();
    if (m_statement)
        sqlite3_bind_double(m_statement, index + 1, value);
    else
        bindText(index, QByteArray::number(value, 'g', 17));
}

void FastQuery::bind(int index, const QString &value)
{
    resetIfActive();
    const QByteArray utf8 = value.toUtf8(); // a null QString is '' (the text columns are NOT NULL)
    if (m_statement)
        sqlite3_bind_text(m_statement, index + 1, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    else
        bindText(index, utf8);
}

void FastQuery::bindBlob(int index, const QByteArray &bytes)
{
    resetIfActive();
    if (m_statement)
        sqlite3_bind_blob(m_statement, index + 1, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
    else
        bindText(index, "\\x" + bytes.toHex()); // bytea's text input
}

bool FastQuery::exec()
{
    if (m_pg) {
        const LibPq *pq = LibPq::get();
        if (m_pgResult)
            pq->clear(m_pgResult);
        m_pgRow = -1;
        std::vector<const char *> values;
        values.reserve(m_pgValues.size());
        for (const QByteArray &value : m_pgValues)
            values.push_back(value.constData()); // text format: the NUL-terminated text
        m_pgResult = pq->execParams(
            m_pg, m_pgSql.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        const ExecStatusType status = pq->resultStatus(m_pgResult);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
            return true;
        m_error = QString::fromUtf8(m_pgResult ? pq->resultErrorMessage(m_pgResult) : pq->errorMessage(m_pg))
                      .trimmed();
        return false;
    }
    if (!m_statement) {
        m_error = u"no statement prepared"_s;
        return false;
    }
    m_active = true;
    const int result = sqlite3_step(m_statement);
    if (result == SQLITE_ROW || result == SQLITE_DONE) {
        m_pendingRow = result == SQLITE_ROW;
        if (!m_pendingRow)
            resetIfActive(); // bindings stay for the next run
        return true;
    }
    m_error = QString::fromUtf8(sqlite3_errmsg(m_sqlite));
    resetIfActive();
    return false;
}

bool FastQuery::next()
{
    if (m_pg)
        return m_pgResult && ++m_pgRow < LibPq::get()->ntuples(m_pgResult);
    if (m_pendingRow) {
        m_pendingRow = false;
        return true;
    }
    if (m_active && sqlite3_step(m_statement) == SQLITE_ROW)
        return true;
    resetIfActive();
    return false;
}

const char *FastQuery::value(int column) const
{
    return LibPq::get()->getvalue(m_pgResult, m_pgRow, column); // "" for NULL
}

qint64 FastQuery::integer(int column) const
{
    if (m_pg)
        return pgInteger(QByteArrayView(value(column)));
    return sqlite3_column_int64(m_statement, column);
}

double FastQuery::real(int column) const
{
    if (m_pg)
        return QByteArrayView(value(column)).toDouble();
    return sqlite3_column_double(m_statement, column);
}

QByteArray FastQuery::blob(int column) const
{
    if (m_pg) { // bytea's text output, hex or escaped (Qt's driver asks for the latter); "" for NULL
        const LibPq *pq = LibPq::get();
        size_t size = 0;
        unsigned char *bytes
            = pq->unescapeBytea(reinterpret_cast<const unsigned char *>(value(column)), &size);
        const QByteArray blob(reinterpret_cast<const char *>(bytes), bytes ? qsizetype(size) : 0);
        pq->freemem(bytes);
        return blob;
    }
    const auto *bytes = static_cast<const char *>(sqlite3_column_blob(m_statement, column));
    return QByteArray(bytes, bytes ? sqlite3_column_bytes(m_statement, column) : 0);
}

QString FastQuery::text(int column) const
{
    if (m_pg)
        return QString::fromUtf8(value(column));
    const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(bytes, sqlite3_column_bytes(m_statement, column));
}
