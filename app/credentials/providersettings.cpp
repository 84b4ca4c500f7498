#include "providersettings.h"

#include "sqlexec.h"
#include "usagerollups.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
const QString kKeyPrefix = u"provider."_s;
}

QJsonObject ProviderSettings::toJson() const
{
    QJsonObject json;
    if (baseUrl)
        json.insert(u"base_url"_s, *baseUrl);
    if (!allowedModels.isEmpty())
        json.insert(u"allowed_models"_s, QJsonArray::fromStringList(allowedModels));
    if (spendLimitUsd)
        json.insert(u"spend_limit_usd"_s, *spendLimitUsd);
    if (keyStored)
        json.insert(u"key_stored"_s, true);
    return json;
}

ProviderSettings ProviderSettings::fromJson(const QJsonObject &json)
{
    ProviderSettings settings;
    if (json.value(u"base_url"_s).isString())
        settings.baseUrl = json.value(u"base_url"_s).toString();
    for (const QJsonValue &model : json.value(u"allowed_models"_s).toArray())
        settings.allowedModels.append(model.toString());
    if (json.value(u"spend_limit_usd"_s).isDouble())
        settings.spendLimitUsd = json.value(u"spend_limit_usd"_s).toDouble();
    settings.keyStored = json.value(u"key_stored"_s).toBool();
    return settings;
}

ProviderSettingsStore::ProviderSettingsStore(DatabaseLocation location)
    : m_connections(std::move(location), u"gateway.providers"_s)
{ }

std::optional<QHash<QString, ProviderSettings>> ProviderSettingsStore::readAll(StoreError *error)
{
    const QString failure = u"cannot read the provider settings"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!Sql::exec(
            query, u"SELECT key, value FROM settings WHERE key LIKE ?"_s, { QString(kKeyPrefix + u'%') })) {
        *error = StoreError::database(failure, query.lastError());
        return std::nullopt;
    }
    QHash<QString, ProviderSettings> all;
    while (query.next()) {
        const QJsonObject json = QJsonDocument::fromJson(query.value(1).toString().toUtf8()).object();
        all.insert(query.value(0).toString().mid(kKeyPrefix.size()), ProviderSettings::fromJson(json));
    }
    return all;
}

bool ProviderSettingsStore::write(
    const QString &providerId, const ProviderSettings &settings, const AuditEntry &audit, StoreError *error)
{
    const QString failure = u"cannot save the settings of provider %1"_s.arg(providerId);
    AuditedChange audited(m_connections, failure);
    if (!audited.begin(error))
        return false;
    QSqlQuery query(audited.db());
    const QString key = kKeyPrefix + providerId;
    // Both SQLite (3.24+) and PostgreSQL know this upsert.
    const bool written = settings.isEmpty()
        ? Sql::exec(query, u"DELETE FROM settings WHERE key = ?"_s, { key })
        : Sql::exec(query,
            u"INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s,
            { key, QString::fromUtf8(QJsonDocument(settings.toJson()).toJson(QJsonDocument::Compact)) });
    if (!written) {
        *error = StoreError::database(failure, query.lastError());
        return false;
    }
    return audited.finish({ audit }, error);
}

std::optional<QHash<QString, double>> ProviderSettingsStore::spendSince(
    const QDateTime &since, StoreError *error)
{
    const QString failure = u"cannot sum the providers' spend"_s;
    QSqlDatabase db = m_connections.connection(failure, error);
    if (!db.isValid())
        return std::nullopt;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    // From the hourly usage rollups by provider, which outlive the purge of old records (`since` is a month's
    // start).
    if (!Sql::exec(query,
            u"SELECT used_provider, SUM(cost) FROM %1 WHERE bucket >= ? AND used_provider <> '' "
            "GROUP BY used_provider"_s.arg(
                UsageRollups::table(UsageRollups::Table::Hourly, UsageRollups::Slice::Provider)),
            { UsageRollups::hourOf(since) })) {
        *error = StoreError::database(failure, query.lastError());
        return std::nullopt;
    }
    QHash<QString, double> spend;
    while (query.next())
        spend.insert(query.value(0).toString(), query.value(1).toDouble());
    return spend;
}
