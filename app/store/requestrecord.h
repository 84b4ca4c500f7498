#pragma once

#include "usage.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

// Everything the gateway keeps about one proxied request: one row of the `requests` table.
struct RequestRecord
{
    QByteArray requestId; // the x-request-id
    QDateTime createdAt; // UTC, when the request arrived
    qint64 apiKeyId = 0; // 0 when the request was not authenticated
    QString member; // email of the key's owner, empty if none
    QString clientIp;
    QString userAgent;
    QString endpoint; // e.g. "/v1/chat/completions"
    QString requestedModel; // as the client wrote it
    QString usedModel; // as sent upstream
    QString usedProvider; // provider id, empty when no provider was reached
    int attempt = 1; // 2 and 3 are retries or fallbacks of the same request (same requestId)
    bool retried = false; // this attempt failed and another one followed
    bool cacheHit = false; // answered from the response cache
    bool streamed = false;
    int status = 0; // HTTP status returned to the client
    QString finishReason; // stop, length, tool_calls, content_filter, … (empty if none)
    QString error; // a one-line error message, empty on success
    TokenUsage usage;
    std::optional<Cost> cost; // absent when the price is unknown
    qint64 durationMs = 0;
    std::optional<qint64> ttftMs; // time to first byte of content sent to the client
    QByteArray requestBody; // kept only under the Retain All Data policy
    QByteArray responseBody; // idem; for streams, the relayed events
};
