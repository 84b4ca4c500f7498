#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <optional>

// The typed answers of the management API (/api/v1) as the dashboard reads them, and errors as values.
// Plain values, copyable, usable from any thread. The parsers are tolerant: a field the server does not
// send (an older gateway) stays at its default, so the window can still show what it has.

// Why a call failed, in words a user can act on. httpStatus 0: no HTTP answer (unreachable, timeout,
// aborted); code: the API's own error code ("forbidden", "invalid" …) or one of ours for transport
// failures ("unreachable", "timeout", "bad_answer", "cancelled").
struct ApiError
{
    int httpStatus = 0;
    QString code;
    QString message;

    bool isError() const { return !code.isEmpty() || !message.isEmpty() || httpStatus >= 400; }
    // 401: the token is no longer accepted; the window signs in again (remote) or asks the host (local).
    bool isUnauthorized() const { return httpStatus == 401; }
};

// A value or the error that prevented it. C++20 has no std::expected.
template<class T> struct ApiResult
{
    std::optional<T> value;
    ApiError error;

    bool ok() const { return value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &operator*() const { return *value; }
    const T *operator->() const { return &*value; }
};

// GET /api/v1/status
struct StatusInfo
{
    struct Minute
    {
        QDateTime start; // UTC
        qint64 requests = 0;
        qint64 errors = 0;
        friend bool operator==(const Minute &, const Minute &) = default;
    };
    struct LogWriter
    {
        qint64 backlog = 0; // records waiting to be written
        qint64 backlogBytes = 0;
        qint64 failures = 0;
        qint64 dropped = 0;
    };
    struct Database
    {
        QString engine; // "sqlite" or "postgres"
        bool healthy = true;
        QString message; // why it is not healthy
    };

    QString version;
    QString url;
    QDateTime startedAt; // UTC
    qint64 uptimeS = 0;
    qint64 inFlight = 0;
    QList<Minute> requestsPerMinute; // oldest first
    std::optional<qint64> latestRecordId; // none while the store holds no record
    LogWriter logWriter;
    Database database;
    QString retentionLevel; // "retain_all" or "metadata_only"

    static StatusInfo fromJson(const QJsonObject &object);
};

// GET /api/v1/members/me: who the token belongs to and what the gateway lets them do. The window asks this
// instead of holding a copy of the role table.
struct MemberSelf
{
    qint64 id = 0;
    QString email;
    QString name;
    QString role; // owner, admin, developer, restricted
    // Action names granted, e.g. "usage.view", "usage.group_by_key", "logs.view", "keys.create" (the full
    // list is in the API's documentation of members/me).
    QSet<QString> can;
    QString recordScope; // "all", "own_keys" or "own_totals"

    bool may(const QString &action) const { return can.contains(action); }
    static MemberSelf fromJson(const QJsonObject &object);
};

// GET /api/v1/usage. Named UsageData, not UsageReport: the store has a UsageReport of its own, and both end
// up in the llm-gateway executable, where two classes of one name would break the one-definition rule.
struct UsageData
{
    // Milliseconds; nullopt where there were no requests (or no first token) to measure.
    struct Latency
    {
        std::optional<double> avg;
        std::optional<double> p50;
        std::optional<double> p95;
        std::optional<double> p99;
        friend bool operator==(const Latency &, const Latency &) = default;
    };
    struct Totals
    {
        qint64 requests = 0;
        qint64 errors = 0;
        qint64 retries = 0;
        qint64 cacheHits = 0;
        qint64 promptTokens = 0; // input, cached included
        qint64 completionTokens = 0; // output
        qint64 cachedTokens = 0;
        qint64 cacheWriteTokens = 0;
        qint64 reasoningTokens = 0;
        qint64 totalTokens = 0;
        double costUsd = 0;
        qint64 unpricedRequests = 0; // their cost is missing from costUsd, not zero
        Latency duration;
        Latency ttft;

        std::optional<double> errorRatePercent() const; // nullopt without requests
        std::optional<double> cacheHitRatePercent() const;
        // Output tokens per second of request time: completion tokens / (avg duration × requests).
        std::optional<double> outputTokensPerSecond() const;
        friend bool operator==(const Totals &, const Totals &) = default;
    };
    struct Point
    {
        QDateTime start; // UTC, the bucket's first instant
        Totals totals;
        friend bool operator==(const Point &, const Point &) = default;
    };
    struct Group
    {
        QString key; // model, provider, key id or member email
        QString name; // the key's name for group_by=key; empty otherwise
        Totals totals;
        QList<Point> series;
        QString label() const { return name.isEmpty() ? key : name; } // what the window shows
    };

    QDateTime from; // UTC, as the server rounded it
    QDateTime to;
    QString bucket; // "minute", "hour", "day", "week" or "month"
    QString groupBy; // empty, "model", "provider", "key" or "member"
    Totals totals;
    QList<Point> series; // dense: one point per bucket, empty ones as zeros
    QList<Group> groups; // with groupBy: largest cost first

    static UsageData fromJson(const QJsonObject &object);
};

// One request record of GET /api/v1/logs, with the export's snake_case fields. `json` keeps the whole
// object, for fields this struct does not name and for "copy as JSON".
struct LogRecord
{
    qint64 id = 0;
    QString requestId;
    QDateTime createdAt; // UTC
    std::optional<qint64> apiKeyId;
    QString member;
    QString requestedModel;
    QString usedModel;
    QString usedProvider;
    bool streamed = false;
    int status = 0;
    QString finishReason;
    QString error;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;
    qint64 reasoningTokens = 0;
    qint64 totalTokens = 0;
    std::optional<double> cost; // USD; nullopt when the price is unknown
    std::optional<double> durationMs;
    std::optional<double> ttftMs;
    QString clientIp;
    QString userAgent;
    QJsonObject json;

    static LogRecord fromJson(const QJsonObject &object);
};

// A page of GET /api/v1/logs, newest first. LogsPage, not LogPage: the store has a LogPage of its own.
struct LogsPage
{
    QList<LogRecord> records;
    std::optional<qint64> nextBefore; // pass as `before` for the next (older) page; none at the end
    std::optional<qint64> latestId; // the newest record id the server holds, when it says

    static LogsPage fromJson(const QJsonObject &object);
};

// POST /api/v1/keys
struct CreatedKey
{
    qint64 id = 0;
    QString name;
    QString key; // the plaintext: shown once, never again retrievable

    static CreatedKey fromJson(const QJsonObject &object);
};
