#include "retentionpolicy.h"

#include "wirenames.h"

#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace RetentionLevels {

namespace {
const WireName<RetentionLevel> kLevelNames[] = {
    { RetentionLevel::RetainAll, "retain_all"_L1 },
    { RetentionLevel::MetadataOnly, "metadata_only"_L1 },
};
} // namespace

QString name(RetentionLevel level)
{
    return WireNames::name(kLevelNames, level);
}

std::optional<RetentionLevel> fromName(const QString &name)
{
    return WireNames::value(kLevelNames, name);
}

} // namespace RetentionLevels

QDateTime RetentionPolicy::payloadsBefore(const QDateTime &now) const
{
    if (level == RetentionLevel::MetadataOnly) // no content at all, whatever its age
        return QDateTime(QDate(9999, 12, 31), QTime(0, 0), Qt::UTC);
    return payloadRetentionDays > 0 ? now.addDays(-payloadRetentionDays) : QDateTime();
}

QDateTime RetentionPolicy::recordsBefore(const QDateTime &now) const
{
    return recordRetentionDays > 0 ? now.addDays(-recordRetentionDays) : QDateTime();
}

QJsonObject RetentionPolicy::toJson() const
{
    return { { u"retention_level"_s, RetentionLevels::name(level) },
        { u"payload_retention_days"_s, payloadRetentionDays },
        { u"record_retention_days"_s, recordRetentionDays } };
}

std::optional<RetentionPolicy> RetentionPolicy::patched(const QJsonObject &json, QString *error) const
{
    RetentionPolicy next = *this;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString &field = it.key();
        const QJsonValue value = it.value();
        if (field == "retention_level"_L1) {
            const auto level = RetentionLevels::fromName(value.toString());
            if (!level) {
                *error = u"'retention_level' must be \"retain_all\" or \"metadata_only\""_s;
                return std::nullopt;
            }
            next.level = *level;
        } else if (field == "payload_retention_days"_L1 || field == "record_retention_days"_L1) {
            const double days = value.toDouble(-1);
            if (!value.isDouble() || days < 0 || days > kMaxDays || days != double(int(days))) {
                *error = u"'%1' must be a whole number of days from 0 (keep until deleted) to %2"_s.arg(field)
                             .arg(kMaxDays);
                return std::nullopt;
            }
            (field == "payload_retention_days"_L1 ? next.payloadRetentionDays : next.recordRetentionDays)
                = int(days);
        } else {
            *error
                = u"unknown policy field '%1' (retention_level, payload_retention_days, record_retention_days)"_s
                      .arg(field);
            return std::nullopt;
        }
    }
    return next;
}
