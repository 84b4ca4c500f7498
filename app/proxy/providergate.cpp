#include "providergate.h"

#include "keylimits.h"
#include "keypolicy.h"
#include "providerspend.h"

using namespace Qt::StringLiterals;

namespace ProviderGate {

std::optional<ProxyError> refusal(const ProviderConfig &provider, const QString &requested,
    const QString &upstreamModel, double monthSpend, const QDateTime &now)
{
    const QString &name = provider.spec.displayName;
    // As for key limits: the requested name, "provider/model" and the provider's own name for it all match.
    const QStringList &allowed = provider.allowedModels;
    if (!allowed.isEmpty() && !ModelPatterns::anyMatches(allowed, requested)
        && !ModelPatterns::anyMatches(allowed, provider.spec.id + u'/' + upstreamModel)
        && !ModelPatterns::anyMatches(allowed, upstreamModel))
        return ProxyError { 403,
            u"Provider %1 does not serve the model '%2' on this gateway (it allows: %3). Ask an "
            "owner or admin to change the provider's allowed models, or use another model."_s.arg(
                name, requested, allowed.join(u", "_s)),
            "permission_error", "model_not_allowed", "model" };
    if (provider.spendLimitUsd && monthSpend >= *provider.spendLimitUsd)
        return ProxyError { 429,
            u"Provider %1 has reached its monthly spend limit on this gateway: %2 of %3 spent this "
            "month; the limit resets at %4. Ask an owner or admin to raise it, or use another "
            "provider."_s.arg(name, KeyPolicy::usd(monthSpend), KeyPolicy::usd(*provider.spendLimitUsd),
                ProviderSpend::nextMonthStart(now).toString(Qt::ISODate)),
            "insufficient_quota", "provider_spend_limit_reached", {} };
    return std::nullopt;
}

} // namespace ProviderGate
