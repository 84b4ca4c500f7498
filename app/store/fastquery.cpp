#include "fastquery.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

FastQuery::FastQuery(QSqlDatabase &db)
    : m_db(db)
{
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_sqlite = *static_cast<sqlite3 *const *>(handle.constData());
}

bool FastQuery::isSqlite(const QSqlDatabase &db)
{
    return db.driverName() == "QSQLITE"_L1;
}

FastQuery::~FastQuery()
{
    if (m_statement)
        sqlite3_finalize(m_statement);
}

bool FastQuery::prepare(const QString &sql)
{
    if (m_sqlite) {
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v2(m_sqlite, utf8.constData(), int(utf8.size()), &m_statement, nullptr) == SQLITE_OK)
            return true;
        m_error = QString::fromUtf8(sqlite3_errmsg(m_sqlite));
        return false;
    }
    // Positional: Qt looks a named placeholder up by comparing it with every name of the statement, which
    // grows with the square of the placeholders of a multi-row statement.
    m_query = std::make_unique<QSqlQuery>(m_db);
    m_query->setForwardOnly(true);
    if (m_query->prepare(sql))
        return true;
    m_error = m_query->lastError().text();
    return false;
}

void FastQuery::resetIfActive()
{
    if (!m_active)
        return;
    sqlite3_reset(m_statement);
    m_active = false;
    m_pendingRow = false;
}

void FastQuery::bind(int index, qint64 value)
{
    resetIfActive();
    if (m_statement)
        sqlite3_bind_int64(m_statement, index + 1, value);
    else
        m_query->bindValue(index, value);
}

void FastQuery::bind(int index, double value)
{
    resetIfActive();
    if (m_statement)
        sqlite3_bind_double(m_statement, index + 1, value);
    else
        m_query->bindValue(index, value);
}

void FastQuery::bind(int index, const QString &value)
{
    resetIfActive();
    if (m_statement) {
        const QByteArray utf8 = value.toUtf8();
        sqlite3_bind_text(m_statement, index + 1, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    } else {
        m_query->bindValue(index, value.isNull() ? u""_s : value);
    }
}

bool FastQuery::exec()
{
    if (!m_statement) {
        if (m_query->exec())
            return true;
        m_error = m_query->lastError().text();
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
    if (!m_statement)
        return m_query->next();
    if (m_pendingRow) {
        m_pendingRow = false;
        return true;
    }
    if (m_active && sqlite3_step(m_statement) == SQLITE_ROW)
        return true;
    resetIfActive();
    return false;
}

qint64 FastQuery::integer(int column) const
{
    return m_statement ? sqlite3_column_int64(m_statement, column) : m_query->value(column).toLongLong();
}

double FastQuery::real(int column) const
{
    return m_statement ? sqlite3_column_double(m_statement, column) : m_query->value(column).toDouble();
}

QString FastQuery::text(int column) const
{
    if (!m_statement)
        return m_query->value(column).toString();
    const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(bytes, sqlite3_column_bytes(m_statement, column));
}
