#pragma once

#include "formatting.h"

#include <QDateTime>
#include <QList>
#include <QString>

// Where an axis puts its ticks and what they say: round numbers in the series' unit ("0, 250k, 500k
// tokens", "$0, $0.50, $1.00") and times on the hour, at midnight or on the 1st, in local time or UTC.
// Pure functions, so they are tested without a chart.
namespace ChartScales {

struct Tick
{
    double value = 0;
    QString label;
};

struct Scale
{
    double min = 0;
    double max = 1;
    QList<Tick> ticks;
};

// From 0 (or below, for negative data) to the first round number at or above `max`, with at most
// `maxTicks` intervals of 1, 2, 2.5 or 5 × 10ⁿ; a percent axis stops at 100 when the data does.
Scale valueScale(double min, double max, int maxTicks, Formatting::Unit unit);

// Ticks for [from, to] (milliseconds since the epoch): the smallest calendar step (1 min … 1 year)
// that gives at most `maxTicks` ticks, aligned in the shown time zone, labelled "14:00", with the date
// ("Mar 3") where a day starts or the step is a day or more.
Scale timeScale(qint64 fromMs, qint64 toMs, int maxTicks, bool utc);

// A time as the window shows it in the chosen zone: "Mar 3, 14:05" (with the year when it is not this one).
QString timeText(const QDateTime &time, bool utc);
// A bucket's range "Mar 3, 14:00 – 15:00 UTC" (the end's date only when it differs).
QString rangeText(const QDateTime &from, const QDateTime &to, bool utc);

// The unit of a model's UnitRole word ("tokens", "USD", "ms", "%", "tokens/s"; anything else counts).
Formatting::Unit unitFromWord(const QString &word);
// An axis title: the unit in words ("Tokens", "Cost (USD)", "Milliseconds", "Percent", "Requests").
QString axisTitle(Formatting::Unit unit, const QString &word);

} // namespace ChartScales
