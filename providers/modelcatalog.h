#pragma once

#include "usage.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

// Prices in USD per million tokens. A price that is absent is unknown, never zero.
struct ModelPrice
{
    double input = 0;
    double output = 0;
    std::optional<double> cachedInput; // falls back to input when absent
    std::optional<double> cacheWrite;  // falls back to input when absent
};

// What the catalog knows about one model of one provider.
struct ModelInfo
{
    QString provider; // provider id, e.g. "openai"
    QString id;       // the provider's model name, e.g. "gpt-4o-mini"
    std::optional<ModelPrice> price;
    qint64 contextTokens = 0;
    qint64 maxOutputTokens = 0;
    bool streaming = true;
    bool tools = false;
    bool vision = false;
    bool reasoning = false;
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

    const ModelInfo *find(const QString &provider, const QString &model) const;
    // Every provider that offers a model of this name, in catalog order.
    QStringList providersOf(const QString &model) const;
    QList<ModelInfo> models() const;
    qsizetype size() const { return m_models.size(); }

private:
    QList<ModelInfo> m_models;
    QHash<QString, qsizetype> m_index; // "provider/model" -> position in m_models
};

// The cost of a request from its usage and the model's price; nullopt when the price is unknown.
std::optional<Cost> computeCost(const ModelInfo *model, const TokenUsage &usage);
