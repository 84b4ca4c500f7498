#include "logsquery.h"

using namespace Qt::StringLiterals;

QUrlQuery LogsQuery::toUrlQuery() const
{
    QUrlQuery query;
    if (from.isValid())
        query.addQueryItem(u"from"_s, from.toUTC().toString(Qt::ISODate));
    if (to.isValid())
        query.addQueryItem(u"to"_s, to.toUTC().toString(Qt::ISODate));
    for (const auto &[name, value] : {std::pair{u"model"_s, model}, std::pair{u"provider"_s, provider},
                                      std::pair{u"member"_s, member}, std::pair{u"status"_s, status},
                                      std::pair{u"finish_reason"_s, finishReason}}) {
        if (!value.isEmpty())
            query.addQueryItem(name, value);
    }
    if (keyId)
        query.addQueryItem(u"key"_s, QString::number(*keyId));
    query.addQueryItem(u"limit"_s, QString::number(limit));
    if (before)
        query.addQueryItem(u"before"_s, QString::number(*before));
    if (after)
        query.addQueryItem(u"after"_s, QString::number(*after));
    return query;
}
