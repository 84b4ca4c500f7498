#include "usagequery.h"

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

namespace {

constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;

} // namespace

UsageQuery::UsageQuery()
{
    m_to = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    m_from = m_to.addSecs(-presetSecs(m_preset));
}

UsageQuery UsageQuery::last(Preset preset, const QDateTime &now)
{
    if (preset == Preset::Custom)
        preset = Preset::Last30Days;
    UsageQuery query = between(now.addSecs(-presetSecs(preset)), now);
    query.m_preset = preset;
    return query;
}

UsageQuery UsageQuery::between(const QDateTime &from, const QDateTime &to)
{
    UsageQuery query;
    query.m_preset = Preset::Custom;
    // Whole seconds: the API takes ISO 8601 without milliseconds, and a range must not shift when written
    // out.
    query.m_from = QDateTime::fromSecsSinceEpoch(from.toSecsSinceEpoch(), Qt::UTC);
    query.m_to = QDateTime::fromSecsSinceEpoch(to.toSecsSinceEpoch(), Qt::UTC);
    return query;
}

UsageQuery UsageQuery::followed(const QDateTime &now) const
{
    if (m_preset == Preset::Custom)
        return *this;
    UsageQuery query = *this;
    const UsageQuery moved = last(m_preset, now);
    query.m_from = moved.m_from;
    query.m_to = moved.m_to;
    return query;
}

qint64 UsageQuery::presetSecs(Preset preset)
{
    switch (preset) {
    case Preset::LastHour:
        return kHour;
    case Preset::Last24Hours:
        return kDay;
    case Preset::Last7Days:
        return 7 * kDay;
    case Preset::Last30Days:
        return 30 * kDay;
    case Preset::Last90Days:
        return 90 * kDay;
    case Preset::Custom:
        return 0;
    }
    return 0;
}

UsageQuery::Bucket UsageQuery::effectiveBucket(const QDateTime &now) const
{
    if (m_bucket != Bucket::Auto)
        return m_bucket;
    // The server's rule for a request without `bucket`; the window uses it to label axes before the answer.
    const qint64 secs = lengthSecs();
    if (secs <= 6 * kHour && m_from >= now.addSecs(-kMinuteHistoryHours * kHour))
        return Bucket::Minute;
    if (secs <= 48 * kHour)
        return Bucket::Hour;
    if (secs <= 92 * kDay)
        return Bucket::Day;
    return Bucket::Week;
}

QString UsageQuery::name(Bucket bucket)
{
    switch (bucket) {
    case Bucket::Auto:
        return {};
    case Bucket::Minute:
        return u"minute"_s;
    case Bucket::Hour:
        return u"hour"_s;
    case Bucket::Day:
        return u"day"_s;
    case Bucket::Week:
        return u"week"_s;
    case Bucket::Month:
        return u"month"_s;
    }
    return {};
}

QString UsageQuery::name(GroupBy groupBy)
{
    switch (groupBy) {
    case GroupBy::None:
        return {};
    case GroupBy::Model:
        return u"model"_s;
    case GroupBy::Provider:
        return u"provider"_s;
    case GroupBy::Key:
        return u"key"_s;
    case GroupBy::Member:
        return u"member"_s;
    }
    return {};
}

QUrlQuery UsageQuery::toUrlQuery() const
{
    QUrlQuery query;
    query.addQueryItem(u"from"_s, m_from.toUTC().toString(Qt::ISODate));
    query.addQueryItem(u"to"_s, m_to.toUTC().toString(Qt::ISODate));
    if (m_bucket != Bucket::Auto)
        query.addQueryItem(u"bucket"_s, name(m_bucket));
    if (m_groupBy != GroupBy::None)
        query.addQueryItem(u"group_by"_s, name(m_groupBy));
    if (!m_model.isEmpty())
        addText(query, u"model"_s, m_model);
    if (!m_provider.isEmpty())
        addText(query, u"provider"_s, m_provider);
    if (m_keyId)
        query.addQueryItem(u"key"_s, QString::number(*m_keyId));
    if (!m_member.isEmpty())
        addText(query, u"member"_s, m_member);
    return query;
}

UsageQuery UsageQuery::previousPeriod() const
{
    UsageQuery query = *this;
    // A previous period is a fixed range: it must not follow the clock when the current one is refreshed.
    query.m_preset = Preset::Custom;
    query.m_to = m_from;
    query.m_from = m_from.addSecs(-lengthSecs());
    return query;
}
