#pragma once

#include "exchangecodec.h"
#include "gatewayconfig.h"
#include "modelresolver.h"
#include "openaicompat.h"
#include "responsesinbound.h"
#include "upstreamconnection.h"

#include <QJsonObject>

#include <memory>
#include <variant>

// A model request as the client sent it, in whichever format.
struct InboundChat
{
    enum class Kind { Chat, Embeddings };
    Kind kind = Kind::Chat;
    ClientFormat format = ClientFormat::OpenAI;
    QByteArray body;
    std::optional<OpenAICompat::ChatRequest> openai; // OpenAI clients: what the in-place reader found
    QJsonObject canonical; // Gemini clients: the request in OpenAI form
    QString model;
    QByteArray anthropicBeta; // the client's anthropic-beta header, for an Anthropic upstream
    // Responses clients: the request translated for upstreams without a Responses API (also in `canonical`),
    // or why it cannot be (a 400 on such routes only; OpenAI's own API takes the body as it is).
    std::optional<ResponsesInbound::Translation> responses;
    QString responsesError;
    QByteArray responsesErrorParam;
    bool stream = false;
    bool clientWantsUsage = false;
};

// What to send upstream for one request, and how to read the answer.
struct PlannedCall
{
    UpstreamRequest request;
    std::unique_ptr<ExchangeCodec> codec;
    HttpHeaders clientHeaders; // the gateway's notes on this route, added to the client's answer
};

// `body` (a valid JSON object) with its top-level "model" set to `model`, the rest byte for byte.
QByteArray withModel(const QByteArray &body, const QString &model);

// Builds the upstream call for a routed request: the provider's path, headers and body, translated from the
// client's format where the formats differ. A ProxyError (400) when the request cannot be expressed there.
std::variant<PlannedCall, ProxyError> planUpstreamCall(
    const InboundChat &inbound, const ModelRoute &route, const GatewayConfig &config);
