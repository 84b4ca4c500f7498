#include "keygate.h"

#include "apikeystore.h"
#include "clock.h"
#include "keypolicy.h"

namespace {
ProxyError toProxyError(const KeyRefusal &refusal)
{
    return ProxyError { refusal.status, refusal.message, refusal.type, refusal.code, refusal.param };
}
} // namespace

namespace KeyGate {

std::optional<ProxyError> admit(ApiKeyStore &keys, const ApiKey &key, const QString &requestedModel,
    std::variant<QList<ModelRoute>, ProxyError> &routes)
{
    const QDateTime now = keys.clock().now();
    if (const auto refusal = KeyPolicy::checkStatus(key, now))
        return toProxyError(*refusal);

    if (auto *list = std::get_if<QList<ModelRoute>>(&routes)) {
        QStringList providers;
        for (const ModelRoute &route : std::as_const(*list))
            providers.append(route.provider->spec.id);
        list->removeIf([&](const ModelRoute &route) {
            return !KeyPolicy::allowsRoute(
                key.limits, requestedModel, route.provider->spec.id, route.upstreamModel);
        });
        if (list->isEmpty())
            return toProxyError(KeyPolicy::modelRefusal(key.limits, requestedModel, providers));
    }

    if (!key.limits.spendLimitUsd && !key.limits.periodLimitUsd)
        return std::nullopt;
    if (const auto refusal = KeyPolicy::checkSpend(key.limits, keys.spend(key)))
        return toProxyError(*refusal);
    return std::nullopt;
}

} // namespace KeyGate
