#include "policystore.h"

#include "auditlog.h"
#include "database.h"
#include "sqlexec.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

const QString kSettingsKey = u"policies"_s;

} // namespace

PolicyStore::PolicyStore(DatabaseLocation location, RetentionPolicy configured)
    : m_connections(std::move(location), u"gateway.policies"_s)
    , m_policy(configured)
    , m_level(configured.level)
{ }

bool PolicyStore::refresh(StoreError *error)
{
    const QString failure = u"cannot read the policies"_s;
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid()) {
        *error = StoreError::database(failure, sqlError);
        return false;
    }
    QSqlQuery query(db);
    if (!Sql::exec(query, u"SELECT value FROM settings WHERE key = ?"_s, { kSettingsKey })) {
        *error = StoreError::database(failure, query.lastError());
        return false;
    }
    if (!query.next())
        return true; // nothing stored: the configured policy stands
    QString patchError;
    const QJsonObject stored = QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object();
    QMutexLocker locker(&m_mutex);
    const auto policy = RetentionPolicy().patched(stored, &patchError);
    if (!policy) {
        error->set(StoreError::Kind::Failed,
            u"the stored policies are not readable (%1); they stay as they were"_s.arg(patchError));
        return false;
    }
    m_policy = *policy;
    m_level.store(policy->level, std::memory_order_relaxed);
    return true;
}

RetentionPolicy PolicyStore::current() const
{
    QMutexLocker locker(&m_mutex);
    return m_policy;
}

bool PolicyStore::update(
    const RetentionPolicy &next, const Actor &actor, const QDateTime &at, StoreError *error)
{
    const QString failure = u"cannot store the policies"_s;
    const RetentionPolicy before = current();
    AuditedChange audited(m_connections, failure);
    if (!audited.begin(error))
        return false;
    QSqlDatabase &db = audited.db();
    QSqlQuery query(db);
    const QString upsert = Database::isPostgres(db)
        ? u"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s
        : u"INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"_s;
    // PostgreSQL prepares on the server, which already waits for the table's lock: a failed prepare is this
    // write's failure (busy), not a later "syntax error" from executing nothing.
    const bool prepared = query.prepare(upsert);
    query.addBindValue(kSettingsKey);
    query.addBindValue(QString::fromUtf8(QJsonDocument(next.toJson()).toJson(QJsonDocument::Compact)));
    if (!prepared || !query.exec()) {
        *error = StoreError::database(failure, query.lastError());
        return false;
    }
    const AuditEntry entry { 0, at, actor.memberId, actor.email, u"policy.update"_s, u"policies"_s,
        before.toJson(), next.toJson() };
    if (!audited.finish({ entry }, error))
        return false;
    QMutexLocker locker(&m_mutex);
    m_policy = next;
    m_level.store(next.level, std::memory_order_relaxed);
    return true;
}
