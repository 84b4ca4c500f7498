#include "auditlog.h"

#include "sqlexec.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

QVariant jsonOrNull(const QJsonObject &object)
{
    if (object.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject objectOf(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

} // namespace

QJsonObject AuditEntry::toJson() const
{
    QJsonObject json {
        { u"id"_s, id },
        { u"at"_s, at.toUTC().toString(Qt::ISODateWithMs) },
        { u"actor_member_id"_s, actorMemberId > 0 ? QJsonValue(actorMemberId) : QJsonValue() },
        { u"actor_email"_s, actorEmail },
        { u"action"_s, action },
        { u"target"_s, target },
        { u"before"_s, before.isEmpty() ? QJsonValue() : QJsonValue(before) },
        { u"after"_s, after.isEmpty() ? QJsonValue() : QJsonValue(after) },
    };
    return json;
}

AuditLog::AuditLog(DatabaseLocation location)
    : m_connections(std::move(location), u"gateway.audit"_s)
{ }

AuditLog::~AuditLog() = default;

bool AuditLog::append(QSqlDatabase &db, const AuditEntry &entry, QString *error)
{
    QSqlQuery insert(db);
    // A null QString would bind as NULL: the empty email and target are bound as "".
    if (!Sql::exec(insert,
            u"INSERT INTO audit_log (at, actor_member_id, actor_email, action, target, before_json, "
            u"after_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
            { entry.at.toUTC().toString(Qt::ISODateWithMs),
                entry.actorMemberId > 0 ? QVariant(entry.actorMemberId)
                                        : QVariant(QMetaType::fromType<qint64>()),
                entry.actorEmail.isNull() ? u""_s : entry.actorEmail, entry.action,
                entry.target.isNull() ? u""_s : entry.target, jsonOrNull(entry.before),
                jsonOrNull(entry.after) })) {
        *error = u"cannot write the audit log: "_s + insert.lastError().text();
        return false;
    }
    return true;
}

std::optional<QList<AuditEntry>> AuditLog::page(qint64 beforeId, int limit, StoreError *error)
{
    const QString failure = u"cannot read the audit log"_s;
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid()) {
        *error = StoreError::database(failure, sqlError);
        return std::nullopt;
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!Sql::exec(query,
            u"SELECT id, at, actor_member_id, actor_email, action, target, before_json, after_json "
            "FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?"_s,
            { beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max(), limit })) {
        *error = StoreError::database(failure, query.lastError());
        return std::nullopt;
    }
    QList<AuditEntry> entries;
    while (query.next()) {
        AuditEntry entry;
        entry.id = query.value(0).toLongLong();
        entry.at = QDateTime::fromString(query.value(1).toString(), Qt::ISODateWithMs);
        entry.actorMemberId = query.value(2).toLongLong();
        entry.actorEmail = query.value(3).toString();
        entry.action = query.value(4).toString();
        entry.target = query.value(5).toString();
        entry.before = objectOf(query.value(6));
        entry.after = objectOf(query.value(7));
        entries.append(std::move(entry));
    }
    return entries;
}

AuditedChange::AuditedChange(ThreadConnections &connections, QString failure)
    : m_connections(connections)
    , m_failure(std::move(failure))
{ }

bool AuditedChange::begin(StoreError *error)
{
    QString sqlError;
    m_db = m_connections.connection(&sqlError);
    if (!m_db.isValid()) {
        *error = StoreError::database(m_failure, sqlError);
        return false;
    }
    m_transaction.emplace(m_db);
    if (m_transaction->begin(&sqlError))
        return true;
    *error = StoreError::database(m_failure, m_transaction->lastError());
    return false;
}

bool AuditedChange::finish(const QList<AuditEntry> &entries, StoreError *error)
{
    QString sqlError;
    for (const AuditEntry &entry : entries) {
        if (!AuditLog::append(m_db, entry, &sqlError)) {
            *error = StoreError::database(m_failure, sqlError);
            return false;
        }
    }
    if (m_transaction->commit(&sqlError))
        return true;
    *error = StoreError::database(m_failure, m_transaction->lastError());
    return false;
}
