#include "providerdirectory.h"

using namespace Qt::StringLiterals;

namespace ProviderDirectory {
namespace {

ProviderSpec compatible(const char *id, const char *name, const char *baseUrl, const char *env)
{
    const QString prefix = QLatin1String(env);
    return ProviderSpec { QLatin1String(id), QLatin1String(name), ProviderFamily::OpenAICompatible,
        QLatin1String(baseUrl), prefix + u"_API_KEY"_s, prefix + u"_BASE_URL"_s, false, QString() };
}

QList<ProviderSpec> build()
{
    QList<ProviderSpec> list {
        compatible("openai", "OpenAI", "https://api.openai.com/v1", "OPENAI"),
        { u"anthropic"_s, u"Anthropic"_s, ProviderFamily::Anthropic, u"https://api.anthropic.com"_s,
            u"ANTHROPIC_API_KEY"_s, u"ANTHROPIC_BASE_URL"_s, false, QString() },
        { u"google"_s, u"Google Gemini"_s, ProviderFamily::Gemini,
            u"https://generativelanguage.googleapis.com"_s, u"GEMINI_API_KEY"_s, u"GEMINI_BASE_URL"_s, false,
            QString() },
        compatible("mistral", "Mistral", "https://api.mistral.ai/v1", "MISTRAL"),
        compatible("groq", "Groq", "https://api.groq.com/openai/v1", "GROQ"),
        compatible("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "DEEPSEEK"),
        compatible("xai", "xAI", "https://api.x.ai/v1", "XAI"),
        compatible("openrouter", "OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER"),
        compatible("together", "Together AI", "https://api.together.xyz/v1", "TOGETHER"),
        compatible("fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1", "FIREWORKS"),
        compatible("cerebras", "Cerebras", "https://api.cerebras.ai/v1", "CEREBRAS"),
        { u"azure"_s, u"Azure OpenAI"_s, ProviderFamily::AzureOpenAI, QString(), u"AZURE_OPENAI_API_KEY"_s,
            u"AZURE_OPENAI_ENDPOINT"_s, false, QString() },
        // Local servers: OpenAI-compatible under /v1, no key.
        { u"ollama"_s, u"Ollama"_s, ProviderFamily::OpenAICompatible, u"http://127.0.0.1:11434"_s, QString(),
            u"OLLAMA_BASE_URL"_s, true, u"/v1"_s },
        { u"lmstudio"_s, u"LM Studio"_s, ProviderFamily::OpenAICompatible, u"http://127.0.0.1:1234"_s,
            QString(), u"LMSTUDIO_BASE_URL"_s, true, u"/v1"_s },
    };
    return list;
}

} // namespace

const QList<ProviderSpec> &all()
{
    static const QList<ProviderSpec> list = build(); // immutable table, built once
    return list;
}

const ProviderSpec *find(QStringView id)
{
    for (const ProviderSpec &spec : all()) {
        if (spec.id == id)
            return &spec;
    }
    return nullptr;
}

} // namespace ProviderDirectory
