#pragma once

#include "modelresolver.h"
#include "openaierror.h"

#include <optional>
#include <variant>

class ApiKeyStore;
struct ApiKey;

// Applies a gateway API key's rules (KeyPolicy) to a model request before anything goes upstream:
// disabled (403 key_disabled), expired (401 key_expired), model or provider not allowed (403
// model_not_allowed), spend limit reached (429 spend_limit_reached), in that order.
//
// For a bare model name that several providers serve, the routes the key may not use are removed, so the
// request (and any fallback) goes only to providers the key allows; it is refused only when none remains.
// When the model did not resolve, the resolver's error stands and only the key's own state is checked.
namespace KeyGate {
std::optional<ProxyError> admit(ApiKeyStore &keys, const ApiKey &key, const QString &requestedModel,
    std::variant<QList<ModelRoute>, ProxyError> &routes);
} // namespace KeyGate
