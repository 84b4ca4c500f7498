#include "threadconnections.h"

#include "database.h"
#include "sqlexec.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

// Any constant will do, as long as every build uses the same; distinct from the migration lock.
constexpr qint64 kPostgresMemberLock = 0x6c6c6d67776du; // "llmgwm"

} // namespace

ThreadConnections::ThreadConnections(DatabaseLocation location, QString prefix)
    : m_location(std::move(location))
    , m_prefix(std::move(prefix))
{
}

ThreadConnections::~ThreadConnections()
{
    QMutexLocker locker(&m_mutex);
    for (const QString &name : std::as_const(m_names))
        QSqlDatabase::removeDatabase(name);
}

QSqlDatabase ThreadConnections::connection(QString *error)
{
    const QString name = u"%1.%2.%3"_s.arg(m_prefix).arg(quintptr(this), 0, 16)
                             .arg(quintptr(QThread::currentThreadId()), 0, 16);
    QSqlDatabase db = Database::open(m_location, name, error);
    if (db.isValid()) {
        QMutexLocker locker(&m_mutex);
        if (!m_names.contains(name))
            m_names.append(name);
    }
    return db;
}

WriteTransaction::WriteTransaction(QSqlDatabase &db)
    : m_db(db)
{
}

WriteTransaction::~WriteTransaction()
{
    if (!m_open)
        return;
    if (Database::isPostgres(m_db)) {
        m_db.rollback();
    } else {
        QString ignored;
        Sql::exec(m_db, u"ROLLBACK"_s, &ignored);
    }
}

bool WriteTransaction::begin(QString *error)
{
    if (Database::isPostgres(m_db)) {
        if (!m_db.transaction()) {
            *error = m_db.lastError().text();
            return false;
        }
        m_open = true;
        QSqlQuery lock(m_db);
        lock.prepare(u"SELECT pg_advisory_xact_lock(?)"_s);
        lock.addBindValue(kPostgresMemberLock);
        if (!lock.exec()) {
            *error = lock.lastError().text();
            return false;
        }
        return true;
    }
    m_open = Sql::exec(m_db, u"BEGIN IMMEDIATE"_s, error);
    return m_open;
}

bool WriteTransaction::commit(QString *error)
{
    const bool ok = Database::isPostgres(m_db) ? m_db.commit() : Sql::exec(m_db, u"COMMIT"_s, error);
    if (!ok && Database::isPostgres(m_db))
        *error = m_db.lastError().text();
    if (ok)
        m_open = false;
    return ok;
}
