#pragma once

#include "gatewayconfig.h"
#include "localmodels.h"
#include "modelcatalog.h"
#include "openaierror.h"
#include "providerregistry.h"

#include <memory>
#include <variant>

class ProviderStats;

// Where a requested model goes: which configured provider, under which name, at which price.
struct ModelRoute
{
    std::shared_ptr<const ProviderConfig> provider; // kept alive while the request runs, whatever changes
    QString upstreamModel;
    const ModelInfo *model = nullptr; // null when the catalog does not know it (price unknown)
};

// Turns the model a client asked for into routes, best first. "provider/model" goes to that provider only;
// a bare name goes to every configured provider the catalog lists for it, or whose local server serves it
// (free unless the catalog prices it), cheapest first; at equal price the
// one with fewer recent errors, then the faster one, then catalog order: the ones after the first are the
// fallbacks. Routes the provider's own rules refuse (ProviderGate) are dropped; when none remains, the first
// refusal is the answer.
class ModelResolver final
{
public:
    // The config's providers, fixed.
    ModelResolver(
        const GatewayConfig &config, const ModelCatalog &catalog, const ProviderStats *stats = nullptr);
    // The live providers: each call resolves against the registry's snapshot of the moment, and the local
    // servers' models as last discovered.
    ModelResolver(ProviderRegistry &registry, const ModelCatalog &catalog,
        const ProviderStats *stats = nullptr, const LocalModels *localModels = nullptr);

    std::variant<QList<ModelRoute>, ProxyError> resolve(const QString &requested) const;

private:
    std::variant<QList<ModelRoute>, ProxyError> routesFor(
        const ProviderSnapshot &snapshot, const QString &requested) const;

    ProviderRegistry *m_registry = nullptr;
    std::shared_ptr<const ProviderSnapshot> m_fixed; // without a registry
    const ModelCatalog &m_catalog;
    const ProviderStats *m_stats;
    const LocalModels *m_localModels = nullptr;
    const ModelInfo m_freeLocalModel { {}, {}, ModelPrice {}, 0, 0, true, false, false, false, false, false,
        {} };
};
