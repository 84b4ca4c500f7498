#include "recordstore.h"

#include "auditlog.h"
#include "logselection.h"
#include "sqlexec.h"
#include "usagerollups.h"

#include <QBuffer>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString iso(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

AuditEntry entry(const Actor &actor, const QDateTime &at, const QString &action, const QString &target)
{
    AuditEntry e;
    e.at = at;
    e.actorMemberId = actor.memberId;
    e.actorEmail = actor.email;
    e.action = action;
    e.target = target;
    return e;
}

} // namespace

RecordStore::RecordStore(DatabaseLocation location)
    : m_connections(std::move(location), u"gateway.records"_s)
{ }

std::optional<UsageReport> RecordStore::usage(const RecordFilter &filter, UsageBucket bucket,
    UsageDimension dimension, StoreError *error, UsageReport::Rows rows)
{
    if (const QString problem = UsageReport::rangeProblem(filter, bucket); !problem.isEmpty()) {
        error->set(StoreError::Kind::Invalid, problem);
        return std::nullopt;
    }
    const QString failure = u"cannot read the usage"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    QString sqlError;
    auto report = UsageReport::query(db, filter, bucket, dimension, &sqlError, rows);
    if (!report)
        *error = StoreError::database(failure, sqlError);
    return report;
}

std::optional<LogPage> RecordStore::logPage(const LogQuery &query, StoreError *error)
{
    const QString failure = u"cannot read the request records"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    // The newest id first, and the page bounded by it: a record written meanwhile is left for the next call
    // (after=latest_id) instead of showing up twice.
    QSqlQuery newest(db);
    if (!Sql::exec(newest, u"SELECT MAX(id) FROM requests"_s, {})) {
        *error = StoreError::database(failure, newest.lastError());
        return std::nullopt;
    }
    LogPage page;
    page.latestId = newest.next() ? newest.value(0).toLongLong() : 0;
    newest.finish();
    if (page.latestId == 0) {
        page.records = "[]";
        return page;
    }
    QByteArray lines;
    QBuffer buffer(&lines);
    buffer.open(QIODevice::WriteOnly);
    QString sqlError;
    const auto written = RecordExporter::exportSelected(db, RecordExporter::Format::JsonLines, buffer,
        LogSelection::of(query, page.latestId, m_connections.location().kind), &sqlError);
    if (!written) {
        *error = StoreError::database(failure, sqlError);
        return std::nullopt;
    }
    QByteArrayList objects = lines.trimmed().split('\n');
    objects.removeAll(QByteArray());
    if (query.afterId) {
        // The oldest new records, read in id order: shown newest first, and followed from the last one read
        // when more remain.
        std::reverse(objects.begin(), objects.end());
        if (written->count == query.limit)
            page.latestId = written->lastId;
    } else {
        page.nextBefore = written->count == query.limit ? written->lastId : 0;
    }
    page.records = '[' + objects.join(',') + ']';
    return page;
}

std::optional<QByteArray> RecordStore::record(qint64 id, bool withBodies, QString *member, StoreError *error)
{
    const QString failure = u"cannot read the request records"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery owner(db);
    if (!Sql::exec(owner, u"SELECT member FROM requests WHERE id = ?"_s, { id })) {
        *error = StoreError::database(failure, owner.lastError());
        return std::nullopt;
    }
    if (!owner.next())
        return QByteArray();
    *member = owner.value(0).toString();
    QByteArray line;
    QBuffer buffer(&line);
    buffer.open(QIODevice::WriteOnly);
    RecordExporter::Selection selection { u"id = ?"_s, { id }, false, 1, withBodies };
    QString sqlError;
    if (!RecordExporter::exportSelected(
            db, RecordExporter::Format::JsonLines, buffer, selection, &sqlError)) {
        *error = StoreError::database(failure, sqlError);
        return std::nullopt;
    }
    return line.trimmed();
}

std::optional<qint64> RecordStore::latestRecordId(StoreError *error)
{
    const QString failure = u"cannot read the newest record"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery query(db);
    if (!Sql::exec(query, u"SELECT MAX(id) FROM requests"_s, {})) {
        *error = StoreError::database(failure, query.lastError());
        return std::nullopt;
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

bool RecordStore::exportRecords(
    RecordExporter::Format format, const QString &member, QIODevice &out, StoreError *error)
{
    const QString failure = u"cannot export the records"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return false;
    RecordExporter::Selection selection;
    if (!member.isEmpty()) {
        selection.where = u"member = ?"_s;
        selection.values = { member };
    }
    QString sqlError;
    if (RecordExporter::exportSelected(db, format, out, selection, &sqlError))
        return true;
    *error = StoreError::database(failure, sqlError);
    return false;
}

std::optional<Removed> RecordStore::deleteRecords(
    const QString &member, const Actor &actor, const QDateTime &at, StoreError *error)
{
    const QString failure = member.isEmpty() ? u"cannot delete the records"_s
                                             : u"cannot delete the records of %1"_s.arg(member);
    AuditedChange audited(m_connections, failure);
    if (!audited.begin(error))
        return std::nullopt;
    const auto deleted = deleteRecordsIn(audited.db(), member, failure, error);
    if (!deleted)
        return std::nullopt;
    Removed removed;
    removed.records = *deleted;
    AuditEntry audit = entry(actor, at, member.isEmpty() ? u"data.delete_all"_s : u"data.delete_member"_s,
        member.isEmpty() ? u"data"_s : u"data:"_s + member);
    audit.after = { { u"records_deleted"_s, removed.records } };
    if (!audited.finish({ audit }, error))
        return std::nullopt;
    Database::forgetDeleted(audited.db());
    return removed;
}

std::optional<qint64> RecordStore::deleteRecordsIn(
    QSqlDatabase &db, const QString &member, const QString &failure, StoreError *error)
{
    const QString where = member.isEmpty() ? QString() : u" WHERE member = ?"_s;
    const QVariantList values = member.isEmpty() ? QVariantList() : QVariantList { member };
    QSqlQuery query(db);
    if (!Sql::exec(query, u"DELETE FROM requests"_s + where, values)) {
        *error = StoreError::database(failure, query.lastError());
        return std::nullopt;
    }
    const qint64 deleted = query.numRowsAffected();
    if (QString sqlError; !UsageRollups::remove(db, member, &sqlError)) {
        *error = StoreError::database(failure, sqlError);
        return std::nullopt;
    }
    return deleted;
}

std::optional<Removed> RecordStore::purge(const QDateTime &payloadsBefore, const QDateTime &recordsBefore,
    const Actor &actor, const QDateTime &at, StoreError *error)
{
    const QString failure = u"cannot purge the records"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    Removed removed;
    if (payloadsBefore.isValid()) {
        const auto cleared = inChunks(db,
            u"UPDATE requests SET request_body = NULL, response_body = NULL WHERE id IN "
            "(SELECT id FROM requests WHERE created_at < ? AND (request_body IS NOT NULL "
            "OR response_body IS NOT NULL) LIMIT %1)"_s,
            iso(payloadsBefore), failure, error);
        if (!cleared)
            return std::nullopt;
        removed.payloads = *cleared;
    }
    if (recordsBefore.isValid()) {
        const auto deleted = inChunks(db,
            u"DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE created_at < ? LIMIT %1)"_s,
            iso(recordsBefore), failure, error);
        if (!deleted)
            return std::nullopt;
        removed.records = *deleted;
    }
    // Minute rows are kept for their window whatever the policy: they hold nothing the hourly rows do not.
    qint64 minuteRows = 0;
    if (QString sqlError; !UsageRollups::pruneMinutes(
            db, at.addSecs(-UsageRollups::kMinuteHours * 3600), &minuteRows, &sqlError)) {
        *error = StoreError::database(failure, sqlError);
        return std::nullopt;
    }
    if (removed.records == 0 && removed.payloads == 0)
        return removed;
    AuditEntry audit = entry(actor, at, u"data.purge"_s, u"data"_s);
    audit.after = { { u"records_deleted"_s, removed.records }, { u"payloads_removed"_s, removed.payloads } };
    if (payloadsBefore.isValid())
        audit.after.insert(u"payloads_before"_s, iso(payloadsBefore));
    if (recordsBefore.isValid())
        audit.after.insert(u"records_before"_s, iso(recordsBefore));
    AuditedChange audited(m_connections, failure);
    if (!audited.begin(error) || !audited.finish({ audit }, error))
        return std::nullopt;
    Database::forgetDeleted(db);
    return removed;
}

std::optional<qint64> RecordStore::inChunks(QSqlDatabase &db, const QString &statement, const QString &before,
    const QString &failure, StoreError *error)
{
    qint64 total = 0;
    for (;;) {
        WriteTransaction transaction(db);
        QString sqlError;
        if (!transaction.begin(&sqlError)) {
            *error = StoreError::database(failure, transaction.lastError());
            return std::nullopt;
        }
        QSqlQuery query(db);
        if (!Sql::exec(query, statement.arg(kChunkRows), { before })) {
            *error = StoreError::database(failure, query.lastError());
            return std::nullopt;
        }
        const qint64 changed = query.numRowsAffected();
        query.finish();
        if (!transaction.commit(&sqlError)) {
            *error = StoreError::database(failure, transaction.lastError());
            return std::nullopt;
        }
        total += changed;
        if (changed < kChunkRows)
            return total;
    }
}
