#pragma once

#include "providerconfig.h"
#include "retentionpolicy.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

// The gateway's settings: built-in defaults, then the config file, then the environment and command line.
struct GatewayConfig
{
    static constexpr quint16 DefaultPort = 4747;

    QString host = QStringLiteral("127.0.0.1");
    quint16 port = DefaultPort;
    QString dataDir;
    QString databaseUrl; // empty: SQLite in the data dir
    QString catalogFile; // a user's model catalog merged over the built-in one
    RetentionLevel retention = RetentionLevel::RetainAll; // until Settings → Policies stores one
    qint64 maxBodyBytes = 32 * 1024 * 1024;
    int connectTimeoutMs = 10'000;
    int upstreamTimeoutMs = 600'000; // until the upstream's response head
    int streamIdleTimeoutMs = 300'000;
    int idleTimeoutMs = 120'000;
    int headerTimeoutMs = 30'000;
    int workerThreads = 0; // 0: one per usable core
    int apiThreads = 0; // the management API's pool; 0: Gateway::kApiThreads (the bench varies it)
    int shutdownGraceMs = 10'000;
    int discoveryTimeoutMs = 1'500; // asking local model servers for their models at start
    // The response cache: exact repeats answered without an upstream call (off by default).
    bool responseCacheEnabled = false;
    qint64 responseCacheTtlMs = 300'000;
    int responseCacheMaxEntries = 1'000;
    QStringList allowedHosts; // extra Host names to serve besides the listener's own
    // HTTPS on the listener: a PEM certificate (chain) and its key, both or neither; reloaded when they
    // change.
    QString tlsCertificateFile;
    QString tlsKeyFile;
    // A TLS proxy in front terminates every client's connection: plain HTTP from other machines is then its
    // own, and sign-in over it is allowed.
    bool tlsTerminatedByProxy = false;
    QList<ProviderConfig> providers; // from the config file and the environment; the registry adds the rest
    // How often the retention periods are applied; how often what other instances changed in a shared
    // database (keys, policies, provider settings) and the keys' spend are caught up with; how often routing
    // learns from the last hour's records; how often local servers are asked for their models. Not in the
    // config file: tests shorten them.
    int purgeIntervalMs = 3'600'000;
    int sharedRefreshMs = 30'000;
    int statsRefreshMs = 60'000;
    int localModelsRefreshMs
        = 60'000; // asking local servers (Ollama, LM Studio) again which models they serve
    // How long an idle thread of the gateway's pools (management API, background jobs) lives; its database
    // connections close with it. Qt's default; tests shorten it to watch connections come and go.
    int poolThreadExpiryMs = 30'000;
    // The OS keychain's service name under which provider secrets are kept (tests use their own).
    QString keychainService = QStringLiteral("llm-gateway");

    // Reads `configFile` (JSON; when empty, config.json in the data dir if it exists) and the environment.
    // nullopt and *error (naming the file and the setting) when something is wrong.
    static std::optional<GatewayConfig> load(const QString &dataDir, const QString &configFile,
        const QProcessEnvironment &environment, QString *error);

    // The certificate and key are given together, or not at all; *error says which is missing.
    bool checkTls(QString *error) const;
    bool servesTls() const { return !tlsCertificateFile.isEmpty(); }
    // What to say at start when other machines can reach the listener in plain text (passwords, tokens, keys
    // and payloads readable on the network); empty when it serves TLS, sits behind a TLS proxy or is
    // loopback.
    QString plainTextExposureWarning() const;

    const ProviderConfig *provider(QStringView id) const;
    // Host header values the server accepts (DNS rebinding protection); empty means any.
    QList<QByteArray> hostAllowList() const;
};
