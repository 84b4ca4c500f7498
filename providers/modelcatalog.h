#pragma once

#include "usage.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

// The catalog's JSON format (resources/model-catalog.json, or a user's override file):
//
//   { "version": 1, "updated": "YYYY-MM-DD",
//     "providers": { "<provider id>": { "models": { "<model id>": { ...entry... } } } } }
//
// An entry's keys, all optional:
//   "input", "output"              USD per million tokens; both or neither. Without them the price is
//                                  unknown (cost null), which is not the same as a price of 0.
//   "cached_input", "cache_write"  USD per million cache-read / cache-written input tokens; absent
//                                  means billed as plain input.
//   "long_context"                 { "above": N, "input", "output", "cached_input"?, "cache_write"? }:
//                                  the rates for the whole request when its prompt exceeds N tokens.
//   "context", "max_output"        token limits (0 or absent: unknown).
//   "capabilities"                 any of "streaming", "tools", "vision", "reasoning", "embeddings";
//                                  absent means streaming only.
//   "aliases"                      other names the provider accepts for this model (dated snapshots).
//   "retired"                      true when the provider no longer serves the model; kept for prices.
// Unknown keys are rejected so that a typo in a price cannot go unnoticed.

// Rates for requests whose prompt exceeds a threshold (Gemini Pro, GPT-5.4+, Sonnet 4.5 1M, ...).
struct ModelPriceTier
{
    qint64 above = 0; // applies when promptTokens > above
    double input = 0;
    double output = 0;
    std::optional<double> cachedInput; // falls back to this tier's input when absent
    std::optional<double> cacheWrite;
};

// Prices in USD per million tokens. A price that is absent is unknown, never zero.
struct ModelPrice
{
    double input = 0;
    double output = 0;
    std::optional<double> cachedInput; // falls back to input when absent
    std::optional<double> cacheWrite; // falls back to input when absent
    std::optional<ModelPriceTier> longContext;
};

// What the catalog knows about one model of one provider.
struct ModelInfo
{
    QString provider; // provider id, e.g. "openai"
    QString id; // the provider's model name, e.g. "gpt-4o-mini"
    std::optional<ModelPrice> price;
    qint64 contextTokens = 0;
    qint64 maxOutputTokens = 0;
    bool streaming = true;
    bool tools = false;
    bool vision = false;
    bool reasoning = false;
    bool embeddings = false;
    bool retired = false; // the provider no longer serves it
    QStringList aliases; // other names that find() resolves to this entry
};

// The models per provider with their prices, loaded from JSON (the built-in catalog, or a user's file).
class ModelCatalog final
{
public:
    // The catalog compiled into the program (resources/model-catalog.json).
    static ModelCatalog builtIn();
    // nullopt and *error when the JSON is malformed or a price is not a non-negative number.
    static std::optional<ModelCatalog> fromJson(const QByteArray &json, QString *error);

    // Entries from `other` replace or add to this one's (user overrides, discovered local models).
    void merge(const ModelCatalog &other);
    void insert(ModelInfo model);

    // By model id or alias, in O(1).
    const ModelInfo *find(const QString &provider, const QString &model) const;
    // Every provider that offers a model of this name (id or alias), in catalog order.
    QStringList providersOf(const QString &model) const;
    QList<ModelInfo> models() const;
    qsizetype size() const { return m_models.size(); }
    // The catalog's "updated" date as written in the file, empty when absent.
    QString updated() const { return m_updated; }

private:
    static QString indexKey(const QString &provider, const QString &model); // "provider/model"
    void rebuildIndex();
    void indexModel(qsizetype position);

    QList<ModelInfo> m_models;
    QHash<QString, qsizetype> m_index; // "provider/model" (id or alias) -> position in m_models
    QHash<QString, QStringList> m_providers; // model id or alias -> providers, in catalog order
    QString m_updated;
};

// The cost of a request from its usage and the model's price; nullopt when the price is unknown.
std::optional<Cost> computeCost(const ModelInfo *model, const TokenUsage &usage);
