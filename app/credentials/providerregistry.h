#pragma once

#include "providerconfig.h"
#include "providersettings.h"
#include "providerspend.h"
#include "secretstore.h"

#include <QMutex>
#include <memory>

class Clock;
struct Actor;

// Where a provider's key in effect comes from.
enum class KeySource { None, Environment, Keychain };
QString keySourceName(KeySource source); // "none", "environment", "keychain"

// One provider as the registry knows it: what the management API shows, and what the proxy routes to.
struct ProviderState
{
    ProviderSpec spec;
    QString baseUrl; // in effect: the settings', else the config file's or environment's, else the default
    ProviderSettings settings;
    KeySource keySource = KeySource::None;
    QString keyHint; // "sk-…a1b2"; empty without a key or for a key too short to hint at safely
    QString keychainProblem; // why the stored secret is not in use (then the environment's key is)
    std::shared_ptr<const ProviderConfig> config; // null: not configured, the proxy does not route to it
};

// Every provider at one moment, immutable: a request resolves against one snapshot and its routes keep
// their provider alive, whatever changes meanwhile.
struct ProviderSnapshot
{
    QList<ProviderState> providers; // the directory's order, then the config file's custom ones
    quint64 generation = 0; // grows with every change

    const ProviderState *find(QStringView id) const;
    std::shared_ptr<const ProviderConfig> configured(QStringView id) const;
    // Exactly these providers, fixed (for tools and tests without a registry).
    static std::shared_ptr<const ProviderSnapshot> of(const QList<ProviderConfig> &configs);
};

// The live providers: those of the config file and the environment, overlaid with the settings owners made
// through the management API (database) and the secrets they stored (OS keychain, which wins over the
// environment). Changes take effect for the next request: each publishes a new snapshot. Thread-safe.
class ProviderRegistry final
{
    Q_DISABLE_COPY_MOVE(ProviderRegistry)
public:
    // A change through the API; fields left unset stay as they are.
    struct Change
    {
        std::optional<QString> apiKey; // a new secret
        bool removeKey = false;
        std::optional<std::optional<QString>> baseUrl; // inner nullopt: back to the environment's or default
        std::optional<QStringList> allowedModels;
        std::optional<std::optional<double>> spendLimitUsd;
    };
    struct Error
    {
        enum class Kind { NotFound, Invalid, KeychainUnavailable, Failed, Store };
        Kind kind = Kind::Failed;
        QString message;
        StoreError store; // Kind::Store: the settings' database failed (for ApiReply::fromStoreError)
    };

    ProviderRegistry(QList<ProviderConfig> fromConfig, ProviderSettingsStore &settings, SecretStore &secrets,
        const Clock &clock);

    // Reads the settings, the stored secrets and this month's spend. Only the database failing is an error:
    // a keychain that cannot be reached is logged, and the environment's keys are used.
    bool load(StoreError *error);
    // Picks up the settings another instance sharing the database changed (base URLs, allowed models, spend
    // limits, keys stored or removed); the gateway calls it every 30 s. False and *error when the database
    // cannot be read.
    bool refresh(StoreError *error);
    std::shared_ptr<const ProviderSnapshot> snapshot() const;
    // nullopt: done, and the next snapshot shows it. On any error nothing of the change was applied.
    std::optional<Error> change(const Actor &actor, const QString &providerId, const Change &change);

    ProviderSpend &spend() { return m_spend; }
    const Clock &clock() const { return m_clock; }

private:
    std::shared_ptr<const ProviderSnapshot> build(
        const QHash<QString, ProviderSettings> &settings, const QHash<QString, QString> &secrets) const;
    std::optional<Error> storeSecret(const ProviderSpec &spec, const Change &change);
    // Takes `settings` as the current ones, reads the secrets newly marked stored, publishes. With
    // m_changeMutex.
    void adopt(const QHash<QString, ProviderSettings> &settings);
    void publish(std::shared_ptr<const ProviderSnapshot> next);

    const QList<ProviderConfig> m_fromConfig;
    QList<ProviderSpec> m_specs;
    ProviderSettingsStore &m_store;
    SecretStore &m_secrets;
    const Clock &m_clock;
    ProviderSpend m_spend;

    QMutex m_changeMutex; // one change at a time; guards the three below
    QHash<QString, ProviderSettings> m_settings;
    QHash<QString, QString> m_secretValues;
    QHash<QString, QString> m_keychainProblems;

    mutable QMutex m_snapshotMutex;
    std::shared_ptr<const ProviderSnapshot> m_snapshot;
};
