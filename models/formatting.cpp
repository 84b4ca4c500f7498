#include "formatting.h"

#include <QLocale>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// Fixed C-locale digits: the window's numbers and the tests read the same on every machine. (Following the
// user's locale is one QLocale away once the window has a setting for it.)
QString fixed(double value, int decimals)
{
    QString text = QString::number(value, 'f', decimals);
    // "1.20k" reads worse than "1.2k"; keep the decimals that say something.
    if (text.contains(u'.')) {
        while (text.endsWith(u'0'))
            text.chop(1);
        if (text.endsWith(u'.'))
            text.chop(1);
    }
    return text;
}

// 950, 1.2k, 12.3k, 123k, 1.2M …: three significant digits at most, so cards and axes stay narrow.
QString compact(double value)
{
    const double magnitude = std::abs(value);
    struct Step
    {
        double size;
        char16_t suffix;
    };
    static constexpr Step steps[] = { { 1e12, u'T' }, { 1e9, u'B' }, { 1e6, u'M' }, { 1e3, u'k' } };
    for (const Step &step : steps) {
        // 999 950 rounds to "1000k" at one decimal: move it up a step instead.
        if (magnitude >= step.size * 0.99995) {
            const double scaled = value / step.size;
            const int decimals = std::abs(scaled) < 100 ? 1 : 0;
            return fixed(scaled, decimals) + QChar(step.suffix);
        }
    }
    if (magnitude == std::floor(magnitude))
        return QString::number(qint64(value));
    return fixed(value, magnitude < 10 ? 2 : 1);
}

} // namespace

namespace Formatting {

QString count(double value)
{
    return compact(value);
}

QString tokens(double value)
{
    return compact(std::round(value));
}

QString usd(double dollars)
{
    const QString sign = dollars < 0 ? u"-"_s : QString();
    const double amount = std::abs(dollars);
    if (amount == 0)
        return u"$0"_s;
    if (amount >= 1000)
        return sign + u'$' + compact(amount);
    if (amount >= 0.1)
        return sign + u'$' + QString::number(amount, 'f', 2);
    // Small requests cost fractions of a cent: three significant digits, so $0.000123 is not "$0.00".
    if (amount < 0.000001)
        return sign + u"<$0.000001"_s;
    const int decimals = std::max(2, 2 - int(std::floor(std::log10(amount))));
    return sign + u'$' + fixed(amount, std::min(decimals, 6));
}

QString duration(double ms)
{
    const double magnitude = std::abs(ms);
    if (magnitude < 1000)
        return QString::number(std::round(ms)) + u" ms"_s;
    if (magnitude < 10'000)
        return QString::number(ms / 1000, 'f', 2) + u" s"_s;
    if (magnitude < 60'000)
        return QString::number(ms / 1000, 'f', 1) + u" s"_s;
    if (magnitude < 3'600'000)
        return fixed(ms / 60'000, 1) + u" min"_s;
    return fixed(ms / 3'600'000, 1) + u" h"_s;
}

QString percent(double percent)
{
    const double magnitude = std::abs(percent);
    if (magnitude == 0)
        return u"0%"_s;
    const int decimals = magnitude < 1 ? 2 : magnitude < 100 ? 1 : 0;
    return fixed(percent, decimals) + u'%';
}

QString signedPercent(double value)
{
    if (std::abs(value) < 0.05)
        return u"0%"_s;
    // A real minus sign: a hyphen looks like a dash next to the arrow the card draws.
    return (value > 0 ? u"+"_s : u"\u2212"_s) + percent(std::abs(value));
}

QString perSecond(double value, const QString &unit)
{
    return compact(std::abs(value) < 100 ? std::round(value * 10) / 10 : std::round(value)) + u' ' + unit
        + u"/s"_s;
}

QString format(std::optional<double> value, Unit unit)
{
    if (!value || !std::isfinite(*value))
        return u"\u2013"_s;
    switch (unit) {
    case Unit::Count:
        return count(*value);
    case Unit::Tokens:
        return tokens(*value);
    case Unit::Usd:
        return usd(*value);
    case Unit::Milliseconds:
        return duration(*value);
    case Unit::Percent:
        return percent(*value);
    case Unit::TokensPerSecond:
        return perSecond(*value);
    }
    return count(*value);
}

QString unitName(Unit unit)
{
    switch (unit) {
    case Unit::Count:
        return u"requests"_s;
    case Unit::Tokens:
        return u"tokens"_s;
    case Unit::Usd:
        return u"USD"_s;
    case Unit::Milliseconds:
        return u"ms"_s;
    case Unit::Percent:
        return u"%"_s;
    case Unit::TokensPerSecond:
        return u"tokens/s"_s;
    }
    return {};
}

QString bucketStart(const QDateTime &startUtc, const QString &bucket)
{
    const QDateTime at = startUtc.toUTC();
    const QLocale c = QLocale::c();
    if (bucket == "minute"_L1)
        return c.toString(at, u"HH:mm"_s);
    if (bucket == "hour"_L1)
        return c.toString(at, u"MMM d, HH:mm"_s);
    if (bucket == "month"_L1)
        return c.toString(at, u"MMM yyyy"_s);
    return c.toString(at, u"MMM d"_s);
}

} // namespace Formatting
