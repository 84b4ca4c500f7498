#pragma once

#include "auditlog.h"
#include "threadconnections.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <optional>

// What an owner set for one provider through the management API, beside its secret: kept in the database's
// settings table as `provider.<id>` → JSON. Unset fields fall back to the config file and the environment.
struct ProviderSettings
{
    std::optional<QString> baseUrl;
    QStringList allowedModels; // empty: every model
    std::optional<double> spendLimitUsd; // per UTC calendar month
    bool keyStored = false; // a secret for this provider is in the OS keychain

    bool isEmpty() const { return !baseUrl && allowedModels.isEmpty() && !spendLimitUsd && !keyStored; }
    QJsonObject toJson() const;
    static ProviderSettings fromJson(const QJsonObject &json);
    bool operator==(const ProviderSettings &) const = default;
};

// Reads and writes the providers' settings rows. Failures are StoreError (Busy or Failed; the driver's words
// go to the log only). Thread-safe: one connection per thread.
class ProviderSettingsStore final
{
    Q_DISABLE_COPY_MOVE(ProviderSettingsStore)
public:
    explicit ProviderSettingsStore(DatabaseLocation location);

    // Every provider's settings by id; nullopt and *error when the database cannot be read.
    std::optional<QHash<QString, ProviderSettings>> readAll(StoreError *error);
    // Replaces the provider's row (empty settings remove it) and appends `audit`, in one transaction.
    bool write(const QString &providerId, const ProviderSettings &settings, const AuditEntry &audit,
        StoreError *error);
    // The cost recorded per provider since `since` (UTC), for the monthly spend limits.
    std::optional<QHash<QString, double>> spendSince(const QDateTime &since, StoreError *error);

private:
    ThreadConnections m_connections;
};
