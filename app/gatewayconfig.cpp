#include "gatewayconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

bool readInt(const QJsonObject &object, const char *key, qint64 min, qint64 max, qint64 *out, QString *error)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined())
        return true;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < double(min) || number > double(max)
        || number != double(qint64(number))) {
        *error = u"'%1' must be a whole number from %2 to %3"_s.arg(QLatin1String(key)).arg(min).arg(max);
        return false;
    }
    *out = qint64(number);
    return true;
}

template<typename T>
bool readInt(const QJsonObject &object, const char *key, qint64 min, qint64 max, T *out, QString *error)
{
    qint64 value = *out;
    if (!readInt(object, key, min, max, &value, error))
        return false;
    *out = T(value);
    return true;
}

// tls_cert_file and tls_key_file (relative ones are beside the config file), tls_terminated_by_proxy.
bool applyTls(const QJsonObject &root, const QDir &base, GatewayConfig *config, QString *error)
{
    for (const auto &[key, file] : { std::pair(u"tls_cert_file"_s, &config->tlsCertificateFile),
             std::pair(u"tls_key_file"_s, &config->tlsKeyFile) }) {
        if (!root.contains(key))
            continue;
        if (!root.value(key).isString() || root.value(key).toString().isEmpty()) {
            *error = u"'%1' must be the path of a PEM file"_s.arg(key);
            return false;
        }
        *file = base.absoluteFilePath(root.value(key).toString());
    }
    const QJsonValue proxy = root.value(u"tls_terminated_by_proxy"_s);
    if (!proxy.isUndefined() && !proxy.isBool()) {
        *error = u"'tls_terminated_by_proxy' must be true or false"_s;
        return false;
    }
    config->tlsTerminatedByProxy = proxy.toBool(false);
    return true;
}

bool applyFile(const QString &path, GatewayConfig *config, QJsonObject *providers, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the config file %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        *error = u"the config file %1 is not a JSON object: %2"_s.arg(path, parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    static const QStringList known { u"host"_s, u"port"_s, u"database"_s, u"model_catalog"_s,
        u"retention_level"_s, u"max_body_bytes"_s, u"connect_timeout_ms"_s, u"upstream_timeout_ms"_s,
        u"stream_idle_timeout_ms"_s, u"idle_timeout_ms"_s, u"header_timeout_ms"_s, u"worker_threads"_s,
        u"shutdown_grace_ms"_s, u"allowed_hosts"_s, u"providers"_s, u"response_cache"_s, u"tls_cert_file"_s,
        u"tls_key_file"_s, u"tls_terminated_by_proxy"_s };
    for (const QString &key : root.keys()) {
        if (!known.contains(key)) {
            *error = u"%1: unknown setting '%2' (known: %3)"_s.arg(path, key, known.join(u", "_s));
            return false;
        }
    }
    QString fieldError;
    auto fail = [&] {
        *error = path + u": "_s + fieldError;
        return false;
    };
    if (root.contains(u"host"_s))
        config->host = root.value(u"host"_s).toString();
    if (root.contains(u"database"_s))
        config->databaseUrl = root.value(u"database"_s).toString();
    if (root.contains(u"model_catalog"_s))
        config->catalogFile = root.value(u"model_catalog"_s).toString();
    if (root.contains(u"retention_level"_s)) {
        const QString level = root.value(u"retention_level"_s).toString();
        if (level == u"retain_all")
            config->retention = RetentionLevel::RetainAll;
        else if (level == u"metadata_only")
            config->retention = RetentionLevel::MetadataOnly;
        else {
            fieldError = u"'retention_level' must be \"retain_all\" or \"metadata_only\""_s;
            return fail();
        }
    }
    if (!readInt(root, "port", 0, 65535, &config->port, &fieldError)
        || !readInt(root, "max_body_bytes", 1024, qint64(1) << 32, &config->maxBodyBytes, &fieldError)
        || !readInt(root, "connect_timeout_ms", 1, 600'000, &config->connectTimeoutMs, &fieldError)
        || !readInt(root, "upstream_timeout_ms", 1, 3'600'000, &config->upstreamTimeoutMs, &fieldError)
        || !readInt(root, "stream_idle_timeout_ms", 1, 3'600'000, &config->streamIdleTimeoutMs, &fieldError)
        || !readInt(root, "idle_timeout_ms", 100, 3'600'000, &config->idleTimeoutMs, &fieldError)
        || !readInt(root, "header_timeout_ms", 100, 600'000, &config->headerTimeoutMs, &fieldError)
        || !readInt(root, "worker_threads", 0, 256, &config->workerThreads, &fieldError)
        || !readInt(root, "shutdown_grace_ms", 0, 600'000, &config->shutdownGraceMs, &fieldError))
        return fail();
    const QJsonObject cache = root.value(u"response_cache"_s).toObject();
    qint64 ttlSeconds = config->responseCacheTtlMs / 1000;
    if (!readInt(cache, "ttl_seconds", 1, 30 * 86400, &ttlSeconds, &fieldError)
        || !readInt(cache, "max_entries", 1, 1'000'000, &config->responseCacheMaxEntries, &fieldError)) {
        fieldError.prepend(u"response_cache: "_s);
        return fail();
    }
    config->responseCacheTtlMs = ttlSeconds * 1000;
    config->responseCacheEnabled = cache.value(u"enabled"_s).toBool(false);
    if (!applyTls(root, QFileInfo(path).absoluteDir(), config, &fieldError))
        return fail();
    for (const QJsonValue &host : root.value(u"allowed_hosts"_s).toArray())
        config->allowedHosts.append(host.toString().toLower());
    *providers = root.value(u"providers"_s).toObject();
    return true;
}

} // namespace

std::optional<GatewayConfig> GatewayConfig::load(
    const QString &dataDir, const QString &configFile, const QProcessEnvironment &environment, QString *error)
{
    GatewayConfig config;
    config.dataDir = dataDir;
    QString path = configFile;
    if (path.isEmpty() && QFile::exists(QDir(dataDir).filePath(u"config.json"_s)))
        path = QDir(dataDir).filePath(u"config.json"_s);
    QJsonObject fileProviders;
    if (!path.isEmpty() && !applyFile(path, &config, &fileProviders, error))
        return std::nullopt;
    if (!config.checkTls(error)) {
        error->prepend(path + u": "_s);
        return std::nullopt;
    }
    if (environment.contains(u"LLMGW_DATABASE"_s))
        config.databaseUrl = environment.value(u"LLMGW_DATABASE"_s);

    // Ids the directory does not know are the user's own OpenAI-compatible servers: they need a base URL.
    QList<ProviderSpec> specs = ProviderDirectory::all();
    for (auto it = fileProviders.begin(); it != fileProviders.end(); ++it) {
        if (ProviderDirectory::find(it.key()))
            continue;
        const QJsonObject custom = it.value().toObject();
        static const QRegularExpression validId(u"^[a-z0-9][a-z0-9_-]*$"_s);
        if (!validId.match(it.key()).hasMatch() || !custom.contains(u"base_url"_s)) {
            *error
                = u"%1: provider '%2' is not a built-in one, so it needs a lower-case id and a \"base_url\" "
                  "(an OpenAI-compatible server)"_s.arg(path, it.key());
            return std::nullopt;
        }
        specs.append(ProviderSpec { it.key(), custom.value(u"name"_s).toString(it.key()),
            ProviderFamily::OpenAICompatible, QString(), QString(), QString(), false, QString() });
    }
    // A provider is reachable when it has a key, when its base URL was set explicitly (a keyless
    // OpenAI-compatible server), or when it is a local server at its default address.
    for (const ProviderSpec &spec : std::as_const(specs)) {
        const QJsonObject fromFile = fileProviders.value(spec.id).toObject();
        QString baseUrl
            = spec.baseUrlVariable.isEmpty() ? QString() : environment.value(spec.baseUrlVariable);
        QString source = spec.baseUrlVariable; // where the base URL came from, for the error message
        if (fromFile.contains(u"base_url"_s)) {
            baseUrl = fromFile.value(u"base_url"_s).toString();
            source = path;
        }
        QString key = spec.keyVariable.isEmpty() ? QString() : environment.value(spec.keyVariable);
        if (fromFile.contains(u"api_key_env"_s))
            key = environment.value(fromFile.value(u"api_key_env"_s).toString());
        if (key.isEmpty() && baseUrl.isEmpty() && !spec.local)
            continue;
        if (baseUrl.isEmpty())
            baseUrl = spec.defaultBaseUrl;
        if (baseUrl.isEmpty())
            continue; // e.g. Azure without an endpoint
        QString providerError;
        auto provider = makeProviderConfig(spec, baseUrl, key, &providerError);
        if (!provider) {
            *error = source.isEmpty() ? providerError : source + u": "_s + providerError;
            return std::nullopt;
        }
        config.providers.append(*provider);
    }
    return config;
}

const ProviderConfig *GatewayConfig::provider(QStringView id) const
{
    for (const ProviderConfig &provider : providers) {
        if (provider.spec.id == id)
            return &provider;
    }
    return nullptr;
}

QList<QByteArray> GatewayConfig::hostAllowList() const
{
    // Listening on every interface means serving a team under names we cannot know.
    if (host == u"0.0.0.0" || host == u"::")
        return {};
    QList<QByteArray> list;
    QStringList names { host.contains(u':') ? u'[' + host + u']' : host, u"localhost"_s, u"127.0.0.1"_s,
        u"[::1]"_s };
    names += allowedHosts;
    for (const QString &name : std::as_const(names)) {
        const QByteArray lower = name.toLower().toUtf8();
        if (!list.contains(lower))
            list.append(lower);
    }
    return list;
}

bool GatewayConfig::checkTls(QString *error) const
{
    if (tlsCertificateFile.isEmpty() == tlsKeyFile.isEmpty())
        return true;
    *error = tlsCertificateFile.isEmpty()
        ? u"a TLS key is given without its certificate (--tls-cert, or \"tls_cert_file\" in the config file)"_s
        : u"a TLS certificate is given without its key (--tls-key, or \"tls_key_file\" in the config file)"_s;
    return false;
}

QString GatewayConfig::plainTextExposureWarning() const
{
    if (servesTls() || tlsTerminatedByProxy)
        return {};
    const QHostAddress address(host);
    if (host == u"localhost" || address.isLoopback())
        return {};
    return u"WARNING: the gateway listens on %1, which other machines can reach, in plain HTTP: members' "
           u"passwords, "
           "access tokens, gateway keys and every prompt and answer cross the network readable by anyone on "
           "the way. "
           "Serve HTTPS with --tls-cert FILE --tls-key FILE (or \"tls_cert_file\" and \"tls_key_file\" in "
           "config.json), or put a TLS proxy in front and set \"tls_terminated_by_proxy\": true. Until then, "
           "sign-in and token creation from other machines are refused."_s.arg(host);
}
