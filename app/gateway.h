#pragma once

#include "accesstokenstore.h"
#include "apikeystore.h"
#include "auditlog.h"
#include "clock.h"
#include "gatewayconfig.h"
#include "localmodels.h"
#include "logwriter.h"
#include "memberstore.h"
#include "modelcatalog.h"
#include "policystore.h"
#include "providerregistry.h"
#include "recordstore.h"
#include "signinthrottle.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <memory>

struct ApiContext;
class GatewayVitals;
class HttpServer;
class ServerCertificate;
class ProviderStats;
class ResponseCache;

// The headless gateway, assembled: settings, model catalog, key store, log writer and the HTTP server with
// its proxy workers. The composition root (main) and the integration tests build one of these.
class Gateway final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Gateway)
public:
    Gateway(GatewayConfig config, const Clock &clock, QObject *parent = nullptr);
    ~Gateway() override;

    // Opens the database, loads the catalog and starts listening. False and *error (a sentence a user can act
    // on) when any of it fails. Blocks its thread for the store, the keychain and the first look at local
    // model servers, but runs no nested event loop: host it off the GUI thread (GatewayHost).
    bool start(QString *error);
    // Stops accepting, lets in-flight requests finish (up to the configured grace), writes every record.
    // Blocks its thread meanwhile, without running its events. start() may be called again afterwards.
    void stop();
    // Pauses or resumes accepting new connections; those already open are served on. On the gateway's thread.
    void setAccepting(bool accepting);
    bool isAccepting() const { return m_accepting; }

    quint16 port() const;
    QString url() const; // http://host:port, or https:// with a certificate
    // The listener's certificate while it serves HTTPS (else null); on the gateway's thread.
    ServerCertificate *serverCertificate() const { return m_certificate.get(); }
    const GatewayConfig &config() const { return m_config; }
    const ModelCatalog &catalog() const { return m_catalog; }
    const LocalModels &localModels() const { return m_localModels; }
    LogWriter &logWriter() { return *m_log; }
    ApiKeyStore &keys() { return *m_keys; }
    MemberStore &members() { return *m_members; }
    AccessTokenStore &accessTokens() { return *m_accessTokens; }
    AuditLog &audit() { return *m_audit; }
    PolicyStore &policies() { return *m_policies; }
    RecordStore &records() { return *m_records; }
    // Pulls routing's provider statistics toward the last hour's records (of every instance sharing the
    // database); the gateway does it at start and every minute.
    void learnFromRecords();
    const ProviderStats &providerStats() const { return *m_stats; }
    // What other instances sharing the database changed: the policies, the providers' settings and the keys
    // (disabled, limited, deleted). Every 30 s, with syncKeySpend() on a pool thread.
    bool catchUpWithSharedDatabase(QString *error);
    // Brings the keys' spend totals up to every instance's records.
    bool syncKeySpend(QString *error);
    // Applies the retention periods now (the gateway also does it hourly, off the event loop's thread).
    std::optional<Removed> purgeExpired(StoreError *error);
    ProviderRegistry &providers() { return *m_providers; }
    // For the local dashboard window: a management API token for the local owner (MemberStore::
    // ensureLocalOwner), held only in this process's memory, so that the window needs no sign-in. Call after
    // start(); empty and *error when the database cannot give an owner.
    QByteArray localOwnerToken(QString *error);

    // The database the gateway uses, from the config (or SQLite in the data dir).
    static std::optional<DatabaseLocation> databaseLocation(const GatewayConfig &config, QString *error);

    // A dashboard page fires about a dozen API calls at once. Measured with such a batch on 2 cores at 1M
    // records (bench_apipool, bench/results-usage-minutes-2026-12-06.md): the batch takes the CPU it needs
    // with 2, 4 or 8 threads alike, but with 2 the quick calls (status, members/me) wait behind the long
    // ones, and with 8 the first charts come later; 4 also keeps half the database connections of 8 (one per
    // store and thread, which counts against a shared PostgreSQL's limit).
    static constexpr int kApiThreads = 4;

private:
    void startRetentionTimers();
    // Runs `job` every `intervalMs` on this object's thread, until stop().
    void every(int intervalMs, const std::function<void()> &job);
    // Runs `work` on the gateway's own pool, one at a time per `running` flag (a run still going when the
    // next is due is not repeated), never once stop() has begun; stop() waits for those in flight.
    void inBackground(QAtomicInteger<bool> &running, std::function<void()> work);
    // The user-facing reason listening on host:port failed.
    QString listenProblem() const;
    QList<ProviderConfig> configuredProviders() const;

    GatewayConfig m_config;
    const Clock &m_clock;
    ModelCatalog m_catalog;
    LocalModels m_localModels;
    std::unique_ptr<ApiKeyStore> m_keys;
    std::unique_ptr<MemberStore> m_members;
    std::unique_ptr<AccessTokenStore> m_accessTokens;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<PolicyStore> m_policies;
    std::unique_ptr<RecordStore> m_records;
    QList<QTimer *> m_timers;
    bool m_stopping = false;
    bool m_accepting = true;
    // The catch-up, purge, spend sync, learning and discovery jobs: never the GUI's or anyone else's global
    // pool, and never the thread that accepts connections (a keychain read may take 10 s).
    std::unique_ptr<QThreadPool> m_background;
    QAtomicInteger<bool> m_catchUpRunning = false;
    QAtomicInteger<bool> m_learningRunning = false;
    QAtomicInteger<bool> m_purgeRunning = false;
    QAtomicInteger<bool> m_spendSyncRunning = false;
    QAtomicInteger<bool> m_discoveryRunning = false;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ProviderSettingsStore> m_providerSettings;
    std::unique_ptr<ProviderRegistry> m_providers;
    std::unique_ptr<QThreadPool> m_apiPool; // the management API's calls, off the proxy's workers
    std::unique_ptr<SignInThrottle> m_signIns;
    std::unique_ptr<ApiContext> m_apiContext;
    std::unique_ptr<LogWriter> m_log;
    std::unique_ptr<ResponseCache> m_cache; // null when the cache is off
    std::unique_ptr<ProviderStats> m_stats;
    std::unique_ptr<ServerCertificate> m_certificate; // HTTPS only; outlives m_server, whose workers read it
    std::unique_ptr<HttpServer> m_server;
    // /api/v1/status: where the gateway listens, since when, the proxy's requests in flight and per minute.
    std::unique_ptr<GatewayVitals> m_vitals;
};
