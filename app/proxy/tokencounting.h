#pragma once

#include "exchangecodec.h"
#include "gatewayconfig.h"
#include "modelresolver.h"
#include "upstreamconnection.h"

#include <QByteArray>
#include <QString>
#include <variant>

// Token counting: POST /v1/messages/count_tokens (Anthropic's clients; Claude Code's /context and compaction)
// and POST /v1beta/models/{model}:countTokens (Gemini's clients). Anthropic's and Google's counting endpoints
// answer for their own models, and a Gemini model asked in Anthropic's format gets its request translated to
// Google's countTokens; every other pair gets an estimate (estimate() below), marked by the response header
// "x-llmgw-token-count: estimated". A count is not a generation: it leaves no record and costs nothing.
namespace TokenCounting {

struct CountRequest
{
    ClientFormat format = ClientFormat::Anthropic; // Anthropic or Gemini
    QByteArray body;
    QByteArray anthropicBeta; // passed on to Anthropic
};

// The upstream call of a count; `fromGemini` when Google's answer must become Anthropic's.
struct CountCall
{
    UpstreamRequest request;
    bool fromGemini = false;
};
struct Estimate
{
};
// What to do for a count on `route`: call upstream, estimate, or refuse (400: not translatable).
std::variant<CountCall, Estimate, ProxyError> plan(
    const CountRequest &count, const ModelRoute &route, const GatewayConfig &config);

// A quarter of the UTF-8 bytes of the request's text, rounded up: every string in system, messages and tools
// (Anthropic) or systemInstruction, contents and tools (Gemini; or those of its generateContentRequest).
qint64 estimate(const QByteArray &body, ClientFormat format);

// {"input_tokens":N} for Anthropic's clients, {"totalTokens":N} for Gemini's.
QByteArray answerBody(qint64 tokens, ClientFormat format);
// totalTokens of Google's countTokens answer; nullopt when it has none.
std::optional<qint64> geminiTotal(const QByteArray &body);

} // namespace TokenCounting
