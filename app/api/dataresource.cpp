// export: every request record, as JSON lines or CSV. data: a member's own records (export and deletion),
// and the deletion of all records. Corrections to a member's profile go through PATCH /api/v1/members/{id}.
#include "apiresources.h"

#include "clock.h"
#include "memberstore.h"
#include "recordstore.h"

using namespace Qt::StringLiterals;

namespace {

std::optional<RecordExporter::Format> formatOf(const ApiCall &call, ApiReply *refusal)
{
    const QString name = call.query.queryItemValue(u"format"_s);
    if (name.isEmpty() || name == "jsonl"_L1)
        return RecordExporter::Format::JsonLines;
    if (name == "csv"_L1)
        return RecordExporter::Format::Csv;
    *refusal = ApiReply::error(422, u"invalid"_s, u"'format' must be jsonl or csv"_s);
    return std::nullopt;
}

ApiReply exportReply(const ApiContext &context, RecordExporter::Format format, const QString &member)
{
    ApiReply reply;
    const bool csv = format == RecordExporter::Format::Csv;
    reply.contentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
    reply.fileName = (member.isEmpty() ? "llm-gateway-records" : "llm-gateway-my-records")
        + QByteArray(csv ? ".csv" : ".jsonl");
    reply.writer = [&records = context.records, format, member](QIODevice &out, QString *error) {
        StoreError storeError;
        if (records.exportRecords(format, member, out, &storeError))
            return true;
        *error = storeError.message;
        return false;
    };
    return reply;
}

// The member a data/members/{who} path names: "me", a member id, or (for records of someone no longer a
// member) an email address. *email is what their records carry.
bool resolve(
    const ApiContext &context, const ApiCall &call, const QString &who, QString *email, ApiReply *refusal)
{
    if (who == "me"_L1) {
        *email = call.actor.email;
        return true;
    }
    if (who.contains(u'@')) {
        *email = Emails::normalized(who);
        return true;
    }
    bool ok = false;
    const qint64 id = who.toLongLong(&ok);
    StoreError error;
    const auto member = ok ? context.members.member(id, &error) : std::nullopt;
    if (!member) {
        *refusal = ok && error.kind == StoreError::Kind::Failed
            ? ApiReply::fromStoreError(error)
            : ApiReply::error(404, u"not_found"_s, u"there is no member %1"_s.arg(who));
        return false;
    }
    *email = member->email;
    return true;
}

} // namespace

namespace DataResource {

ApiReply exportAll(const ApiContext &context, const ApiCall &call)
{
    ApiReply refusal;
    const auto format = formatOf(call, &refusal);
    return format ? exportReply(context, *format, QString()) : refusal;
}

ApiReply deleteAll(const ApiContext &context, const ApiCall &call)
{
    if (call.body.value(u"confirm"_s).toString() != "delete all data"_L1)
        return ApiReply::error(422, u"confirmation_required"_s,
            u"deleting every request record cannot be undone: send {\"confirm\": \"delete all "
            "data\"} to go ahead"_s);
    StoreError error;
    const auto removed
        = context.records.deleteRecords(QString(), call.auditActor(), context.clock.now(), &error);
    if (!removed)
        return ApiReply::fromStoreError(error);
    return { 200, QJsonObject { { u"records_deleted"_s, removed->records } } };
}

ApiReply exportMember(const ApiContext &context, const ApiCall &call)
{
    QString email;
    ApiReply refusal;
    if (!resolve(context, call, call.params.value(u"member"_s), &email, &refusal))
        return refusal;
    if (const Decision decision = Permissions::exportMemberData(call.actor, email); !decision)
        return ApiReply::forbidden(decision);
    const auto format = formatOf(call, &refusal);
    return format ? exportReply(context, *format, email) : refusal;
}

ApiReply deleteMember(const ApiContext &context, const ApiCall &call)
{
    QString email;
    ApiReply refusal;
    if (!resolve(context, call, call.params.value(u"member"_s), &email, &refusal))
        return refusal;
    if (const Decision decision = Permissions::deleteMemberData(call.actor, email); !decision)
        return ApiReply::forbidden(decision);
    StoreError error;
    const auto removed = context.records.deleteRecords(email, call.auditActor(), context.clock.now(), &error);
    if (!removed)
        return ApiReply::fromStoreError(error);
    return { 200, QJsonObject { { u"member"_s, email }, { u"records_deleted"_s, removed->records } } };
}

} // namespace DataResource
