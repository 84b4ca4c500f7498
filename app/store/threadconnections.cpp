#include "threadconnections.h"

#include "database.h"
#include "sqlexec.h"

#include <QMutex>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <atomic>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// Any constant will do, as long as every build uses the same; distinct from the migration lock.
constexpr qint64 kPostgresMemberLock = 0x6c6c6d67776du; // "llmgwm"

} // namespace

struct ThreadConnections::Registry
{
    QMutex mutex;
    QSet<QString> names;
};

namespace {

// This thread's connections of every store; closed when the thread ends, unless their store closed them
// first.
class ConnectionsOfThisThread final
{
public:
    ~ConnectionsOfThisThread()
    {
        for (const auto &[registry, name] : m_opened) {
            QMutexLocker locker(&registry->mutex);
            if (registry->names.remove(name))
                QSqlDatabase::removeDatabase(name);
        }
    }
    void add(std::shared_ptr<ThreadConnections::Registry> registry, const QString &name)
    {
        m_opened.emplace_back(std::move(registry), name);
    }

private:
    std::vector<std::pair<std::shared_ptr<ThreadConnections::Registry>, QString>> m_opened;
};

thread_local ConnectionsOfThisThread t_connections;

quint64 threadSerial()
{
    static std::atomic<quint64> next { 1 };
    thread_local const quint64 serial = next.fetch_add(1, std::memory_order_relaxed);
    return serial;
}

} // namespace

ThreadConnections::ThreadConnections(DatabaseLocation location, QString prefix)
    : m_location(std::move(location))
    , m_prefix(std::move(prefix))
    , m_registry(std::make_shared<Registry>())
{ }

ThreadConnections::~ThreadConnections()
{
    // The threads that opened these are normally idle or gone by now; a closed, unused connection may be
    // removed from any thread.
    QMutexLocker locker(&m_registry->mutex);
    for (const QString &name : std::as_const(m_registry->names))
        QSqlDatabase::removeDatabase(name);
    m_registry->names.clear();
}

QSqlDatabase ThreadConnections::connection(QString *error)
{
    const QString name = u"%1.%2.%3"_s.arg(m_prefix).arg(quintptr(this), 0, 16).arg(threadSerial());
    const bool known = QSqlDatabase::contains(name);
    QSqlDatabase db = Database::open(m_location, name, error);
    if (!known && QSqlDatabase::contains(name)) {
        QMutexLocker locker(&m_registry->mutex);
        m_registry->names.insert(name);
        t_connections.add(m_registry, name);
    }
    return db;
}

QSqlDatabase ThreadConnections::connection(const QString &failure, StoreError *error)
{
    QString sqlError;
    QSqlDatabase db = connection(&sqlError);
    if (!db.isValid())
        *error = StoreError::database(failure, sqlError);
    return db;
}

int ThreadConnections::openCount() const
{
    QMutexLocker locker(&m_registry->mutex);
    return int(m_registry->names.size());
}

WriteTransaction::WriteTransaction(QSqlDatabase &db)
    : m_db(db)
{ }

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

bool WriteTransaction::failed(const QSqlError &error, QString *text)
{
    m_error = error;
    *text = error.text();
    return false;
}

bool WriteTransaction::begin(QString *error)
{
    if (Database::isPostgres(m_db)) {
        if (!m_db.transaction())
            return failed(m_db.lastError(), error);
        m_open = true;
        QSqlQuery lock(m_db);
        if (!lock.exec(u"SET LOCAL lock_timeout = %1"_s.arg(Database::kLockWaitMs)))
            return failed(lock.lastError(), error);
        if (!Sql::exec(lock, u"SELECT pg_advisory_xact_lock(?)"_s, { kPostgresMemberLock }))
            return failed(lock.lastError(), error);
        return true;
    }
    QSqlQuery begin(m_db);
    if (!begin.exec(u"BEGIN IMMEDIATE"_s))
        return failed(begin.lastError(), error);
    m_open = true;
    return true;
}

bool WriteTransaction::commit(QString *error)
{
    if (Database::isPostgres(m_db)) {
        if (!m_db.commit())
            return failed(m_db.lastError(), error);
    } else {
        QSqlQuery commit(m_db);
        if (!commit.exec(u"COMMIT"_s))
            return failed(commit.lastError(), error);
    }
    m_open = false;
    return true;
}
