#pragma once

#include "openaierror.h"
#include "providerconfig.h"

#include <QDateTime>
#include <optional>

// The rules an owner set on a provider, applied to each route before anything goes upstream: the models it
// may serve (403 model_not_allowed) and its monthly spend limit (429 provider_spend_limit_reached). The
// messages name the provider, say why, and who can change it.
namespace ProviderGate {
// `monthSpend`: what the provider has cost this UTC calendar month, as of `now`.
std::optional<ProxyError> refusal(const ProviderConfig &provider, const QString &requested,
    const QString &upstreamModel, double monthSpend, const QDateTime &now);
} // namespace ProviderGate
