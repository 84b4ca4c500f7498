#pragma once

#include "modelcatalog.h"
#include "openaierror.h"
#include "usage.h"

#include <QByteArray>
#include <QString>

#include <optional>

// The API format a client speaks to the gateway.
enum class ClientFormat { OpenAI, Anthropic, Gemini, Responses };

// An error body in the client's format: OpenAI's envelope, or Anthropic's {"type":"error",…}.
QByteArray errorBodyFor(ClientFormat format, const ProxyError &error);
// The same error as one server-sent event, for a stream whose status line has already gone out.
QByteArray streamErrorEventFor(ClientFormat format, const ProxyError &error);
// An upstream's mid-stream error as the gateway reports it: 502 with the upstream's message, type and code.
ProxyError upstreamStreamError(QString message, QByteArray type, QByteArray code);

// What an exchange learns from the upstream's answer, for the record and the cost.
struct ExchangeState
{
    const ModelInfo *model = nullptr; // null when the catalog does not know the model: price unknown
    TokenUsage usage;
    QString finishReason;
    std::optional<Cost> cost;
    qint64 contentBytes = 0; // of the answer's text so far, for an estimate when no usage comes
    // Set when the upstream ended a stream with its error event (after the status line went out): the codec
    // has told the client in its format, and the record takes this status (502) and message.
    std::optional<ProxyError> streamError;

    // Sets usage and cost together.
    void setUsage(const TokenUsage &value);
    // For a stream that ended without a usage report: tokens estimated from the sizes, marked as such.
    void estimateUsage(qsizetype requestBytes);
};

// Translates one exchange's answer from the upstream's wire format into the client's: whole answers,
// stream events one at a time (no buffering beyond the event), errors.
class ExchangeCodec
{
public:
    virtual ~ExchangeCodec() = default;

    ClientFormat clientFormat() const { return m_clientFormat; }

    // A whole 2xx answer → the client's body; nullopt and *error when the upstream's answer is unusable.
    virtual std::optional<QByteArray> translateWhole(
        const QByteArray &body, ExchangeState &state, QString *error)
        = 0;
    // One complete server-sent event of the upstream (blank line included) → bytes for the client.
    virtual QByteArray translateEvent(QByteArrayView event, ExchangeState &state) = 0;
    // The upstream stream ended: whatever the client still needs (closing events).
    virtual QByteArray finishStream(ExchangeState &state) = 0;
    // The upstream's error answer (status ≥ 400) → the client's body; *message says what went wrong.
    virtual QByteArray translateError(int status, const QByteArray &body, QString *message) = 0;
    // The error event that ends a stream whose status line has gone out (the upstream broke off).
    virtual QByteArray streamError(const ProxyError &error)
    {
        return streamErrorEventFor(m_clientFormat, error);
    }

protected:
    explicit ExchangeCodec(ClientFormat format)
        : m_clientFormat(format)
    { }

private:
    ClientFormat m_clientFormat;
};
