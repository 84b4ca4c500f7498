#pragma once

#include "providerconfig.h"

#include <QList>
#include <QMap>
#include <QReadWriteLock>
#include <QStringList>

#include <atomic>

// The models the local servers (Ollama, LM Studio) serve, as they last answered, so that they can be listed
// and routed by bare name. Read by every worker, written by the discovery. Local models cost nothing unless
// the user's catalog gives them a price.
class LocalModels final
{
public:
    struct Model
    {
        QString provider;
        QString id;
    };

    // Every model, by provider id, in the order each server listed them.
    QList<Model> models() const;
    // The providers whose server serves a model of this name.
    QStringList providersOf(const QString &model) const;
    // Changes whenever a server's list changes.
    quint64 generation() const { return m_generation.load(std::memory_order_acquire); }
    // What `provider` serves now (empty: nothing, or not running); false when that is what it served before.
    bool set(const QString &provider, const QStringList &models);

private:
    mutable QReadWriteLock m_lock;
    QMap<QString, QStringList> m_byProvider;
    std::atomic<quint64> m_generation = 0;
};

// Asks each local server among `providers` for its models (Ollama's GET /api/tags, LM Studio's GET
// /v1/models) and puts its answer in `into`; a server that does not answer within `timeoutMs` serves nothing.
// Blocks the calling thread (any thread) until every server answered or timed out.
void discoverLocalModels(const QList<ProviderConfig> &providers, int timeoutMs, LocalModels &into);
