#include "chartscales.h"

#include <QLocale>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace ChartScales {

namespace {

double niceStep(double span, int maxTicks)
{
    const double raw = span / std::max(1, maxTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (factor * magnitude >= raw * 0.999)
            return factor * magnitude;
    }
    return 10.0 * magnitude;
}

// Durations tick on round times (250 ms, 2 s, 15 s, 1 min, 5 min …), not on round milliseconds, which read
// as "50.0 s, 1.7 min, 2.5 min".
double durationStep(double span, int maxTicks)
{
    static constexpr std::array<double, 22> steps { 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1'000, 2'000,
        5'000, 10'000, 15'000, 30'000, 60'000, 120'000, 300'000, 600'000, 1'800'000 };
    const double raw = span / std::max(1, maxTicks);
    for (const double step : steps) {
        if (step >= raw * 0.999)
            return step;
    }
    return std::ceil(raw / 3'600'000) * 3'600'000;
}

// Every tick of a duration axis in the one unit its step is counted in: "0, 30 s, 60 s, 90 s", "0, 2 min, 4
// min".
QString durationLabel(double ms, double step)
{
    if (std::abs(ms) < 1e-9)
        return u"0"_s;
    const auto in = [ms](double unitMs, const QString &name) -> QString {
        const double value = ms / unitMs;
        const bool whole = std::abs(value - std::round(value)) < 1e-9;
        return QString::number(value, 'f', whole ? 0 : 1) + name;
    };
    if (step < 1'000)
        return in(1, u" ms"_s);
    if (step < 60'000)
        return in(1'000, u" s"_s);
    if (step < 3'600'000)
        return in(60'000, u" min"_s);
    return in(3'600'000, u" h"_s);
}

QString valueLabel(double value, Formatting::Unit unit)
{
    // Integers for counts: an axis of requests never reads "2.5 requests" unless the step needs it.
    return Formatting::format(std::abs(value) < 1e-12 ? 0.0 : value, unit);
}

QDateTime inZone(const QDateTime &time, bool utc)
{
    return utc ? time.toUTC() : time.toLocalTime();
}

} // namespace

Scale valueScale(double min, double max, int maxTicks, Formatting::Unit unit)
{
    Scale scale;
    min = std::min(0.0, min);
    if (!(max > min))
        max = min + (unit == Formatting::Unit::Percent ? 10.0 : unit == Formatting::Unit::Usd ? 0.01 : 1.0);
    const bool duration = unit == Formatting::Unit::Milliseconds;
    double step = duration ? durationStep(max - min, maxTicks) : niceStep(max - min, maxTicks);
    const auto label = [&](double v) { return duration ? durationLabel(v, step) : valueLabel(v, unit); };
    // Counts come in whole numbers: a step below 1 would only repeat labels.
    if ((unit == Formatting::Unit::Count || unit == Formatting::Unit::Tokens) && step < 1.0)
        step = 1.0;
    scale.min = std::floor(min / step) * step;
    scale.max = std::ceil(max / step - 1e-9) * step;
    if (scale.max <= scale.min)
        scale.max = scale.min + step;
    if (unit == Formatting::Unit::Percent && max <= 100.0 && scale.max > 100.0)
        scale.max = 100.0;
    for (double v = scale.min; v <= scale.max + step * 1e-6; v += step)
        scale.ticks.append({ v, label(v) });
    if (scale.ticks.last().value < scale.max)
        scale.ticks.append({ scale.max, label(scale.max) });
    return scale;
}

Scale timeScale(qint64 fromMs, qint64 toMs, int maxTicks, bool utc)
{
    struct Step
    {
        qint64 secs; // for steps under a day
        int days;
        int months;
    };
    static constexpr std::array<Step, 16> steps { {
        { 60, 0, 0 },
        { 5 * 60, 0, 0 },
        { 10 * 60, 0, 0 },
        { 15 * 60, 0, 0 },
        { 30 * 60, 0, 0 },
        { 3600, 0, 0 },
        { 2 * 3600, 0, 0 },
        { 3 * 3600, 0, 0 },
        { 6 * 3600, 0, 0 },
        { 12 * 3600, 0, 0 },
        { 0, 1, 0 },
        { 0, 2, 0 },
        { 0, 7, 0 },
        { 0, 14, 0 },
        { 0, 0, 1 },
        { 0, 0, 3 },
    } };
    Scale scale;
    scale.min = double(fromMs);
    scale.max = double(std::max(toMs, fromMs + 60'000));
    const qint64 span = qint64(scale.max - scale.min) / 1000;
    Step step = steps.back();
    for (const Step &candidate : steps) {
        const double approx = candidate.secs ? double(candidate.secs)
            : candidate.days                 ? candidate.days * 86400.0
                                             : candidate.months * 30.4 * 86400.0;
        if (double(span) / approx <= maxTicks) {
            step = candidate;
            break;
        }
    }

    const QDateTime from = inZone(QDateTime::fromMSecsSinceEpoch(fromMs, Qt::UTC), utc);
    const Qt::TimeSpec zone = utc ? Qt::UTC : Qt::LocalTime;
    // The first aligned instant at or after `from`, in the shown zone: whole minutes of the step within the
    // day, midnight for days (Mondays for weeks), the 1st for months.
    QDateTime t;
    if (step.secs) {
        const QDateTime midnight(from.date(), QTime(0, 0), zone);
        const qint64 into = midnight.secsTo(from);
        t = midnight.addSecs((into + step.secs - 1) / step.secs * step.secs);
    } else if (step.days) {
        QDate date = from.date();
        if (QDateTime(date, QTime(0, 0), zone) < from)
            date = date.addDays(1);
        if (step.days == 7 || step.days == 14)
            date = date.addDays((8 - date.dayOfWeek()) % 7);
        t = QDateTime(date, QTime(0, 0), zone);
    } else {
        QDate date(from.date().year(), from.date().month(), 1);
        if (QDateTime(date, QTime(0, 0), zone) < from)
            date = date.addMonths(1);
        while ((date.month() - 1) % step.months != 0)
            date = date.addMonths(1);
        t = QDateTime(date, QTime(0, 0), zone);
    }

    const QLocale locale;
    const bool sameYear = from.date().year() == QDate::currentDate().year();
    for (int guard = 0; guard < 1000 && t.toMSecsSinceEpoch() <= toMs; ++guard) {
        const bool dayStart = t.time() == QTime(0, 0);
        QString label;
        if (step.months)
            label = locale.toString(t.date(), u"MMM yyyy"_s);
        else if (step.days)
            label = locale.toString(t.date(), sameYear ? u"MMM d"_s : u"MMM d, yyyy"_s);
        else if (dayStart)
            label = locale.toString(t.date(), u"MMM d"_s);
        else
            label = locale.toString(t.time(), u"HH:mm"_s);
        scale.ticks.append({ double(t.toMSecsSinceEpoch()), label });
        t = step.secs ? t.addSecs(step.secs) : step.days ? t.addDays(step.days) : t.addMonths(step.months);
    }
    return scale;
}

QString timeText(const QDateTime &time, bool utc)
{
    const QDateTime shown = inZone(time, utc);
    const QLocale locale;
    const bool sameYear = shown.date().year() == QDate::currentDate().year();
    return locale.toString(shown, sameYear ? u"MMM d, HH:mm"_s : u"MMM d yyyy, HH:mm"_s);
}

QString rangeText(const QDateTime &from, const QDateTime &to, bool utc)
{
    const QDateTime a = inZone(from, utc);
    const QDateTime b = inZone(to, utc);
    const QLocale locale;
    const QString zone = utc ? u" UTC"_s : QString();
    // Whole days read as dates: "Mar 17", "Mar 16 – Mar 22" (the last day included).
    if (a.time() == QTime(0, 0) && b.time() == QTime(0, 0) && a.date() < b.date()) {
        const QString format = a.date().year() == QDate::currentDate().year() ? u"MMM d"_s : u"MMM d yyyy"_s;
        const QString first = locale.toString(a.date(), format);
        if (a.date().addDays(1) == b.date())
            return first + zone;
        return first + u" – "_s + locale.toString(b.date().addDays(-1), format) + zone;
    }
    // An end at midnight reads better as "24:00" of the same day than as the next day's "00:00".
    const bool sameDay = a.date() == b.date() || (b.time() == QTime(0, 0) && a.date().addDays(1) == b.date());
    QString end;
    if (sameDay && b.time() == QTime(0, 0) && a.date() != b.date())
        end = u"24:00"_s;
    else if (sameDay)
        end = locale.toString(b.time(), u"HH:mm"_s);
    else
        end = timeText(to, utc);
    return timeText(from, utc) + u" – "_s + end + zone;
}

Formatting::Unit unitFromWord(const QString &word)
{
    if (word == "tokens"_L1)
        return Formatting::Unit::Tokens;
    if (word == "USD"_L1)
        return Formatting::Unit::Usd;
    if (word == "ms"_L1)
        return Formatting::Unit::Milliseconds;
    if (word == "%"_L1)
        return Formatting::Unit::Percent;
    if (word == "tokens/s"_L1)
        return Formatting::Unit::TokensPerSecond;
    return Formatting::Unit::Count;
}

QString axisTitle(Formatting::Unit unit, const QString &word)
{
    switch (unit) {
    case Formatting::Unit::Tokens:
        return u"Tokens"_s;
    case Formatting::Unit::Usd:
        return u"Cost (USD)"_s;
    case Formatting::Unit::Milliseconds:
        return u"Latency"_s; // the ticks carry the unit: ms, s or min
    case Formatting::Unit::Percent:
        return u"Percent"_s;
    case Formatting::Unit::TokensPerSecond:
        return u"Tokens per second"_s;
    case Formatting::Unit::Count:
        break;
    }
    if (word.isEmpty())
        return u"Count"_s;
    return word.left(1).toUpper() + word.mid(1);
}

} // namespace ChartScales
