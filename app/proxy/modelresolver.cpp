#include "modelresolver.h"

#include "clock.h"
#include "providergate.h"
#include "providerstats.h"

using namespace Qt::StringLiterals;

ModelResolver::ModelResolver(
    const GatewayConfig &config, const ModelCatalog &catalog, const ProviderStats *stats)
    : m_fixed(ProviderSnapshot::of(config.providers))
    , m_catalog(catalog)
    , m_stats(stats)
{ }

ModelResolver::ModelResolver(ProviderRegistry &registry, const ModelCatalog &catalog,
    const ProviderStats *stats, const LocalModels *localModels)
    : m_registry(&registry)
    , m_catalog(catalog)
    , m_stats(stats)
    , m_localModels(localModels)
{ }

namespace {
double blendedPrice(const ModelInfo *model)
{
    // Unknown prices sort last: an unknown price is never taken for a cheap one.
    return model && model->price ? model->price->input + model->price->output
                                 : std::numeric_limits<double>::max();
}

QString notConfigured(const ProviderSpec &spec)
{
    if (spec.keyVariable.isEmpty())
        return u"set %1"_s.arg(spec.baseUrlVariable);
    return u"set %1 (and %2 for another address), or store its key in the dashboard"_s.arg(
        spec.keyVariable, spec.baseUrlVariable);
}
} // namespace

std::variant<QList<ModelRoute>, ProxyError> ModelResolver::resolve(const QString &requested) const
{
    auto resolved = routesFor(m_registry ? *m_registry->snapshot() : *m_fixed, requested);
    auto *routes = std::get_if<QList<ModelRoute>>(&resolved);
    if (!routes || !m_registry)
        return resolved;
    const QDateTime now = m_registry->clock().now();
    std::optional<ProxyError> firstRefusal;
    routes->removeIf([&](const ModelRoute &route) {
        const double spent = route.provider->spendLimitUsd
            ? m_registry->spend().thisMonth(route.provider->spec.id, now)
            : 0.0;
        auto refusal = ProviderGate::refusal(*route.provider, requested, route.upstreamModel, spent, now);
        if (refusal && !firstRefusal)
            firstRefusal = refusal;
        return refusal.has_value();
    });
    if (routes->isEmpty() && firstRefusal)
        return *firstRefusal;
    return resolved;
}

std::variant<QList<ModelRoute>, ProxyError> ModelResolver::routesFor(
    const ProviderSnapshot &snapshot, const QString &requested) const
{
    const qsizetype slash = requested.indexOf(u'/');
    if (slash > 0) {
        const QString providerId = requested.left(slash);
        const auto provider = snapshot.configured(providerId); // built-in or the user's own
        if (const ProviderSpec *spec = provider ? &provider->spec : ProviderDirectory::find(providerId)) {
            const QString model = requested.mid(slash + 1);
            if (model.isEmpty())
                return ProxyError::modelNotFound(
                    u"The model '%1' names no model after the provider."_s.arg(requested));
            if (!provider)
                return ProxyError::modelNotFound(
                    u"The model '%1' needs provider %2, which is not configured: %3."_s.arg(
                        requested, spec->displayName, notConfigured(*spec)));
            const ModelInfo *info = m_catalog.find(providerId, model);
            // A local server's model the catalog does not know (started after the gateway): still free.
            if (!info && spec->local)
                info = &m_freeLocalModel;
            return QList<ModelRoute> { ModelRoute { provider, model, info } };
        }
    }

    QStringList providers = m_catalog.providersOf(requested);
    if (m_localModels) {
        for (const QString &local : m_localModels->providersOf(requested)) {
            if (!providers.contains(local))
                providers.append(local);
        }
    }
    QList<ModelRoute> routes;
    for (const QString &providerId : std::as_const(providers)) {
        if (auto provider = snapshot.configured(providerId)) {
            const ModelInfo *known = m_catalog.find(providerId, requested);
            const ModelInfo *model = known ? known : provider->spec.local ? &m_freeLocalModel : nullptr;
            routes.append(ModelRoute { provider, known ? known->id : requested, model });
        }
    }
    std::stable_sort(routes.begin(), routes.end(), [this](const ModelRoute &a, const ModelRoute &b) {
        if (blendedPrice(a.model) != blendedPrice(b.model))
            return blendedPrice(a.model) < blendedPrice(b.model);
        if (!m_stats)
            return false;
        const auto sa = m_stats->snapshot(a.provider->spec.id);
        const auto sb = m_stats->snapshot(b.provider->spec.id);
        if (qAbs(sa.errorRate - sb.errorRate) > 0.05)
            return sa.errorRate < sb.errorRate;
        return sa.latencyMs < sb.latencyMs;
    });
    if (!routes.isEmpty())
        return routes;
    if (!providers.isEmpty()) {
        const ProviderSpec *spec = ProviderDirectory::find(providers.first());
        return ProxyError::modelNotFound(
            u"The model '%1' is offered by %2, but none of them is configured: for %3, %4."_s.arg(requested,
                providers.join(u", "_s), spec ? spec->displayName : providers.first(),
                spec ? notConfigured(*spec) : QString()));
    }
    return ProxyError::modelNotFound(
        u"The model '%1' does not exist in the model catalog. Name it as provider/model (for example "
        "openai/gpt-4o-mini) or use a model the catalog lists (GET /v1/models)."_s.arg(requested));
}
