#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

// What the Settings → Policies retention level allows the gateway to keep.
enum class RetentionLevel { RetainAll, MetadataOnly };

// Settings → Policies: what is kept, and for how long. 0 days means "keep until deleted by hand".
struct RetentionPolicy
{
    RetentionLevel level = RetentionLevel::RetainAll;
    int payloadRetentionDays = 30; // request and response bodies, under Retain All Data
    int recordRetentionDays = 365; // the request records themselves; the usage rollups are kept

    static constexpr int kMaxDays = 36'500;

    // What a purge at `now` removes: payloads and records older than these (invalid: none, kept until
    // deleted; under Metadata Only every payload).
    QDateTime payloadsBefore(const QDateTime &now) const;
    QDateTime recordsBefore(const QDateTime &now) const;

    QJsonObject toJson() const;
    // Applies the fields present in `json` over this policy; nullopt and *error naming the field when one is
    // bad.
    std::optional<RetentionPolicy> patched(const QJsonObject &json, QString *error) const;
    bool operator==(const RetentionPolicy &other) const = default;
};

namespace RetentionLevels {
QString name(RetentionLevel level);
std::optional<RetentionLevel> fromName(const QString &name);
} // namespace RetentionLevels
