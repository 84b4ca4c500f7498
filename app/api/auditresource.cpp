// audit: who changed what and when, newest first, paged by id ("before" = the last id of the previous page).
#include "apiresources.h"

#include "auditlog.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace AuditResource {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

ApiReply page(const ApiContext &context, const ApiCall &call)
{
    bool ok = true;
    const qint64 before
        = call.query.hasQueryItem(u"before"_s) ? call.query.queryItemValue(u"before"_s).toLongLong(&ok) : 0;
    if (!ok || before < 0)
        return ApiReply::error(422, u"invalid"_s, u"'before' must be an audit entry id"_s);
    const int limit = call.query.hasQueryItem(u"limit"_s) ? call.query.queryItemValue(u"limit"_s).toInt(&ok)
                                                          : kDefaultLimit;
    if (!ok || limit < 1 || limit > kMaxLimit)
        return ApiReply::error(422, u"invalid"_s, u"'limit' must be from 1 to %1"_s.arg(kMaxLimit));
    StoreError error;
    const auto entries = context.audit.page(before, limit, &error);
    if (!entries)
        return ApiReply::fromStoreError(error);
    QJsonArray array;
    for (const AuditEntry &entry : *entries)
        array.append(entry.toJson());
    // A full page may have more behind it; the client passes next_before back as 'before'.
    const QJsonValue next = entries->size() == limit ? QJsonValue(entries->last().id) : QJsonValue();
    return { 200, QJsonObject { { u"entries"_s, array }, { u"next_before"_s, next } } };
}

} // namespace AuditResource
