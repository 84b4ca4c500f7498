#include "modelcatalog.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
constexpr double kPerMillion = 1e6; // prices are per million tokens
}

QString ModelCatalog::indexKey(const QString &provider, const QString &model)
{
    return provider + u'/' + model;
}

void ModelCatalog::merge(const ModelCatalog &other)
{
    for (const ModelInfo &model : other.m_models)
        insert(model);
    if (!other.m_updated.isEmpty() && other.m_updated > m_updated)
        m_updated = other.m_updated;
}

void ModelCatalog::insert(ModelInfo model)
{
    const auto existing = std::find_if(m_models.begin(), m_models.end(),
        [&](const ModelInfo &m) { return m.provider == model.provider && m.id == model.id; });
    if (existing != m_models.end()) {
        // Replacing keeps the entry's place; its old aliases may no longer apply, so index afresh.
        *existing = std::move(model);
        rebuildIndex();
        return;
    }
    m_models.append(std::move(model));
    indexModel(m_models.size() - 1);
}

void ModelCatalog::rebuildIndex()
{
    m_index.clear();
    m_providers.clear();
    for (qsizetype i = 0; i < m_models.size(); ++i)
        indexModel(i);
}

void ModelCatalog::indexModel(qsizetype position)
{
    const ModelInfo &model = m_models.at(position);
    // An id always wins over another model's alias of the same name.
    m_index.insert(indexKey(model.provider, model.id), position);
    for (const QString &alias : model.aliases) {
        const QString key = indexKey(model.provider, alias);
        if (!m_index.contains(key))
            m_index.insert(key, position);
    }
    for (const QString &name : QStringList { model.id } + model.aliases) {
        QStringList &providers = m_providers[name];
        if (!providers.contains(model.provider))
            providers.append(model.provider);
    }
}

const ModelInfo *ModelCatalog::find(const QString &provider, const QString &model) const
{
    const auto it = m_index.constFind(indexKey(provider, model));
    return it == m_index.cend() ? nullptr : &m_models.at(*it);
}

QStringList ModelCatalog::providersOf(const QString &model) const
{
    return m_providers.value(model);
}

QList<ModelInfo> ModelCatalog::models() const
{
    return m_models;
}

std::optional<Cost> computeCost(const ModelInfo *model, const TokenUsage &usage)
{
    if (!model || !model->price)
        return std::nullopt;
    const ModelPrice &price = *model->price;
    const qint64 prompt = std::max<qint64>(0, usage.promptTokens);
    const qint64 cached = std::max<qint64>(0, usage.cachedTokens);
    const qint64 written = std::max<qint64>(0, usage.cacheWriteTokens);
    const qint64 completion = std::max<qint64>(0, usage.completionTokens);
    // Reasoning tokens are not added: OpenAI-style usage already counts them in completionTokens.

    double input = price.input;
    double output = price.output;
    std::optional<double> cachedInput = price.cachedInput;
    std::optional<double> cacheWrite = price.cacheWrite;
    if (price.longContext && prompt > price.longContext->above) {
        // Providers bill the whole request at the higher rates once the prompt crosses the line.
        input = price.longContext->input;
        output = price.longContext->output;
        cachedInput = price.longContext->cachedInput;
        cacheWrite = price.longContext->cacheWrite;
    }

    const qint64 uncached = std::max<qint64>(0, prompt - cached - written);
    Cost cost;
    cost.input = double(uncached) * input / kPerMillion;
    cost.cachedInput = double(cached) * cachedInput.value_or(input) / kPerMillion;
    cost.cacheWrite = double(written) * cacheWrite.value_or(input) / kPerMillion;
    cost.output = double(completion) * output / kPerMillion;
    return cost;
}
