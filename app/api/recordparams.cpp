// The filters that usage, logs and export share, read from the query string, with the role's scope applied.
#include "apicall.h"

#include "clock.h"

using namespace Qt::StringLiterals;

namespace RecordParams {

namespace {

std::optional<QDateTime> time(const ApiCall &call, const QString &name, ApiReply *refusal)
{
    if (!call.query.hasQueryItem(name))
        return QDateTime();
    const QString text = call.query.queryItemValue(name, QUrl::FullyDecoded);
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid()) // a bare date means its midnight, UTC
        at = QDateTime(QDate::fromString(text, Qt::ISODate), QTime(0, 0), Qt::UTC);
    if (!at.isValid()) {
        *refusal = ApiReply::error(422, u"invalid"_s,
            u"'%1' must be an ISO 8601 time such as 2026-11-01T00:00:00Z or a date such as "
            "2026-11-01"_s.arg(name));
        return std::nullopt;
    }
    return at.toUTC();
}

} // namespace

std::optional<RecordFilter> filter(const ApiContext &context, const ApiCall &call, ApiReply *refusal)
{
    RecordFilter filter;
    const auto from = time(call, u"from"_s, refusal);
    const auto to = from ? time(call, u"to"_s, refusal) : std::nullopt;
    if (!from || !to)
        return std::nullopt;
    filter.to = to->isValid() ? *to : context.clock.now().toUTC();
    filter.from = from->isValid() ? *from : filter.to.addDays(-30);
    filter.model = call.query.queryItemValue(u"model"_s, QUrl::FullyDecoded);
    filter.provider = call.query.queryItemValue(u"provider"_s, QUrl::FullyDecoded);
    filter.member = Emails::normalized(call.query.queryItemValue(u"member"_s, QUrl::FullyDecoded));
    if (call.query.hasQueryItem(u"key"_s)) {
        bool ok = false;
        filter.apiKeyId = call.query.queryItemValue(u"key"_s).toLongLong(&ok);
        if (!ok || *filter.apiKeyId <= 0) {
            *refusal = ApiReply::error(422, u"invalid"_s, u"'key' must be an API key id"_s);
            return std::nullopt;
        }
    }
    if (Permissions::recordScope(call.actor.role) != RecordScope::All) {
        if (!filter.member.isEmpty() && filter.member.compare(call.actor.email, Qt::CaseInsensitive) != 0) {
            *refusal = ApiReply::forbidden(
                Decision::deny(u"your role (%1) sees only the records of your own keys"_s.arg(
                    Roles::name(call.actor.role))));
            return std::nullopt;
        }
        filter.member = call.actor.email;
    }
    return filter;
}

} // namespace RecordParams
