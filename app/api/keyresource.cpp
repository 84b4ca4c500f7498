// keys: the gateway API keys clients present to the proxy, with their limits; listing, issuing, limiting,
// disabling, rolling and deleting them. Secrets leave only once, in the answer to create and roll.
#include "apiresources.h"

#include "apikeystore.h"
#include "auditlog.h"
#include "clock.h"
#include "memberstore.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

ApiReply invalid(const QString &message)
{
    return ApiReply::error(422, u"invalid"_s, message);
}

// Applies the limit fields present in `body` onto `limits` (null clears one); other fields are ignored here.
bool applyLimits(const QJsonObject &body, KeyLimits &limits, ApiReply *reply)
{
    if (body.contains(u"expires_at"_s)) {
        const QJsonValue value = body.value(u"expires_at"_s);
        if (value.isNull()) {
            limits.expiresAt.reset();
        } else {
            const QDateTime at = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
            if (!value.isString() || !at.isValid()) {
                *reply = invalid(
                    u"'expires_at' must be an ISO 8601 date and time such as 2026-12-31T23:59:59Z, or null"_s);
                return false;
            }
            limits.expiresAt = at.toUTC();
        }
    }
    for (const auto &[field, target] : { std::pair { u"spend_limit_usd"_s, &limits.spendLimitUsd },
             std::pair { u"period_limit_usd"_s, &limits.periodLimitUsd } }) {
        if (!body.contains(field))
            continue;
        const QJsonValue value = body.value(field);
        if (!value.isNull() && !value.isDouble()) {
            *reply = invalid(u"'%1' must be a number of US dollars, or null"_s.arg(field));
            return false;
        }
        *target = value.isNull() ? std::optional<double>() : std::optional(value.toDouble());
    }
    if (body.contains(u"limit_period"_s)) {
        const QJsonValue value = body.value(u"limit_period"_s);
        const auto period = KeyPeriods::fromName(value.isNull() ? QString() : value.toString());
        if ((!value.isNull() && !value.isString()) || !period) {
            *reply = invalid(u"'limit_period' must be hour, day, week or month"_s);
            return false;
        }
        limits.period = *period;
    } else if (body.contains(u"period_limit_usd"_s) && !limits.periodLimitUsd) {
        limits.period = LimitPeriod::None; // clearing the period limit clears its period
    }
    for (const auto &[field, target] : { std::pair { u"allowed_models"_s, &limits.allowedModels },
             std::pair { u"denied_models"_s, &limits.deniedModels },
             std::pair { u"allowed_providers"_s, &limits.allowedProviders },
             std::pair { u"denied_providers"_s, &limits.deniedProviders } }) {
        if (!body.contains(field))
            continue;
        const QJsonValue value = body.value(field);
        QStringList list;
        if (!value.isNull() && !value.isArray()) {
            *reply = invalid(
                u"'%1' must be an array of model or provider names (patterns may end in '*')"_s.arg(field));
            return false;
        }
        for (const QJsonValue &entry : value.toArray()) {
            if (!entry.isString()) {
                *reply = invalid(u"'%1' must be an array of strings"_s.arg(field));
                return false;
            }
            list.append(entry.toString());
        }
        *target = list;
    }
    if (const QString problem = limits.validate(); !problem.isEmpty()) {
        *reply = invalid(problem);
        return false;
    }
    return true;
}

bool isLimitField(const QString &field)
{
    static const QStringList fields { u"expires_at"_s, u"spend_limit_usd"_s, u"period_limit_usd"_s,
        u"limit_period"_s, u"allowed_models"_s, u"denied_models"_s, u"allowed_providers"_s,
        u"denied_providers"_s };
    return fields.contains(field);
}

std::optional<QList<ApiKey>> allKeys(const ApiContext &context, ApiReply *reply)
{
    StoreError error;
    auto keys = context.keys.list(&error);
    if (!keys)
        *reply = ApiReply::fromStoreError(error);
    return keys;
}

// A developer's budget check: their other keys' all-time limits plus this one's.
std::optional<ApiReply> checkBudget(const ApiContext &context, const ApiCall &call, const QString &ownerEmail,
    qint64 keyId, const KeyLimits &limits)
{
    if (ownerEmail.compare(call.actor.email, Qt::CaseInsensitive) != 0 || !call.actor.keyBudgetUsd)
        return std::nullopt;
    ApiReply reply;
    const auto keys = allKeys(context, &reply);
    if (!keys)
        return reply;
    double others = 0;
    for (const ApiKey &key : *keys) {
        if (key.id != keyId && key.member.compare(ownerEmail, Qt::CaseInsensitive) == 0)
            others += key.limits.spendLimitUsd.value_or(0);
    }
    if (const Decision decision = Permissions::keySpendWithinBudget(call.actor, limits.spendLimitUsd, others);
        !decision)
        return ApiReply::forbidden(decision);
    return std::nullopt;
}

ApiReply changeKey(const ApiContext &context, const ApiCall &call, const ApiKey &key)
{
    QString newName;
    std::optional<bool> disabled;
    bool limitsChange = false;
    for (auto it = call.body.begin(); it != call.body.end(); ++it) {
        if (it.key() == "name"_L1) {
            newName = it->toString().trimmed();
            if (newName.isEmpty())
                return invalid(u"'name' cannot be empty"_s);
        } else if (it.key() == "disabled"_L1) {
            if (!it->isBool())
                return invalid(u"'disabled' must be true or false"_s);
            disabled = it->toBool();
        } else if (isLimitField(it.key())) {
            limitsChange = true;
        } else {
            return invalid(
                u"'%1' cannot be changed (name, disabled, expires_at, spend_limit_usd, period_limit_usd, "
                "limit_period, allowed/denied_models, allowed/denied_providers can)"_s.arg(it.key()));
        }
    }
    KeyLimits limits = key.limits;
    ApiReply reply;
    if (limitsChange) {
        if (!applyLimits(call.body, limits, &reply))
            return reply;
        if (auto refused = checkBudget(context, call, key.member, key.id, limits))
            return *refused;
    }
    ApiKeyStore::Change keyChange;
    if (!newName.isEmpty() && newName != key.name)
        keyChange.name = newName;
    keyChange.disabled = disabled;
    if (limitsChange)
        keyChange.limits = limits;
    StoreError error;
    const auto updated = context.keys.update(call.auditActor(), key.id, keyChange, &error);
    return updated ? ApiReply { 200, updated->toJson() } : ApiReply::fromStoreError(error);
}

// The key {id} names, if the actor may see it; with `manage`, only if they may change it too.
std::optional<ApiKey> keyOf(const ApiContext &context, const ApiCall &call, bool manage, ApiReply *reply)
{
    const QString segment = call.params.value(u"id"_s);
    bool ok = false;
    const qint64 id = segment.toLongLong(&ok);
    std::optional<ApiKey> key = ok ? context.keys.find(id) : std::nullopt;
    if (ok && !key) {
        StoreError ignored; // the log has it; the key is then not found
        context.keys.refresh(&ignored); // made by another process since this one last read the keys
        key = context.keys.find(id);
    }
    if (!key) {
        *reply = ApiReply::error(404, u"not_found"_s, u"there is no API key '%1'"_s.arg(segment));
        return std::nullopt;
    }
    Decision decision = Permissions::seeKey(call.actor, key->member);
    if (decision && manage)
        decision = Permissions::manageKeyOf(call.actor, key->member);
    if (!decision) {
        *reply = ApiReply::forbidden(decision);
        return std::nullopt;
    }
    return key;
}

} // namespace

namespace KeyResource {

ApiReply list(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto keys = allKeys(context, &reply);
    if (!keys)
        return reply;
    const bool all = Permissions::seesAllKeys(call.actor.role);
    QJsonArray array;
    for (const ApiKey &key : *keys) {
        if (all || key.member.compare(call.actor.email, Qt::CaseInsensitive) == 0)
            array.append(key.toJson());
    }
    return { 200, QJsonObject { { u"keys"_s, array } } };
}

ApiReply create(const ApiContext &context, const ApiCall &call)
{
    QString ownerEmail = call.actor.email;
    if (call.body.contains(u"member_id"_s)) {
        const qint64 memberId = call.body.value(u"member_id"_s).toInteger();
        StoreError error;
        const auto member = memberId > 0 ? context.members.member(memberId, &error) : std::nullopt;
        if (!member) {
            if (const Decision decision = Permissions::manageKeyOf(call.actor, QString()); !decision)
                return ApiReply::forbidden(
                    decision); // tell who exists only to those who may issue keys to them
            return ApiReply::error(404, u"not_found"_s,
                u"there is no member %1 to issue the key to"_s.arg(
                    call.body.value(u"member_id"_s).toVariant().toString()));
        }
        ownerEmail = member->email;
    }
    if (const Decision decision = Permissions::manageKeyOf(call.actor, ownerEmail); !decision)
        return ApiReply::forbidden(decision);
    const QString name = call.body.value(u"name"_s).toString().trimmed();
    if (name.isEmpty())
        return invalid(u"give the key a 'name' (e.g. the app or person that will use it)"_s);
    KeyLimits limits;
    ApiReply reply;
    if (!applyLimits(call.body, limits, &reply))
        return reply;
    if (auto refused = checkBudget(context, call, ownerEmail, 0, limits))
        return *refused;

    StoreError error;
    const auto created = context.keys.create(call.auditActor(), name, ownerEmail, limits, &error);
    if (!created)
        return ApiReply::fromStoreError(error);
    QJsonObject body = created->key.toJson();
    body.insert(u"key"_s, QString::fromLatin1(created->plaintext)); // shown once
    return { 201, body };
}

ApiReply show(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto key = keyOf(context, call, false, &reply);
    if (!key)
        return reply;
    const SpendTotals spend = context.keys.spend(*key);
    QJsonObject body = key->toJson();
    body.insert(u"spend"_s,
        QJsonObject {
            { u"all_time_usd"_s, spend.allTime },
            { u"period_usd"_s, spend.period },
            { u"period_start"_s,
                spend.periodStart.isValid() ? QJsonValue(spend.periodStart.toString(Qt::ISODate))
                                            : QJsonValue(QJsonValue::Null) },
            { u"period_end"_s,
                spend.periodEnd.isValid() ? QJsonValue(spend.periodEnd.toString(Qt::ISODate))
                                          : QJsonValue(QJsonValue::Null) },
        });
    return { 200, body };
}

ApiReply change(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto key = keyOf(context, call, true, &reply);
    return key ? changeKey(context, call, *key) : reply;
}

ApiReply remove(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto key = keyOf(context, call, true, &reply);
    if (!key)
        return reply;
    StoreError error;
    if (!context.keys.remove(call.auditActor(), key->id, &error))
        return ApiReply::fromStoreError(error);
    return { 200, QJsonObject { { u"deleted"_s, true }, { u"id"_s, key->id } } };
}

ApiReply roll(const ApiContext &context, const ApiCall &call)
{
    ApiReply reply;
    const auto key = keyOf(context, call, true, &reply);
    if (!key)
        return reply;
    StoreError error;
    const auto rolled = context.keys.roll(call.auditActor(), key->id, &error);
    if (!rolled)
        return ApiReply::fromStoreError(error);
    QJsonObject body = rolled->key.toJson();
    body.insert(u"key"_s, QString::fromLatin1(rolled->plaintext)); // shown once
    return { 200, body };
}

} // namespace KeyResource
