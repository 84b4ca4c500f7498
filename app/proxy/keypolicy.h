#pragma once

#include "keylimits.h"
#include "keyspend.h"

#include <QByteArray>
#include <QString>
#include <optional>

struct ApiKey;

// Why the gateway refuses a request for its key: the status, the error type and code the client sees, and
// a message that says what happened and what to do.
struct KeyRefusal
{
    int status = 403;
    QByteArray type; // OpenAI's error type: permission_error, authentication_error, insufficient_quota
    QByteArray code; // key_disabled, key_expired, model_not_allowed, spend_limit_reached
    QString message;
    QByteArray param; // "model" for model_not_allowed
};

// The rules a gateway API key imposes on each request, in one place: disabled, expired, models and
// providers, spend limits. Pure logic over the key, its spend totals and the time.
namespace KeyPolicy {
// Disabled (403 key_disabled) or expired at or before `now` (401 key_expired).
std::optional<KeyRefusal> checkStatus(const ApiKey &key, const QDateTime &now);
// May the key send a request for `requested` that goes to `provider` as `upstreamModel`? The model lists
// are matched against the requested name, "provider/upstreamModel" and upstreamModel, so "gpt-4o*",
// "openai/gpt-4o*" and the exact names all work whichever way the client named the model.
bool allowsRoute(
    const KeyLimits &limits, const QString &requested, const QString &provider, const QString &upstreamModel);
// 403 model_not_allowed, naming the model, the providers it would have gone to, and what the key allows.
KeyRefusal modelRefusal(const KeyLimits &limits, const QString &requested, const QStringList &providers);
// 429 spend_limit_reached once the spend has reached a limit (all-time first, then the period's).
std::optional<KeyRefusal> checkSpend(const KeyLimits &limits, const SpendTotals &spend);

// "$0.42", "$0.0031", "$12.00": dollars with enough digits that a small spend does not read as zero.
QString usd(double value);
} // namespace KeyPolicy
