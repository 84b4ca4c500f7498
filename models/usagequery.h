#pragma once

#include <QDateTime>
#include <QString>
#include <QUrlQuery>
#include <optional>

// What a usage view asks GET /api/v1/usage for: a range (a preset that follows the clock, or fixed
// times), a bucket, a grouping and filters. A value type; the pages keep one and hand it to ApiClient.
class UsageQuery
{
public:
    enum class Preset { LastHour, Last24Hours, Last7Days, Last30Days, Last90Days, Custom };
    enum class Bucket { Auto, Minute, Hour, Day, Week, Month };
    enum class GroupBy { None, Model, Provider, Key, Member };

    // The last 30 days up to now.
    UsageQuery();
    // A preset range ending at `now` (UTC). Custom is not a preset: use between().
    static UsageQuery last(Preset preset, const QDateTime &now = QDateTime::currentDateTimeUtc());
    // A fixed range [from, to), both converted to UTC.
    static UsageQuery between(const QDateTime &from, const QDateTime &to);

    Preset preset() const { return m_preset; }
    QDateTime from() const { return m_from; }
    QDateTime to() const { return m_to; }
    qint64 lengthSecs() const { return m_from.secsTo(m_to); }
    // The same preset moved to end at `now`; a custom range stays as it is.
    UsageQuery followed(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    Bucket bucket() const { return m_bucket; }
    void setBucket(Bucket bucket) { m_bucket = bucket; }
    // The bucket the server uses for Auto: minutes up to 6 h (when the range lies within the last 48 h, as
    // long as the server keeps minutes), hours up to 48 h, days up to 92 days, weeks beyond.
    Bucket effectiveBucket(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    static constexpr qint64 kMinuteHistoryHours = 48;

    GroupBy groupBy() const { return m_groupBy; }
    void setGroupBy(GroupBy groupBy) { m_groupBy = groupBy; }

    // Filters; empty (or nullopt) does not filter.
    QString model() const { return m_model; }
    void setModel(const QString &model) { m_model = model; }
    QString provider() const { return m_provider; }
    void setProvider(const QString &provider) { m_provider = provider; }
    std::optional<qint64> keyId() const { return m_keyId; }
    void setKeyId(std::optional<qint64> keyId) { m_keyId = keyId; }
    QString member() const { return m_member; } // the member's email
    void setMember(const QString &member) { m_member = member; }

    // from, to (ISO 8601 UTC), bucket (left out for Auto, so the server picks), group_by and the filters.
    QUrlQuery toUrlQuery() const;
    // The period of the same length that ends where this one starts, same bucket, grouping and filters:
    // what the dashboard compares its cards against.
    UsageQuery previousPeriod() const;

    static QString name(Bucket bucket); // "minute" …; empty for Auto
    static QString name(GroupBy groupBy); // "model" …; empty for None
    static qint64 presetSecs(Preset preset); // 0 for Custom

    friend bool operator==(const UsageQuery &, const UsageQuery &) = default;

private:
    Preset m_preset = Preset::Last30Days;
    QDateTime m_from;
    QDateTime m_to;
    Bucket m_bucket = Bucket::Auto;
    GroupBy m_groupBy = GroupBy::None;
    QString m_model;
    QString m_provider;
    std::optional<qint64> m_keyId;
    QString m_member;
};
