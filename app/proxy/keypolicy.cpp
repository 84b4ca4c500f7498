#include "keypolicy.h"

#include "apikeystore.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace {
QString quotedList(const QStringList &items)
{
    QStringList quoted;
    for (const QString &item : items)
        quoted.append(u'\'' + item + u'\'');
    return quoted.join(u", "_s);
}

QString iso(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODate);
}
} // namespace

namespace KeyPolicy {

QString usd(double value)
{
    const double cents = value * 100;
    const bool wholeCents = std::abs(cents - std::round(cents)) < 1e-9;
    return u"$"_s + QString::number(value, 'f', wholeCents || std::abs(value) >= 100 ? 2 : 4);
}

std::optional<KeyRefusal> checkStatus(const ApiKey &key, const QDateTime &now)
{
    if (key.disabled)
        return KeyRefusal { 403, "permission_error", "key_disabled",
            u"This gateway API key ('%1', id %2) is disabled. Ask an admin of the gateway to enable "
            "it, or use another key."_s.arg(key.name)
                .arg(key.id),
            {} };
    if (key.limits.expiresAt && *key.limits.expiresAt <= now)
        return KeyRefusal { 401, "authentication_error", "key_expired",
            u"This gateway API key ('%1', id %2) expired at %3. Ask its owner for a new key or to "
            "extend its expiry."_s.arg(key.name)
                .arg(key.id)
                .arg(iso(*key.limits.expiresAt)),
            {} };
    return std::nullopt;
}

bool allowsRoute(
    const KeyLimits &limits, const QString &requested, const QString &provider, const QString &upstreamModel)
{
    const QString qualified = provider + u'/' + upstreamModel;
    const auto matchesAny = [&](const QStringList &patterns) {
        return ModelPatterns::anyMatches(patterns, requested)
            || ModelPatterns::anyMatches(patterns, qualified)
            || ModelPatterns::anyMatches(patterns, upstreamModel);
    };
    if (matchesAny(limits.deniedModels) || ModelPatterns::anyMatches(limits.deniedProviders, provider))
        return false;
    if (!limits.allowedModels.isEmpty() && !matchesAny(limits.allowedModels))
        return false;
    return limits.allowedProviders.isEmpty() || ModelPatterns::anyMatches(limits.allowedProviders, provider);
}

KeyRefusal modelRefusal(const KeyLimits &limits, const QString &requested, const QStringList &providers)
{
    QStringList rules;
    if (!limits.allowedModels.isEmpty())
        rules.append(u"allows only the models %1"_s.arg(quotedList(limits.allowedModels)));
    if (!limits.allowedProviders.isEmpty())
        rules.append(u"allows only the providers %1"_s.arg(quotedList(limits.allowedProviders)));
    if (!limits.deniedModels.isEmpty())
        rules.append(u"denies the models %1"_s.arg(quotedList(limits.deniedModels)));
    if (!limits.deniedProviders.isEmpty())
        rules.append(u"denies the providers %1"_s.arg(quotedList(limits.deniedProviders)));
    const QString via = providers.isEmpty() ? QString() : u" (from %1)"_s.arg(quotedList(providers));
    return KeyRefusal { 403, "permission_error", "model_not_allowed",
        u"This gateway API key may not use the model '%1'%2: it %3. Use an allowed model or ask "
        "an admin to change the key's model rules."_s.arg(requested, via, rules.join(u"; "_s)),
        "model" };
}

std::optional<KeyRefusal> checkSpend(const KeyLimits &limits, const SpendTotals &spend)
{
    if (limits.spendLimitUsd && spend.allTime >= *limits.spendLimitUsd)
        return KeyRefusal { 429, "insufficient_quota", "spend_limit_reached",
            u"This gateway API key has spent %1 of its %2 all-time limit. Ask an admin to raise the "
            "limit, or use another key."_s.arg(usd(spend.allTime), usd(*limits.spendLimitUsd)),
            {} };
    if (limits.periodLimitUsd && limits.period != LimitPeriod::None && spend.period >= *limits.periodLimitUsd)
        return KeyRefusal { 429, "insufficient_quota", "spend_limit_reached",
            u"This gateway API key has spent %1 of its %2 %3 limit; the limit resets at %4."_s.arg(
                usd(spend.period), usd(*limits.periodLimitUsd), KeyPeriods::adjective(limits.period),
                iso(spend.periodEnd)),
            {} };
    return std::nullopt;
}

} // namespace KeyPolicy
