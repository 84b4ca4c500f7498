#include "logsquery.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

// Values as they were typed: a '+' in an email must reach the server as a plus, not as a space, and '&' or
// '#' in a model name must not cut the query. QUrlQuery keeps these as they are unless percent-encoded.
void addText(QUrlQuery &query, const QString &name, const QString &value)
{
    query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
}

} // namespace

QUrlQuery LogsQuery::toUrlQuery() const
{
    QUrlQuery query;
    if (from.isValid())
        query.addQueryItem(u"from"_s, from.toUTC().toString(Qt::ISODate));
    if (to.isValid())
        query.addQueryItem(u"to"_s, to.toUTC().toString(Qt::ISODate));
    for (const auto &[name, value] : { std::pair { u"model"_s, model }, std::pair { u"provider"_s, provider },
             std::pair { u"member"_s, member }, std::pair { u"status"_s, status },
             std::pair { u"finish_reason"_s, finishReason } }) {
        if (!value.isEmpty())
            addText(query, name, value);
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
