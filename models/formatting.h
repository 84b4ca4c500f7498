#pragma once

#include <QDateTime>
#include <QString>
#include <optional>

// How the window writes numbers: compact, with their unit, the same on every page. Display text only;
// CSV export writes the raw number and puts unitName() in the column header instead.
namespace Formatting {

enum class Unit { Count, Tokens, Usd, Milliseconds, Percent, TokensPerSecond };

QString count(double value); // 950, 12.3k, 4.5M (requests, errors: no unit word)
QString tokens(double value); // 950, 1.2k, 3.4M, 1.2B
QString usd(double dollars); // $0, $0.0123, $12.34, $1.2k, $3.4M
QString duration(double ms); // 850 ms, 1.24 s, 12.5 s, 2.5 min
QString percent(double percent); // 12.3%, 0.42%, 100%
QString signedPercent(double percent); // +12.3%, −4.0%, 0%
QString perSecond(double value, const QString &unit = QStringLiteral("tokens")); // 42.1 tokens/s

// Any of the above by unit; "–" for nullopt (nothing to measure).
QString format(std::optional<double> value, Unit unit);
// The unit as a column header word: "requests", "tokens", "USD", "ms", "%", "tokens/s".
QString unitName(Unit unit);

// A bucket's start for axis labels and tables: "14:05" for minutes, "Mar 3, 14:00" for hours, "Mar 3"
// for days and weeks, "Mar 2026" for months (UTC; the bucket name as the API spells it).
QString bucketStart(const QDateTime &startUtc, const QString &bucket);

} // namespace Formatting
