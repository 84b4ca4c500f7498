#pragma once

#include <QList>
#include <QString>

// The wire format a provider speaks; one adapter per family.
enum class ProviderFamily { OpenAICompatible, AzureOpenAI, Anthropic, Gemini };

// A provider the gateway knows how to reach, with its official SDK's environment conventions.
struct ProviderSpec
{
    QString id; // "openai", "groq", …
    QString displayName; // "OpenAI", "Groq", …
    ProviderFamily family = ProviderFamily::OpenAICompatible;
    QString defaultBaseUrl;
    QString keyVariable; // e.g. "GROQ_API_KEY"; empty when the provider needs no key
    QString baseUrlVariable; // e.g. "GROQ_BASE_URL"
    bool local = false; // runs on the user's machine (Ollama, LM Studio)
    QString apiPrefix; // appended to the base URL before the OpenAI-style paths ("/v1" for local servers)
};

// Every provider of INTERFACE.md, in a stable order.
namespace ProviderDirectory {
const QList<ProviderSpec> &all();
const ProviderSpec *find(QStringView id);
} // namespace ProviderDirectory
