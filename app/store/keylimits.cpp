#include "keylimits.h"

#include "wirenames.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
QString validPatterns(const QStringList &patterns, const QString &what)
{
    for (const QString &pattern : patterns) {
        if (pattern.trimmed().isEmpty())
            return u"%1 contains an empty entry; remove it or name a model or provider"_s.arg(what);
        if (pattern.indexOf(u'*') >= 0 && pattern.indexOf(u'*') != pattern.size() - 1)
            return u"%1: '%2' has a '*' before its end; a pattern may only end in '*' (as in 'gpt-4o*')"_s
                .arg(what, pattern);
    }
    return {};
}

QString validMoney(const std::optional<double> &value, const QString &what)
{
    if (value && (!std::isfinite(*value) || *value < 0))
        return u"%1 must be a number of US dollars, 0 or more"_s.arg(what);
    return {};
}
} // namespace

QString KeyLimits::validate() const
{
    if (expiresAt && !expiresAt->isValid())
        return u"the expiry is not a valid date and time (use ISO 8601, e.g. 2025-12-31T23:59:59Z)"_s;
    for (const QString &problem : { validMoney(spendLimitUsd, u"the spend limit"_s),
             validMoney(periodLimitUsd, u"the period spend limit"_s),
             validPatterns(allowedModels, u"the allowed models"_s),
             validPatterns(deniedModels, u"the denied models"_s),
             validPatterns(allowedProviders, u"the allowed providers"_s),
             validPatterns(deniedProviders, u"the denied providers"_s) }) {
        if (!problem.isEmpty())
            return problem;
    }
    if (periodLimitUsd && period == LimitPeriod::None)
        return u"a period spend limit needs its period: hour, day, week or month"_s;
    return {};
}

namespace KeyPeriods {

namespace {
// None is the empty name: no period.
const WireName<LimitPeriod> kPeriodNames[] = {
    { LimitPeriod::None, QLatin1StringView() },
    { LimitPeriod::Hour, "hour"_L1 },
    { LimitPeriod::Day, "day"_L1 },
    { LimitPeriod::Week, "week"_L1 },
    { LimitPeriod::Month, "month"_L1 },
};
} // namespace

QString name(LimitPeriod period)
{
    return WireNames::name(kPeriodNames, period);
}

std::optional<LimitPeriod> fromName(const QString &name)
{
    return WireNames::value(kPeriodNames, name);
}

QString adjective(LimitPeriod period)
{
    switch (period) {
    case LimitPeriod::None:
        return {};
    case LimitPeriod::Hour:
        return u"hourly"_s;
    case LimitPeriod::Day:
        return u"daily"_s;
    case LimitPeriod::Week:
        return u"weekly"_s;
    case LimitPeriod::Month:
        return u"monthly"_s;
    }
    return {};
}

QDateTime start(LimitPeriod period, const QDateTime &at)
{
    const QDateTime utc = at.toUTC();
    const QDate date = utc.date();
    switch (period) {
    case LimitPeriod::None:
        return {};
    case LimitPeriod::Hour:
        return QDateTime(date, QTime(utc.time().hour(), 0), Qt::UTC);
    case LimitPeriod::Day:
        return QDateTime(date, QTime(0, 0), Qt::UTC);
    case LimitPeriod::Week:
        return QDateTime(date.addDays(1 - date.dayOfWeek()), QTime(0, 0), Qt::UTC);
    case LimitPeriod::Month:
        return QDateTime(QDate(date.year(), date.month(), 1), QTime(0, 0), Qt::UTC);
    }
    return {};
}

QDateTime next(LimitPeriod period, const QDateTime &at)
{
    const QDateTime begin = start(period, at);
    switch (period) {
    case LimitPeriod::None:
        return {};
    case LimitPeriod::Hour:
        return begin.addSecs(3600);
    case LimitPeriod::Day:
        return begin.addDays(1);
    case LimitPeriod::Week:
        return begin.addDays(7);
    case LimitPeriod::Month:
        return begin.addMonths(1);
    }
    return {};
}

} // namespace KeyPeriods

namespace ModelPatterns {

bool matches(const QString &pattern, const QString &name)
{
    if (pattern.endsWith(u'*'))
        return name.startsWith(QStringView(pattern).chopped(1), Qt::CaseInsensitive);
    return name.compare(pattern, Qt::CaseInsensitive) == 0;
}

bool anyMatches(const QStringList &patterns, const QString &name)
{
    return std::any_of(
        patterns.cbegin(), patterns.cend(), [&](const QString &pattern) { return matches(pattern, name); });
}

QString toJson(const QStringList &patterns)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(patterns)).toJson(QJsonDocument::Compact));
}

QStringList fromJson(const QString &json, QString *error)
{
    if (json.trimmed().isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (!document.isArray()) {
        *error = u"not a JSON array of strings: %1"_s.arg(json.left(80));
        return {};
    }
    QStringList patterns;
    for (const QJsonValue &value : document.array()) {
        if (!value.isString()) {
            *error = u"not a JSON array of strings: %1"_s.arg(json.left(80));
            return {};
        }
        patterns.append(value.toString());
    }
    return patterns;
}

} // namespace ModelPatterns
