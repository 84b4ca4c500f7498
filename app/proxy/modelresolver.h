#pragma once

#include "gatewayconfig.h"
#include "modelcatalog.h"
#include "openaierror.h"

#include <variant>

class ProviderStats;

// Where a requested model goes: which configured provider, under which name, at which price.
struct ModelRoute
{
    const ProviderConfig *provider = nullptr;
    QString upstreamModel;
    const ModelInfo *model = nullptr; // null when the catalog does not know it (price unknown)
};

// Turns the model a client asked for into routes, best first. "provider/model" goes to that provider only;
// a bare name goes to every configured provider the catalog lists for it, cheapest first; at equal price the
// one with fewer recent errors, then the faster one, then catalog order: the ones after the first are the
// fallbacks.
class ModelResolver final
{
public:
    ModelResolver(const GatewayConfig &config, const ModelCatalog &catalog, const ProviderStats *stats = nullptr);

    std::variant<QList<ModelRoute>, ProxyError> resolve(const QString &requested) const;

private:
    const GatewayConfig &m_config;
    const ModelCatalog &m_catalog;
    const ProviderStats *m_stats;
    const ModelInfo m_freeLocalModel{{}, {}, ModelPrice{}, 0, 0, true, false, false, false, false, false, {}};
};
