// The store's enums on the wire: every value has its documented name, and each name reads back as its value.
#include "keylimits.h"
#include "member.h"
#include "retentionpolicy.h"
#include "usagereport.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestWireNames final : public QObject
{
    Q_OBJECT

private:
    template<class Enum, class Name, class FromName>
    void roundTrips(const QList<std::pair<Enum, QString>> &expected, Name name, FromName fromName)
    {
        for (const auto &[value, text] : expected) {
            QCOMPARE(name(value), text);
            QCOMPARE(fromName(text), std::optional<Enum>(value));
        }
        for (const QString &unknown : { u"Owner"_s, u"hours"_s, u"retain-all"_s, u" day"_s })
            QVERIFY(!fromName(unknown));
    }

private slots:
    void roles()
    {
        roundTrips<Role>({ { Role::Owner, u"owner"_s }, { Role::Admin, u"admin"_s },
                             { Role::Developer, u"developer"_s }, { Role::Restricted, u"restricted"_s } },
            Roles::name, Roles::fromName);
    }
    void buckets()
    {
        roundTrips<UsageBucket>({ { UsageBucket::Minute, u"minute"_s }, { UsageBucket::Hour, u"hour"_s },
                                    { UsageBucket::Day, u"day"_s }, { UsageBucket::Week, u"week"_s },
                                    { UsageBucket::Month, u"month"_s } },
            UsageBuckets::name, UsageBuckets::fromName);
    }
    void retentionLevels()
    {
        roundTrips<RetentionLevel>({ { RetentionLevel::RetainAll, u"retain_all"_s },
                                       { RetentionLevel::MetadataOnly, u"metadata_only"_s } },
            RetentionLevels::name, RetentionLevels::fromName);
    }
    void limitPeriods() // no period is the empty name
    {
        roundTrips<LimitPeriod>({ { LimitPeriod::None, QString() }, { LimitPeriod::Hour, u"hour"_s },
                                    { LimitPeriod::Day, u"day"_s }, { LimitPeriod::Week, u"week"_s },
                                    { LimitPeriod::Month, u"month"_s } },
            KeyPeriods::name, KeyPeriods::fromName);
    }
};

QTEST_GUILESS_MAIN(TestWireNames)
#include "tst_wirenames.moc"
