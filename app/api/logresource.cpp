// logs: the request records, newest first, in cursor pages ("before" = next_before of the previous page) or
// following new ones ("after" = latest_id of the previous answer), filtered; logs/{id}: one record with its
// payloads where the policy retained them and the role allows.
#include "apiresources.h"

#include "recordstore.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

} // namespace

namespace LogResource {

ApiReply page(const ApiContext &context, const ApiCall &call)
{
    ApiReply refusal;
    auto filter = RecordParams::filter(context, call, &refusal);
    if (!filter)
        return refusal;
    LogQuery query;
    query.filter = *filter;
    // Logs reach back as far as the records do unless the client names a start.
    if (!call.query.hasQueryItem(u"from"_s))
        query.filter.from = QDateTime();
    if (!call.query.hasQueryItem(u"to"_s))
        query.filter.to = QDateTime();
    bool ok = true;
    if (call.query.hasQueryItem(u"status"_s)) {
        const QString status = call.query.queryItemValue(u"status"_s);
        if (status == "error"_L1)
            query.errorsOnly = true;
        else if (query.status = status.toInt(&ok); !ok || *query.status < 100 || *query.status > 599)
            return ApiReply::error(
                422, u"invalid"_s, u"'status' must be an HTTP status such as 429, or \"error\""_s);
    }
    query.finishReason = call.query.queryItemValue(u"finish_reason"_s);
    query.beforeId
        = call.query.hasQueryItem(u"before"_s) ? call.query.queryItemValue(u"before"_s).toLongLong(&ok) : 0;
    if (!ok || query.beforeId < 0)
        return ApiReply::error(
            422, u"invalid"_s, u"'before' must be a record id (next_before of the previous page)"_s);
    if (call.query.hasQueryItem(u"after"_s)) {
        if (call.query.hasQueryItem(u"before"_s))
            return ApiReply::error(422, u"invalid"_s,
                u"'after' and 'before' cannot be combined: page back with 'before', follow new "
                "records with 'after'"_s);
        query.afterId = call.query.queryItemValue(u"after"_s).toLongLong(&ok);
        if (!ok || *query.afterId < 0)
            return ApiReply::error(
                422, u"invalid"_s, u"'after' must be a record id (latest_id of the previous answer)"_s);
    }
    query.limit = call.query.hasQueryItem(u"limit"_s) ? call.query.queryItemValue(u"limit"_s).toInt(&ok)
                                                      : kDefaultLimit;
    if (!ok || query.limit < 1 || query.limit > kMaxLimit)
        return ApiReply::error(422, u"invalid"_s, u"'limit' must be from 1 to %1"_s.arg(kMaxLimit));

    StoreError error;
    const auto page = context.records.logPage(query, &error);
    if (!page)
        return ApiReply::fromStoreError(error);
    const auto idOrNull = [](qint64 id) { return id > 0 ? QByteArray::number(id) : "null"_ba; };
    // The records are already JSON (the export's fields): wrapped as they are, not parsed again.
    const QByteArray body = "{\"records\":" + page->records + ",\"next_before\":" + idOrNull(page->nextBefore)
        + ",\"latest_id\":" + idOrNull(page->latestId) + '}';
    ApiReply reply;
    reply.writer = [body](QIODevice &out, QString *) { return out.write(body) == body.size(); };
    return reply;
}

ApiReply one(const ApiContext &context, const ApiCall &call)
{
    const QString segment = call.params.value(u"id"_s);
    bool ok = false;
    const qint64 id = segment.toLongLong(&ok);
    if (!ok || id <= 0)
        return ApiReply::error(404, u"not_found"_s, u"there is no record %1"_s.arg(segment));
    QString member;
    StoreError error;
    // Read without payloads first: whether they may be shown depends on whose record it is.
    auto record = context.records.record(id, false, &member, &error);
    if (!record)
        return ApiReply::fromStoreError(error);
    if (record->isEmpty())
        return ApiReply::error(404, u"not_found"_s, u"there is no record %1"_s.arg(id));
    if (Permissions::recordScope(call.actor.role) != RecordScope::All
        && member.compare(call.actor.email, Qt::CaseInsensitive) != 0)
        return ApiReply::forbidden(Decision::deny(
            u"your role (%1) sees only the records of your own keys"_s.arg(Roles::name(call.actor.role))));
    const bool allowed = Permissions::seesPayloadsOf(call.actor, member);
    if (allowed)
        record = context.records.record(id, true, &member, &error);
    if (!record)
        return ApiReply::fromStoreError(error);
    QJsonObject object = QJsonDocument::fromJson(*record).object();
    const bool retained = object.contains(u"request_body"_s) || object.contains(u"response_body"_s);
    // Tells the dashboard why there is nothing to show: the policy kept none, or the role may not see it.
    object.insert(u"payloads"_s, !allowed ? u"not_allowed"_s : retained ? u"included"_s : u"not_retained"_s);
    return { 200, object };
}

} // namespace LogResource
