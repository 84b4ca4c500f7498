#pragma once

#include <QDateTime>
#include <QString>
#include <QUrlQuery>
#include <optional>

// What a logs view asks GET /api/v1/logs for: filters and a cursor. Named LogsQuery because the store has a
// LogQuery of its own in the same executable.
struct LogsQuery
{
    QDateTime from; // invalid: from the oldest record
    QDateTime to; // invalid: up to now
    QString model;
    QString provider;
    std::optional<qint64> keyId;
    QString member;
    QString status; // an HTTP status such as "429", or "error"
    QString finishReason;
    int limit = 50; // 1 to 500
    std::optional<qint64> before; // older than this id (next_before of the previous page)
    std::optional<qint64> after; // newer than this id (live tail)

    QUrlQuery toUrlQuery() const;
    friend bool operator==(const LogsQuery &, const LogsQuery &) = default;
};
