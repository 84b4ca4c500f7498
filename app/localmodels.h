#pragma once

#include "gatewayconfig.h"
#include "modelcatalog.h"

// Asks the local model servers (Ollama's GET /api/tags, LM Studio's GET /v1/models) which models they have,
// so that they can be listed and routed by bare name. Local models cost nothing unless the user's catalog
// gives them a price. A server that is not running is skipped after at most `timeoutMs`.
ModelCatalog discoverLocalModels(const GatewayConfig &config, int timeoutMs);
