#include "gateway.h"

#include "apicall.h"
#include "gatewayrouter.h"
#include "gatewayvitals.h"
#include "httpserver.h"
#include "localmodels.h"
#include "proxy/providerstats.h"
#include "proxy/responsecache.h"
#include "servercertificate.h"

#include <QFile>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QThread>
#include <QThreadPool>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcGateway, "gateway.core")

Gateway::Gateway(GatewayConfig config, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(clock)
{ }

Gateway::~Gateway()
{
    stop();
}

std::optional<DatabaseLocation> Gateway::databaseLocation(const GatewayConfig &config, QString *error)
{
    if (config.databaseUrl.isEmpty())
        return DatabaseLocation::inDataDir(config.dataDir);
    return DatabaseLocation::fromUrl(config.databaseUrl, error);
}

bool Gateway::start(QString *error)
{
    m_stopping = false;
    m_accepting = true;
    m_background = std::make_unique<QThreadPool>();
    m_background->setObjectName(u"gateway-background"_s);
    m_background->setMaxThreadCount(
        4); // one each for the catch-up, purge, spend sync and learning or discovery
    m_background->setExpiryTimeout(m_config.poolThreadExpiryMs);
    const auto location = databaseLocation(m_config, error);
    if (!location)
        return false;

    m_catalog = ModelCatalog::builtIn();
    if (!m_config.catalogFile.isEmpty()) {
        QFile file(m_config.catalogFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the model catalog %1: %2"_s.arg(m_config.catalogFile, file.errorString());
            return false;
        }
        QString catalogError;
        const auto user = ModelCatalog::fromJson(file.readAll(), &catalogError);
        if (!user) {
            *error = u"the model catalog %1 is not usable: %2"_s.arg(m_config.catalogFile, catalogError);
            return false;
        }
        m_catalog.merge(*user);
    }

    m_log = std::make_unique<LogWriter>(*location);
    if (!m_log->start(error))
        return false;
    m_keys = std::make_unique<ApiKeyStore>(*location, m_clock);
    m_members = std::make_unique<MemberStore>(*location, m_clock);
    m_accessTokens = std::make_unique<AccessTokenStore>(*location, *m_members, m_clock);
    m_audit = std::make_unique<AuditLog>(*location);
    m_policies = std::make_unique<PolicyStore>(*location, RetentionPolicy { m_config.retention, 30, 365 });
    if (StoreError storeError; !m_policies->refresh(&storeError)) {
        *error = storeError.message;
        return false;
    }
    m_records = std::make_unique<RecordStore>(*location);
    m_secrets = std::make_unique<SecretStore>(m_config.keychainService);
    m_providerSettings = std::make_unique<ProviderSettingsStore>(*location);
    m_providers
        = std::make_unique<ProviderRegistry>(m_config.providers, *m_providerSettings, *m_secrets, m_clock);
    if (StoreError storeError; !m_providers->load(&storeError)) {
        *error = storeError.message;
        return false;
    }
    // What local servers serve: asked at once, then every minute (a model pulled, a server started or stopped
    // since), always on the gateway's pool: start() neither waits up to the discovery timeout for a server
    // that does not answer nor runs a nested event loop, and the first model list has them as soon as they
    // answered.
    const auto discover = [this] {
        inBackground(m_discoveryRunning, [this, providers = configuredProviders()] {
            discoverLocalModels(providers, m_config.discoveryTimeoutMs, m_localModels);
        });
    };
    discover();
    every(m_config.localModelsRefreshMs, discover);
    m_apiPool = std::make_unique<QThreadPool>();
    m_apiPool->setMaxThreadCount(m_config.apiThreads > 0 ? m_config.apiThreads : kApiThreads);
    m_apiPool->setExpiryTimeout(m_config.poolThreadExpiryMs);
    m_signIns = std::make_unique<SignInThrottle>(m_clock);
    m_vitals = std::make_unique<GatewayVitals>(m_clock);
    m_apiContext = std::make_unique<ApiContext>(ApiContext { *m_members, *m_accessTokens, *m_audit, m_clock,
        *m_keys, *m_records, *m_policies, *m_providers, *m_apiPool, *m_signIns, *m_vitals, *m_log });
    startRetentionTimers();

    HttpServer::Options options;
    options.workerCount = m_config.workerThreads;
    options.connection.limits.maxBodyBytes = m_config.maxBodyBytes;
    options.connection.allowedHosts = m_config.hostAllowList();
    options.idleTimeoutMs = m_config.idleTimeoutMs;
    options.headerTimeoutMs = m_config.headerTimeoutMs;
    options.connection.behindTlsProxy = m_config.tlsTerminatedByProxy;
    if (m_config.servesTls()) {
        m_certificate = std::make_unique<ServerCertificate>(m_config.tlsCertificateFile, m_config.tlsKeyFile);
        if (!m_certificate->load(error)) {
            m_certificate.reset();
            return false;
        }
        options.tls = m_certificate.get();
    }
    if (m_config.responseCacheEnabled)
        m_cache = std::make_unique<ResponseCache>(
            m_clock, m_config.responseCacheTtlMs, m_config.responseCacheMaxEntries, 64 * 1024 * 1024);
    m_stats = std::make_unique<ProviderStats>();
    learnFromRecords();
    every(
        m_config.statsRefreshMs, [this] { inBackground(m_learningRunning, [this] { learnFromRecords(); }); });
    const ProxyContext context { m_config, m_catalog, m_localModels, *m_keys, *m_log, m_clock, m_cache.get(),
        *m_stats, *m_policies, *m_providers, m_vitals.get() };
    // Each worker routes /api/v1/… to its management API handler and the rest to its proxy.
    m_server = std::make_unique<HttpServer>(options,
        [context, api = m_apiContext.get()] { return std::make_unique<GatewayRouter>(context, *api); });

    QHostAddress address;
    if (m_config.host == u"localhost")
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(m_config.host)) {
        *error = u"the host '%1' is not an IP address to listen on (use 127.0.0.1, 0.0.0.0 or ::)"_s.arg(
            m_config.host);
        return false;
    }
    if (!m_server->listen(address, m_config.port)) {
        *error = listenProblem();
        m_server.reset();
        return false;
    }
    m_config.port = m_server->serverPort();
    m_vitals->setListening(url(), m_clock.now());
    if (const QString warning = m_config.plainTextExposureWarning(); !warning.isEmpty())
        qCWarning(lcGateway).noquote() << warning;
    return true;
}

QString Gateway::listenProblem() const
{
    const QString where = u"%1:%2"_s.arg(m_config.host).arg(m_config.port);
    switch (m_server->serverError()) {
    case QAbstractSocket::AddressInUseError:
        return u"port %1 is taken by another program (on %2); stop that program or choose another port with "
               "--port or \"port\" in config.json"_s.arg(m_config.port)
                   .arg(m_config.host);
    case QAbstractSocket::SocketAccessError:
        return u"this user may not listen on %1 (ports below 1024 need privileges); choose a port above 1024"_s
            .arg(where);
    case QAbstractSocket::SocketAddressNotAvailableError:
        return u"%1 is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its own addresses"_s
            .arg(m_config.host);
    default:
        return u"cannot listen on %1: %2"_s.arg(where, m_server->errorString());
    }
}

void Gateway::setAccepting(bool accepting)
{
    if (!m_server || accepting == m_accepting)
        return;
    m_accepting = accepting;
    if (accepting)
        m_server->resumeAccepting();
    else
        m_server->pauseAccepting();
}

void Gateway::startRetentionTimers()
{
    every(m_config.sharedRefreshMs, [this] {
        // Off this thread, which accepts connections: a keychain read may take seconds.
        inBackground(m_catchUpRunning, [this] {
            QString error;
            if (!catchUpWithSharedDatabase(&error))
                qCWarning(lcGateway).noquote() << error;
        });
        // Off this thread: it waits for the log writer.
        inBackground(m_spendSyncRunning, [this] {
            QString syncError;
            if (!syncKeySpend(&syncError))
                qCWarning(lcGateway).noquote() << "cannot bring the keys' spend up to date:" << syncError;
        });
    });
    // The purge may delete many rows: neither the window nor the accept loop waits for it.
    const auto purge = [this] {
        inBackground(m_purgeRunning, [this] {
            StoreError error; // the driver's words are in the log already (gateway.store)
            if (const auto removed = purgeExpired(&error); !removed)
                qCWarning(lcGateway).noquote() << "the retention policy was not applied:" << error.message;
            else if (removed->records > 0 || removed->payloads > 0)
                qCInfo(lcGateway).nospace()
                    << "retention policy: deleted " << removed->records << " records and the payloads of "
                    << removed->payloads << " more";
        });
    };
    every(m_config.purgeIntervalMs, purge);
    QTimer::singleShot(0, this, purge);
}

void Gateway::every(int intervalMs, const std::function<void()> &job)
{
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, job);
    timer->start(intervalMs);
    m_timers.append(timer);
}

void Gateway::inBackground(QAtomicInteger<bool> &running, std::function<void()> work)
{
    if (m_stopping || !m_background || !running.testAndSetAcquire(false, true))
        return;
    m_background->start([&running, work = std::move(work)] {
        work();
        running.storeRelease(false);
    });
}

QList<ProviderConfig> Gateway::configuredProviders() const
{
    QList<ProviderConfig> configured;
    for (const ProviderState &state : m_providers->snapshot()->providers) {
        if (state.config)
            configured.append(*state.config);
    }
    return configured;
}

bool Gateway::catchUpWithSharedDatabase(QString *error)
{
    StoreError storeError;
    if (m_policies->refresh(&storeError) && m_providers->refresh(&storeError) && m_keys->refresh(&storeError))
        return true;
    *error = storeError.message;
    return false;
}

bool Gateway::syncKeySpend(QString *error)
{
    m_keys->beginSpendSync();
    m_log->flush(QDeadlineTimer(10'000)); // a database that stopped answering must not hold up shutdown
    return m_keys->completeSpendSync(error);
}

void Gateway::learnFromRecords()
{
    const QDateTime now = m_clock.now();
    const RecordFilter lastHour { now.addSecs(-3600), now, {}, {}, {}, {} };
    StoreError error;
    const auto report = m_records->usage(lastHour, UsageBucket::Hour, UsageDimension::Provider, &error);
    if (!report) {
        qCWarning(lcGateway).noquote() << "cannot learn from the providers' recent records:" << error.message;
        return;
    }
    for (const UsageGroup &group : report->groups) {
        const UsageTotals &t = group.totals;
        if (!group.key.isEmpty() && t.requests > 0)
            m_stats->absorb(group.key, t.requests + t.retries, t.upstreamFailures,
                double(t.durationSumMs) / double(t.requests));
    }
}

std::optional<Removed> Gateway::purgeExpired(StoreError *error)
{
    const RetentionPolicy policy = m_policies->current();
    const QDateTime now = m_clock.now();
    return m_records->purge(policy.payloadsBefore(now), policy.recordsBefore(now),
        Actor { 0, u"retention policy"_s }, now, error);
}

void Gateway::stop()
{
    m_stopping = true;
    qDeleteAll(m_timers); // a later start() makes its own
    m_timers.clear();
    // A catch-up, purge, spend sync, learning or discovery in flight finishes before what it uses goes away.
    if (m_background)
        m_background->waitForDone();
    if (m_server) {
        m_server->shutdown(m_config.shutdownGraceMs);
        m_server.reset();
    }
    m_certificate.reset(); // a later start() reads the files again
    if (m_apiPool)
        m_apiPool->waitForDone();
    if (m_log)
        m_log->stop();
    m_accepting = false;
}

quint16 Gateway::port() const
{
    return m_config.port;
}

QByteArray Gateway::localOwnerToken(QString *error)
{
    if (!m_members) {
        *error = u"the gateway has not started"_s;
        return {};
    }
    StoreError storeError;
    const auto owner = m_members->ensureLocalOwner(&storeError);
    if (!owner) {
        *error = storeError.message;
        return {};
    }
    return m_accessTokens->mintSessionToken(owner->id);
}

QString Gateway::url() const
{
    const QString host = m_config.host.contains(u':') ? u'[' + m_config.host + u']' : m_config.host;
    return u"%1://%2:%3"_s.arg(m_config.servesTls() ? u"https"_s : u"http"_s, host).arg(m_config.port);
}
