#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <optional>

// The calendar periods a key's periodic spend limit can run over, in UTC.
enum class LimitPeriod { None, Hour, Day, Week, Month };

// What a gateway API key may do, besides being enabled: when it expires, how much it may spend, and which
// models and providers it may reach. Empty lists and absent values mean "no restriction".
struct KeyLimits
{
    std::optional<QDateTime> expiresAt; // UTC; the key stops working at this instant
    std::optional<double> spendLimitUsd; // all time
    std::optional<double> periodLimitUsd; // per `period`
    LimitPeriod period = LimitPeriod::None; // set whenever periodLimitUsd is
    QStringList allowedModels; // patterns: "gpt-4o-mini", "claude-*", "openai/*", "*"
    QStringList deniedModels;
    QStringList allowedProviders; // provider ids: "openai", "anthropic", … (patterns allowed too)
    QStringList deniedProviders;

    // An empty string when these limits make sense; otherwise what is wrong, for the user.
    QString validate() const;
    bool operator==(const KeyLimits &) const = default;
};

namespace KeyPeriods {
// "hour", "day", "week", "month" ("" for None), and back (nullopt for anything else; "" is None).
QString name(LimitPeriod period);
std::optional<LimitPeriod> fromName(const QString &name);
// The adjective in messages: "hourly", "daily", "weekly", "monthly".
QString adjective(LimitPeriod period);
// The UTC start of the calendar period that contains `at` (weeks start on Monday), and the start of the
// next one. Invalid for LimitPeriod::None.
QDateTime start(LimitPeriod period, const QDateTime &at);
QDateTime next(LimitPeriod period, const QDateTime &at);
} // namespace KeyPeriods

namespace ModelPatterns {
// True when `name` matches `pattern`: equal ignoring case, or, for a pattern ending in '*', starting with
// what precedes the star ("*" alone matches everything).
bool matches(const QString &pattern, const QString &name);
bool anyMatches(const QStringList &patterns, const QString &name);
// A list as stored: a JSON array of strings ("[]" when empty); and back, with *error on malformed text.
QString toJson(const QStringList &patterns);
QStringList fromJson(const QString &json, QString *error);
} // namespace ModelPatterns
