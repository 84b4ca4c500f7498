#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

// Addressing of Azure OpenAI, which speaks the OpenAI wire format at other paths: per deployment with an
// api-version query (the AzureOpenAI SDK's style, endpoint from AZURE_OPENAI_ENDPOINT), or the newer v1
// API, OpenAI's paths under /openai/v1 with the deployment name as the body's model.
namespace AzureOpenAI {

// The api-version used when none is configured (the AzureOpenAI SDKs' default GA version).
inline constexpr char defaultApiVersion[] = "2024-10-21";
// The header that carries the key (`api-key: <key>`, instead of OpenAI's Authorization: Bearer).
inline constexpr char keyHeader[] = "api-key";

// Responses always goes to the v1 API (/openai/v1/responses, the deployment as the body's model): the dated
// api-versions serve it only in previews.
enum class Operation { ChatCompletions, Embeddings, Responses };

// Where to send one call.
struct Target
{
    QByteArray origin; // "https://NAME.openai.azure.com" (scheme, host, port)
    QByteArray path; // "/openai/deployments/<deployment>/chat/completions?api-version=…" or "/openai/v1/…"
    bool modelInBody = false; // v1: the body's model must be the deployment name
};

// `endpoint` as the Azure portal shows it, with or without a trailing "/", "/openai" or "/openai/v1";
// `apiVersion` empty means defaultApiVersion, "v1" selects the v1 API. nullopt and *error when the
// endpoint is not an http(s) URL or the deployment is empty.
std::optional<Target> target(const QString &endpoint, const QString &deployment, Operation operation,
    const QString &apiVersion, QString *error);

} // namespace AzureOpenAI
