#pragma once

#include "providerdirectory.h"
#include "upstreamconnection.h"

#include <QString>
#include <QStringList>
#include <optional>

// A provider the gateway can reach right now, with where and how, and the limits an owner set on it.
struct ProviderConfig
{
    ProviderSpec spec;
    QString baseUrl;
    QString apiKey; // empty for keyless local servers
    UpstreamEndpoint endpoint;
    QByteArray pathPrefix; // path of the base URL plus the provider's API prefix, e.g. "/v1"
    QStringList allowedModels; // empty: every model; patterns may end in '*'
    std::optional<double> spendLimitUsd; // per UTC calendar month
};

// Parses a provider base URL into where to connect and the path prefix; nullopt and *error if unusable.
std::optional<ProviderConfig> makeProviderConfig(
    const ProviderSpec &spec, const QString &baseUrl, const QString &apiKey, QString *error);
