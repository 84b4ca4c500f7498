#include "providerregistry.h"

#include "clock.h"
#include "member.h"
#include "wirenames.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {

// "sk-…a1b2": a provider's public prefix and the last four characters, enough to tell keys apart; nothing for
// short keys, where four characters would give away too much of them.
QString keyHint(const QString &key)
{
    if (key.size() < 12)
        return {};
    static const QRegularExpression publicPrefix(u"^[A-Za-z]{2,4}[-_]"_s);
    return publicPrefix.match(key).captured() + u"…"_s + key.right(4);
}

// The environment variable that gives the gateway this provider's key without a keychain.
QString keyVariable(const ProviderSpec &spec)
{
    return spec.keyVariable.isEmpty()
        ? u"the variable that \"api_key_env\" names for %1 in config.json"_s.arg(spec.id)
        : spec.keyVariable;
}

// A provider's state as the audit log keeps it: never the secret, only where the key comes from.
QJsonObject auditJson(const ProviderState &state)
{
    return QJsonObject {
        { u"base_url"_s, state.baseUrl },
        { u"allowed_models"_s, QJsonArray::fromStringList(state.settings.allowedModels) },
        { u"spend_limit_usd"_s,
            state.settings.spendLimitUsd ? QJsonValue(*state.settings.spendLimitUsd)
                                         : QJsonValue(QJsonValue::Null) },
        { u"key_source"_s, keySourceName(state.keySource) },
    };
}

ProviderRegistry::Error failure(ProviderRegistry::Error::Kind kind, QString message)
{
    ProviderRegistry::Error error;
    error.kind = kind;
    error.message = std::move(message);
    return error;
}

// The settings' database failed: the answer is the store's (ApiReply::fromStoreError).
ProviderRegistry::Error storeFailure(const StoreError &storeError)
{
    ProviderRegistry::Error error = failure(ProviderRegistry::Error::Kind::Store, storeError.message);
    error.store = storeError;
    return error;
}

} // namespace

QString keySourceName(KeySource source)
{
    static const WireName<KeySource> names[] = {
        { KeySource::None, "none"_L1 },
        { KeySource::Environment, "environment"_L1 },
        { KeySource::Keychain, "keychain"_L1 },
    };
    return WireNames::name(names, source);
}

const ProviderState *ProviderSnapshot::find(QStringView id) const
{
    for (const ProviderState &state : providers) {
        if (state.spec.id == id)
            return &state;
    }
    return nullptr;
}

std::shared_ptr<const ProviderConfig> ProviderSnapshot::configured(QStringView id) const
{
    const ProviderState *state = find(id);
    return state ? state->config : nullptr;
}

std::shared_ptr<const ProviderSnapshot> ProviderSnapshot::of(const QList<ProviderConfig> &configs)
{
    auto snapshot = std::make_shared<ProviderSnapshot>();
    for (const ProviderConfig &config : configs) {
        ProviderState state;
        state.spec = config.spec;
        state.baseUrl = config.baseUrl;
        state.keySource = config.apiKey.isEmpty() ? KeySource::None : KeySource::Environment;
        state.config = std::make_shared<const ProviderConfig>(config);
        snapshot->providers.append(std::move(state));
    }
    return snapshot;
}

ProviderRegistry::ProviderRegistry(QList<ProviderConfig> fromConfig, ProviderSettingsStore &settings,
    SecretStore &secrets, const Clock &clock)
    : m_fromConfig(std::move(fromConfig))
    , m_specs(ProviderDirectory::all())
    , m_store(settings)
    , m_secrets(secrets)
    , m_clock(clock)
{
    for (const ProviderConfig &config : m_fromConfig) {
        if (!ProviderDirectory::find(config.spec.id))
            m_specs.append(config.spec); // the config file's own OpenAI-compatible servers
    }
    m_snapshot = build({}, {});
}

bool ProviderRegistry::load(StoreError *error)
{
    QMutexLocker locker(&m_changeMutex);
    auto settings = m_store.readAll(error);
    if (!settings)
        return false;
    const QDateTime now = m_clock.now();
    const auto spend = m_store.spendSince(ProviderSpend::monthStart(now), error);
    if (!spend)
        return false;
    m_spend.seed(*spend, now);
    m_secretValues.clear();
    m_keychainProblems.clear();
    adopt(*settings);
    return true;
}

bool ProviderRegistry::refresh(StoreError *error)
{
    QMutexLocker locker(&m_changeMutex);
    auto settings = m_store.readAll(error);
    if (!settings)
        return false;
    if (*settings != m_settings)
        adopt(*settings);
    return true;
}

void ProviderRegistry::adopt(const QHash<QString, ProviderSettings> &settings)
{
    m_settings = settings;
    // Secrets already read stay; those stored since (by another instance on this machine) are read once;
    // those removed since are dropped.
    for (auto it = m_secretValues.begin(); it != m_secretValues.end();) {
        if (m_settings.value(it.key()).keyStored)
            ++it;
        else
            it = m_secretValues.erase(it);
    }
    // Once the keychain proved unreachable, asking again for each provider would only wait again.
    std::optional<SecretStore::Result> unavailable;
    for (auto it = m_settings.cbegin(); it != m_settings.cend(); ++it) {
        if (!it->keyStored || m_secretValues.contains(it.key()) || m_keychainProblems.contains(it.key()))
            continue;
        const ProviderSpec *spec = nullptr;
        for (const ProviderSpec &known : std::as_const(m_specs))
            spec = known.id == it.key() ? &known : spec;
        if (!spec)
            continue; // a custom provider no longer in config.json
        const SecretStore::Result result = unavailable ? *unavailable : m_secrets.read(it.key());
        if (result.ok()) {
            m_secretValues.insert(it.key(), result.secret);
            continue;
        }
        QString problem;
        if (result.outcome == SecretStore::Result::Outcome::Unavailable) {
            unavailable = result;
            problem = u"the key stored for %1 cannot be read: "_s.arg(spec->displayName)
                + result.whatToDo(keyVariable(*spec));
        } else if (result.outcome == SecretStore::Result::Outcome::NotFound) {
            problem = u"the keychain no longer holds the key stored for %1 (removed outside the gateway?); "
                      "store it again"_s.arg(spec->displayName);
        } else {
            problem = u"the key stored for %1 cannot be read from the keychain: %2"_s.arg(
                spec->displayName, result.detail);
        }
        qCWarning(lcCredentials).noquote() << problem << "- using the environment's key, if any";
        m_keychainProblems.insert(it.key(), problem);
    }
    publish(build(m_settings, m_secretValues));
}

std::shared_ptr<const ProviderSnapshot> ProviderRegistry::snapshot() const
{
    QMutexLocker locker(&m_snapshotMutex);
    return m_snapshot;
}

void ProviderRegistry::publish(std::shared_ptr<const ProviderSnapshot> next)
{
    QMutexLocker locker(&m_snapshotMutex);
    m_snapshot = std::move(next);
}

std::shared_ptr<const ProviderSnapshot> ProviderRegistry::build(
    const QHash<QString, ProviderSettings> &settings, const QHash<QString, QString> &secrets) const
{
    auto snapshot = std::make_shared<ProviderSnapshot>();
    {
        QMutexLocker locker(&m_snapshotMutex);
        snapshot->generation = m_snapshot ? m_snapshot->generation + 1 : 1;
    }
    for (const ProviderSpec &spec : m_specs) {
        const ProviderConfig *base = nullptr; // from the config file or the environment
        for (const ProviderConfig &config : m_fromConfig)
            base = config.spec.id == spec.id ? &config : base;
        ProviderState state;
        state.spec = spec;
        state.settings = settings.value(spec.id);
        state.keychainProblem = m_keychainProblems.value(spec.id);
        state.baseUrl = state.settings.baseUrl.value_or(base ? base->baseUrl : spec.defaultBaseUrl);
        const QString secret = state.settings.keyStored ? secrets.value(spec.id) : QString();
        const QString key = !secret.isEmpty() ? secret : base ? base->apiKey : QString();
        state.keySource = !secret.isEmpty() ? KeySource::Keychain
            : !key.isEmpty()                ? KeySource::Environment
                                            : KeySource::None;
        state.keyHint = keyHint(key);
        // Reachable as GatewayConfig decides it: configured there, or given a key or a base URL here.
        const bool reachable = base || !secret.isEmpty() || state.settings.baseUrl;
        QString error;
        if (reachable && !state.baseUrl.isEmpty()) {
            if (auto config = makeProviderConfig(spec, state.baseUrl, key, &error)) {
                config->allowedModels = state.settings.allowedModels;
                config->spendLimitUsd = state.settings.spendLimitUsd;
                state.config = std::make_shared<const ProviderConfig>(std::move(*config));
            }
        }
        snapshot->providers.append(std::move(state));
    }
    return snapshot;
}

std::optional<ProviderRegistry::Error> ProviderRegistry::storeSecret(
    const ProviderSpec &spec, const Change &change)
{
    const SecretStore::Result result
        = change.apiKey ? m_secrets.write(spec.id, *change.apiKey) : m_secrets.remove(spec.id);
    if (result.ok() || (!change.apiKey && result.outcome == SecretStore::Result::Outcome::NotFound))
        return std::nullopt;
    const QString what = change.apiKey ? u"store"_s : u"remove"_s;
    if (result.outcome == SecretStore::Result::Outcome::Unavailable)
        return failure(Error::Kind::KeychainUnavailable,
            u"cannot %1 the key of %2: %3. Nothing was changed."_s.arg(
                what, spec.displayName, result.whatToDo(keyVariable(spec))));
    return failure(Error::Kind::Failed,
        u"the OS keychain did not %1 the key of %2: %3. Nothing was changed."_s.arg(
            what, spec.displayName, result.detail));
}

std::optional<ProviderRegistry::Error> ProviderRegistry::change(
    const Actor &actor, const QString &providerId, const Change &change)
{
    QMutexLocker locker(&m_changeMutex);
    const auto current = snapshot();
    const ProviderState *state = current->find(providerId);
    if (!state)
        return failure(Error::Kind::NotFound,
            u"there is no provider '%1'; custom OpenAI-compatible providers are "
            "added in config.json"_s.arg(providerId));
    const ProviderSpec spec = state->spec;
    const ProviderSettings before = state->settings;
    ProviderSettings after = before;
    if (change.baseUrl) {
        QString error;
        if (*change.baseUrl && !makeProviderConfig(spec, **change.baseUrl, QString(), &error))
            return failure(Error::Kind::Invalid, error);
        after.baseUrl = *change.baseUrl;
    }
    if (change.allowedModels)
        after.allowedModels = *change.allowedModels;
    if (change.spendLimitUsd)
        after.spendLimitUsd = *change.spendLimitUsd;
    if (change.removeKey && !before.keyStored)
        return failure(Error::Kind::NotFound,
            u"no key of %1 is stored in the keychain%2"_s.arg(spec.displayName,
                state->keySource == KeySource::Environment
                    ? u" (its key comes from the environment: %1)"_s.arg(spec.keyVariable)
                    : QString()));
    const bool keyChange = change.apiKey || change.removeKey;

    // The keychain first: when it cannot keep the secret, nothing else of the change may land either.
    if (keyChange) {
        if (auto refused = storeSecret(spec, change))
            return refused;
        after.keyStored = bool(change.apiKey);
    }
    QHash<QString, ProviderSettings> settings = m_settings;
    settings.insert(providerId, after);
    QHash<QString, QString> secrets = m_secretValues;
    if (change.apiKey)
        secrets.insert(providerId, *change.apiKey);
    else if (change.removeKey)
        secrets.remove(providerId);
    // A new or removed key settles what was wrong with the stored one (build() reads the problems).
    const QString oldProblem = keyChange ? m_keychainProblems.take(providerId) : QString();
    auto next = build(settings, secrets);

    AuditEntry audit;
    audit.at = m_clock.now();
    audit.actorMemberId = actor.memberId;
    audit.actorEmail = actor.email;
    audit.action = change.removeKey ? u"provider.key.remove"_s : u"provider.update"_s;
    audit.target = u"provider:"_s + providerId;
    audit.before = auditJson(*state);
    audit.after = auditJson(*next->find(providerId));
    if (keyChange)
        audit.after.insert(u"api_key"_s, change.apiKey ? u"set"_s : u"removed"_s);
    StoreError error;
    if (!m_store.write(providerId, after, audit, &error)) {
        // Put the keychain back as it was, so that it agrees with the settings that stayed.
        if (keyChange) {
            const QString previous = m_secretValues.value(providerId);
            if (before.keyStored && !previous.isEmpty())
                m_secrets.write(providerId, previous);
            else
                m_secrets.remove(providerId);
        }
        if (!oldProblem.isEmpty())
            m_keychainProblems.insert(providerId, oldProblem);
        return storeFailure(error);
    }
    m_settings = std::move(settings);
    m_secretValues = std::move(secrets);
    publish(std::move(next));
    return std::nullopt;
}
