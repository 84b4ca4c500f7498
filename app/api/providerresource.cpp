// providers: the upstream providers, their base URLs, allowed models and monthly spend limits, and their
// keys, which are write-only and kept in the OS keychain. Everyone but restricted members sees the list;
// owners and admins change it. Nobody ever reads a secret back: owners and admins see a hint ("sk-…a1b2"),
// developers not even that.
#include "apiresources.h"

#include "clock.h"
#include "providerregistry.h"
#include "wirenames.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

const WireName<ProviderFamily> kFamilyNames[] = {
    { ProviderFamily::OpenAICompatible, "openai_compatible"_L1 },
    { ProviderFamily::Anthropic, "anthropic"_L1 },
    { ProviderFamily::Gemini, "gemini"_L1 },
    { ProviderFamily::AzureOpenAI, "azure_openai"_L1 },
};

QJsonObject providerJson(ProviderRegistry &registry, const ProviderState &state, bool withHint)
{
    const auto &settings = state.settings;
    QJsonObject json {
        { u"id"_s, state.spec.id },
        { u"name"_s, state.spec.displayName },
        { u"family"_s, WireNames::name(kFamilyNames, state.spec.family) },
        { u"local"_s, state.spec.local },
        { u"base_url"_s, state.baseUrl },
        { u"configured"_s, state.config != nullptr },
        { u"key_source"_s, keySourceName(state.keySource) },
        { u"key_hint"_s,
            withHint && !state.keyHint.isEmpty() ? QJsonValue(state.keyHint) : QJsonValue(QJsonValue::Null) },
        { u"key_variable"_s,
            state.spec.keyVariable.isEmpty() ? QJsonValue(QJsonValue::Null)
                                             : QJsonValue(state.spec.keyVariable) },
        { u"allowed_models"_s, QJsonArray::fromStringList(settings.allowedModels) },
        { u"spend_limit_usd"_s,
            settings.spendLimitUsd ? QJsonValue(*settings.spendLimitUsd) : QJsonValue(QJsonValue::Null) },
        { u"month_spend_usd"_s, registry.spend().thisMonth(state.spec.id, registry.clock().now()) },
    };
    if (!state.keychainProblem.isEmpty())
        json.insert(u"keychain_problem"_s, state.keychainProblem);
    return json;
}

ApiReply invalid(const QString &message)
{
    return ApiReply::error(422, u"invalid"_s, message);
}

// A key goes into an HTTP header upstream: printable ASCII without spaces only.
bool isUsableKey(const QString &key)
{
    if (key.isEmpty() || key.size() > 4096)
        return false;
    for (const QChar c : key) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f)
            return false;
    }
    return true;
}

// The fields of a PUT or PATCH (both change only the fields they name); nullopt and *reply when malformed.
std::optional<ProviderRegistry::Change> parseChange(const QJsonObject &body, ApiReply *reply)
{
    if (body.isEmpty()) {
        *reply = invalid(u"name what to change: api_key, base_url, allowed_models or spend_limit_usd"_s);
        return std::nullopt;
    }
    ProviderRegistry::Change change;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QJsonValue value = it.value();
        if (it.key() == "api_key"_L1) {
            if (!value.isString() || !isUsableKey(value.toString())) {
                *reply = invalid(u"'api_key' must be the provider's key as a non-empty string without spaces "
                                 "(remove a stored key with DELETE /api/v1/providers/{id}/key)"_s);
                return std::nullopt;
            }
            change.apiKey = value.toString();
        } else if (it.key() == "base_url"_L1) {
            if (!value.isNull() && (!value.isString() || value.toString().trimmed().isEmpty())) {
                *reply = invalid(u"'base_url' must be an http:// or https:// URL, or null for the default"_s);
                return std::nullopt;
            }
            change.baseUrl = value.isNull() ? std::optional<QString>() : value.toString().trimmed();
        } else if (it.key() == "allowed_models"_L1) {
            QStringList models;
            if (!value.isNull() && !value.isArray()) {
                *reply
                    = invalid(u"'allowed_models' must be an array of model names (patterns may end in '*'), "
                              "or null for every model"_s);
                return std::nullopt;
            }
            for (const QJsonValue &model : value.toArray()) {
                if (!model.isString() || model.toString().trimmed().isEmpty()) {
                    *reply = invalid(u"'allowed_models' must contain only non-empty model names"_s);
                    return std::nullopt;
                }
                models.append(model.toString().trimmed());
            }
            change.allowedModels = models;
        } else if (it.key() == "spend_limit_usd"_L1) {
            if (!value.isNull() && (!value.isDouble() || value.toDouble() < 0)) {
                *reply = invalid(u"'spend_limit_usd' must be a number of US dollars per month (0 or more), "
                                 "or null for no limit"_s);
                return std::nullopt;
            }
            change.spendLimitUsd = value.isNull() ? std::optional<double>() : value.toDouble();
        } else {
            *reply = invalid(u"'%1' cannot be changed (api_key, base_url, allowed_models and spend_limit_usd "
                             "can)"_s.arg(it.key()));
            return std::nullopt;
        }
    }
    return change;
}

ApiReply fromError(const ProviderRegistry::Error &error)
{
    switch (error.kind) {
    case ProviderRegistry::Error::Kind::NotFound:
        return ApiReply::error(404, u"not_found"_s, error.message);
    case ProviderRegistry::Error::Kind::Invalid:
        return invalid(error.message);
    case ProviderRegistry::Error::Kind::KeychainUnavailable:
        return ApiReply::error(503, u"keychain_unavailable"_s, error.message);
    case ProviderRegistry::Error::Kind::Store:
        return ApiReply::fromStoreError(error.store);
    case ProviderRegistry::Error::Kind::Failed:
        break;
    }
    return ApiReply::error(500, u"internal"_s, error.message);
}

// Owners and admins see the key hints; the others (who may see providers at all) not.
bool seesHints(const ApiCall &call)
{
    return bool(Permissions::manageProviders(call.actor.role));
}

ApiReply unknownProvider(const QString &id)
{
    return ApiReply::error(404, u"not_found"_s,
        u"there is no provider '%1' (GET /api/v1/providers lists them; "
        "custom OpenAI-compatible ones are added in config.json)"_s.arg(id));
}

// Applies the change to provider {id}; answers the provider as it is then.
ApiReply applyChange(const ApiContext &context, const ApiCall &call, const ProviderRegistry::Change &change)
{
    const QString id = call.params.value(u"id"_s);
    if (const auto error = context.providers.change(call.auditActor(), id, change))
        return fromError(*error);
    const auto snapshot = context.providers.snapshot();
    return { 200, providerJson(context.providers, *snapshot->find(id), seesHints(call)) };
}

} // namespace

namespace ProviderResource {

ApiReply list(const ApiContext &context, const ApiCall &call)
{
    QJsonArray list;
    const auto snapshot = context.providers.snapshot();
    for (const ProviderState &state : snapshot->providers)
        list.append(providerJson(context.providers, state, seesHints(call)));
    return { 200, QJsonObject { { u"providers"_s, list } } };
}

ApiReply show(const ApiContext &context, const ApiCall &call)
{
    const QString id = call.params.value(u"id"_s);
    const auto snapshot = context.providers.snapshot();
    const ProviderState *state = snapshot->find(id);
    return state ? ApiReply { 200, providerJson(context.providers, *state, seesHints(call)) }
                 : unknownProvider(id);
}

ApiReply change(const ApiContext &context, const ApiCall &call)
{
    if (!context.providers.snapshot()->find(call.params.value(u"id"_s)))
        return unknownProvider(call.params.value(u"id"_s));
    ApiReply reply;
    const auto change = parseChange(call.body, &reply);
    return change ? applyChange(context, call, *change) : reply;
}

ApiReply removeKey(const ApiContext &context, const ApiCall &call)
{
    if (!context.providers.snapshot()->find(call.params.value(u"id"_s)))
        return unknownProvider(call.params.value(u"id"_s));
    ProviderRegistry::Change change;
    change.removeKey = true;
    return applyChange(context, call, change);
}

} // namespace ProviderResource
