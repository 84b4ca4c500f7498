// policies, export and data against the role table of issue 4 ("change retention policy, purge, delete all
// data", "a member's own data can be exported and corrected by them; deleted by them or an owner"), through
// HTTP, with the proxy's records as the data.
#include "apiteam.h"
#include "testclock.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TestApiData final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void everyoneReadsThePolicies_data();
    void everyoneReadsThePolicies();
    void onlyOwnersChangeOrPurge_data();
    void onlyOwnersChangeOrPurge();
    void badPoliciesAreRefused_data();
    void badPoliciesAreRefused();
    void metadataOnlyRemovesAndStopsPayloads();
    void purgeFollowsTheRetentionPeriods();
    void purgeGoesChunkByChunk();
    void exportWholeStore_data();
    void exportWholeStore();
    void exportMemberData_data();
    void exportMemberData();
    void deleteMemberData_data();
    void deleteMemberData();
    void deletingOwnDataKeepsTheKeysSpend();
    void deleteAllData();
    void dataOfAFormerMemberByEmail();
    void anEmailInAnotherCaseIsTheSamePerson();

private:
    int usageRequests(const QString &member = {});
    TestClock m_clock;
    std::unique_ptr<ApiTeam> m_team;
    QHash<QString, QByteArray> m_keyOf;
};

// One request per member's key, two for the developer.
void TestApiData::init()
{
    m_clock.setNow(QDateTime(QDate(2026, 6, 1), QTime(12, 0), Qt::UTC));
    m_team = std::make_unique<ApiTeam>();
    ProxyHarness::Options options;
    options.clock = &m_clock;
    QString error;
    QVERIFY2(m_team->start(options, &error), qPrintable(error));
    for (const QString &name : { u"owner"_s, u"admin"_s, u"developer"_s, u"restricted"_s }) {
        m_keyOf[name] = m_team->keyFor(m_team->person(name), &error);
        QVERIFY2(!m_keyOf[name].isEmpty(), qPrintable(error));
        QCOMPARE(m_team->chat(m_keyOf[name], u"openai/gpt-4o-mini"_s).status, 200);
    }
    QCOMPARE(m_team->chat(m_keyOf[u"developer"_s], u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(5).size(), 5);
}

int TestApiData::usageRequests(const QString &member)
{
    const QString query = u"/api/v1/usage?from=2026-05-01&to=2027-07-01&bucket=month"_s
        + (member.isEmpty() ? QString()
                            : u"&member="_s + QString::fromLatin1(QUrl::toPercentEncoding(member)));
    return m_team->call(m_team->owner.token, "GET", query).json().value(u"totals"_s)[u"requests"_s].toInt();
}

void TestApiData::everyoneReadsThePolicies_data()
{
    QTest::addColumn<QString>("actor");
    for (const QString &name : { u"owner"_s, u"admin"_s, u"developer"_s, u"restricted"_s })
        QTest::newRow(qPrintable(name)) << name;
}

void TestApiData::everyoneReadsThePolicies()
{
    QFETCH(QString, actor);
    const TestHttpResult result = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/policies"_s);
    QCOMPARE(result.status, 200);
    const QJsonObject policy = result.json();
    QCOMPARE(policy.value(u"retention_level"_s).toString(), u"retain_all"_s);
    QCOMPARE(policy.value(u"payload_retention_days"_s).toInt(), 30);
    QCOMPARE(policy.value(u"record_retention_days"_s).toInt(), 365);
    QCOMPARE(m_team->call({}, "GET", u"/api/v1/policies"_s).status, 401);
}

void TestApiData::onlyOwnersChangeOrPurge_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::newRow("owner") << u"owner"_s << 200;
    QTest::newRow("admin") << u"admin"_s << 403;
    QTest::newRow("developer") << u"developer"_s << 403;
    QTest::newRow("restricted") << u"restricted"_s << 403;
}

void TestApiData::onlyOwnersChangeOrPurge()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    const TestHttpResult change = m_team->call(m_team->person(actor).token, "PATCH", u"/api/v1/policies"_s,
        QJsonObject { { u"payload_retention_days"_s, 7 } });
    QCOMPARE(change.status, status);
    const TestHttpResult purge
        = m_team->call(m_team->person(actor).token, "POST", u"/api/v1/policies/purge"_s);
    QCOMPARE(purge.status, status);
    const TestHttpResult all = m_team->call(m_team->person(actor).token, "DELETE", u"/api/v1/data"_s,
        QJsonObject { { u"confirm"_s, u"delete all data"_s } });
    QCOMPARE(all.status, status);
    const int days = m_team->call(m_team->owner.token, "GET", u"/api/v1/policies"_s)
                         .json()
                         .value(u"payload_retention_days"_s)
                         .toInt();
    if (status == 403) {
        QVERIFY2(errorMessage(change).contains(u"only an owner"_s), qPrintable(errorMessage(change)));
        QVERIFY2(errorMessage(all).contains(u"only an owner"_s), qPrintable(errorMessage(all)));
        QCOMPARE(days, 30);
        QCOMPARE(m_team->harness().records().size(), 5);
    } else {
        QCOMPARE(days, 7);
        QCOMPARE(m_team->harness().records().size(), 0);
    }
}

void TestApiData::badPoliciesAreRefused_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("level") << QJsonObject { { u"retention_level"_s, u"some"_s } } << u"'retention_level'"_s;
    QTest::newRow("negative") << QJsonObject { { u"record_retention_days"_s, -1 } }
                              << u"'record_retention_days'"_s;
    QTest::newRow("fraction") << QJsonObject { { u"payload_retention_days"_s, 1.5 } } << u"whole number"_s;
    QTest::newRow("text") << QJsonObject { { u"payload_retention_days"_s, u"30"_s } } << u"whole number"_s;
    QTest::newRow("unknown") << QJsonObject { { u"keep_forever"_s, true } } << u"unknown policy field"_s;
}

void TestApiData::badPoliciesAreRefused()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, message);
    QJsonObject mixed = body;
    mixed.insert(u"retention_level"_s, body.value(u"retention_level"_s).toString(u"metadata_only"_s));
    const TestHttpResult result = m_team->call(m_team->owner.token, "PATCH", u"/api/v1/policies"_s, mixed);
    QCOMPARE(result.status, 422);
    QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
    // Nothing of the change applied: the level stays and the payloads are still there.
    QCOMPARE(
        m_team->call(m_team->owner.token, "GET", u"/api/v1/policies"_s).json().value(u"retention_level"_s),
        u"retain_all"_s);
    QCOMPARE(m_team->harness().records(u"request_body IS NOT NULL"_s).size(), 5);
}

void TestApiData::metadataOnlyRemovesAndStopsPayloads()
{
    const TestHttpResult result = m_team->call(m_team->owner.token, "PATCH", u"/api/v1/policies"_s,
        QJsonObject { { u"retention_level"_s, u"metadata_only"_s } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(u"payloads_removed"_s).toInt(), 5);
    QCOMPARE(m_team->harness().records(u"request_body IS NOT NULL OR response_body IS NOT NULL"_s).size(), 0);
    // The proxy follows at once: a new request keeps its metadata, never its content.
    QCOMPARE(m_team->chat(m_keyOf[u"owner"_s], u"openai/gpt-4o-mini"_s).status, 200);
    const auto records = m_team->harness().waitForRecords(6);
    QCOMPARE(records.size(), 6);
    QVERIFY(records.last().value(u"request_body"_s).isNull());
    QVERIFY(records.last().value(u"prompt_tokens"_s).toInt() > 0);
    QVERIFY(!m_team->storedBytes().contains("\"content\":\"Hello\""));
    // Two audit entries: the policy change, then the removal of what it no longer allows.
    const QJsonArray audit
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s).json().value(u"entries"_s).toArray();
    QCOMPARE(audit.at(0)[u"action"_s].toString(), u"data.purge"_s);
    QCOMPARE(audit.at(0)[u"after"_s][u"payloads_removed"_s].toInt(), 5);
    QCOMPARE(audit.at(1)[u"action"_s].toString(), u"policy.update"_s);
    QCOMPARE(audit.at(1)[u"before"_s][u"retention_level"_s].toString(), u"retain_all"_s);
    QCOMPARE(audit.at(1)[u"after"_s][u"retention_level"_s].toString(), u"metadata_only"_s);
}

void TestApiData::purgeFollowsTheRetentionPeriods()
{
    QCOMPARE(m_team
                 ->call(m_team->owner.token, "PATCH", u"/api/v1/policies"_s,
                     QJsonObject { { u"payload_retention_days"_s, 10 }, { u"record_retention_days"_s, 40 } })
                 .status,
        200);
    m_clock.advance(24h * 9);
    TestHttpResult purge = m_team->call(m_team->owner.token, "POST", u"/api/v1/policies/purge"_s);
    QCOMPARE(purge.json().value(u"payloads_removed"_s).toInt(), 0);
    m_clock.advance(24h * 2); // 11 days: the payloads have expired, the records not
    purge = m_team->call(m_team->owner.token, "POST", u"/api/v1/policies/purge"_s);
    QCOMPARE(purge.status, 200);
    QCOMPARE(purge.json().value(u"payloads_removed"_s).toInt(), 5);
    QCOMPARE(purge.json().value(u"records_deleted"_s).toInt(), 0);
    QCOMPARE(m_team->harness().records(u"request_body IS NULL"_s).size(), 5);
    m_clock.advance(24h * 30); // 41 days: the records go, usage keeps counting them from the rollups
    purge = m_team->call(m_team->owner.token, "POST", u"/api/v1/policies/purge"_s);
    QCOMPARE(purge.json().value(u"records_deleted"_s).toInt(), 5);
    QCOMPARE(m_team->harness().records().size(), 0);
    QCOMPARE(usageRequests(), 5);
    // The gateway's own hourly purge does the same, and records itself as the actor.
    QCOMPARE(m_team->chat(m_keyOf[u"owner"_s], u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(1).size(), 1);
    m_clock.advance(24h * 41);
    StoreError error;
    const auto removed = m_team->gateway().purgeExpired(&error);
    QVERIFY2(removed, qPrintable(error.message));
    QCOMPARE(removed->records, 1);
    const QJsonArray audit
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s).json().value(u"entries"_s).toArray();
    QCOMPARE(audit.first()[u"action"_s].toString(), u"data.purge"_s);
    QCOMPARE(audit.first()[u"actor_email"_s].toString(), u"retention policy"_s);
}

// More rows than one purge transaction takes: every chunk is counted, and the newer records stay.
void TestApiData::purgeGoesChunkByChunk()
{
    constexpr int kOld = RecordStore::kChunkRows * 2 + 500;
    for (int i = 0; i < kOld; ++i) {
        RequestRecord r;
        r.requestId = "old-" + QByteArray::number(i);
        r.createdAt = m_clock.now().addDays(-400);
        r.status = 200;
        r.requestBody = "{\"old\":true}";
        m_team->gateway().logWriter().enqueue(std::move(r));
    }
    m_team->gateway().logWriter().flush();
    const TestHttpResult purge = m_team->call(m_team->owner.token, "POST", u"/api/v1/policies/purge"_s);
    QCOMPARE(purge.status, 200);
    QCOMPARE(purge.json().value(u"payloads_removed"_s).toInt(), kOld);
    QCOMPARE(purge.json().value(u"records_deleted"_s).toInt(), kOld);
    QCOMPARE(m_team->harness().records().size(), 5);
}

void TestApiData::exportWholeStore_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("status");
    QTest::newRow("owner, jsonl") << u"owner"_s << u"jsonl"_s << 200;
    QTest::newRow("admin, csv") << u"admin"_s << u"csv"_s << 200;
    QTest::newRow("developer") << u"developer"_s << u"jsonl"_s << 403;
    QTest::newRow("restricted") << u"restricted"_s << u"csv"_s << 403;
}

void TestApiData::exportWholeStore()
{
    QFETCH(QString, actor);
    QFETCH(QString, format);
    QFETCH(int, status);
    const TestHttpResult result
        = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/export?format="_s + format);
    QCOMPARE(result.status, status);
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"data/me"_s), qPrintable(errorMessage(result)));
        return;
    }
    QVERIFY(result.header("content-disposition")
                .contains(QByteArray("llm-gateway-records." + format.toLatin1())));
    const QList<QByteArray> lines = result.body.trimmed().split('\n');
    if (format == "csv"_L1) {
        QVERIFY(lines.first().startsWith("id,request_id,created_at,api_key_id,member,"));
        QCOMPARE(lines.size(), 1 + 5);
    } else {
        QCOMPARE(lines.size(), 5);
        QVERIFY(lines.first().contains("\"request_body\":{"));
    }
    QCOMPARE(m_team->call(m_team->person(actor).token, "GET", u"/api/v1/export?format=xml"_s).status, 422);
}

void TestApiData::exportMemberData_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("whose");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("lines");
    QTest::newRow("restricted: own") << u"restricted"_s << u"me"_s << 200 << 1;
    QTest::newRow("developer: own") << u"developer"_s << u"me"_s << 200 << 2;
    QTest::newRow("developer: not the owner's") << u"developer"_s << u"owner"_s << 403 << 0;
    QTest::newRow("restricted: not the developer's") << u"restricted"_s << u"developer"_s << 403 << 0;
    QTest::newRow("admin: a developer's") << u"admin"_s << u"developer"_s << 200 << 2;
}

void TestApiData::exportMemberData()
{
    QFETCH(QString, actor);
    QFETCH(QString, whose);
    QFETCH(int, status);
    QFETCH(int, lines);
    const QString who = whose == "me"_L1 ? whose : QString::number(m_team->person(whose).id);
    const TestHttpResult result
        = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/data/members/"_s + who);
    QCOMPARE(result.status, status);
    if (status != 200) {
        QVERIFY2(errorMessage(result).contains(u"only your own data"_s), qPrintable(errorMessage(result)));
        return;
    }
    const QList<QByteArray> rows = result.body.trimmed().split('\n');
    QCOMPARE(rows.size(), lines);
    const QString email = whose == "me"_L1 ? m_team->person(actor).email : m_team->person(whose).email;
    for (const QByteArray &row : rows)
        QVERIFY(row.contains(QByteArray("\"member\":\"" + email.toUtf8() + '"')));
    QCOMPARE(m_team->call(m_team->person(actor).token, "GET", u"/api/v1/data/members/99999"_s).status, 404);
}

void TestApiData::deleteMemberData_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("whose");
    QTest::addColumn<int>("status");
    QTest::newRow("developer: own") << u"developer"_s << u"developer"_s << 200;
    QTest::newRow("restricted: own") << u"restricted"_s << u"restricted"_s << 200;
    QTest::newRow("owner: a developer's") << u"owner"_s << u"developer"_s << 200;
    QTest::newRow("admin: not a developer's") << u"admin"_s << u"developer"_s << 403;
    QTest::newRow("developer: not the admin's") << u"developer"_s << u"admin"_s << 403;
}

void TestApiData::deleteMemberData()
{
    QFETCH(QString, actor);
    QFETCH(QString, whose);
    QFETCH(int, status);
    const QString email = m_team->person(whose).email;
    const int before = int(m_team->harness().records(u"member = ?"_s, { email }).size());
    const TestHttpResult result = m_team->call(
        m_team->person(actor).token, "DELETE", u"/api/v1/data/members/%1"_s.arg(m_team->person(whose).id));
    QCOMPARE(result.status, status);
    const int others = 5 - before;
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"only your own data"_s), qPrintable(errorMessage(result)));
        QCOMPARE(m_team->harness().records().size(), 5);
        QCOMPARE(usageRequests(email), before);
        return;
    }
    QCOMPARE(result.json().value(u"records_deleted"_s).toInt(), before);
    QCOMPARE(m_team->harness().records(u"member = ?"_s, { email }).size(), 0);
    QCOMPARE(m_team->harness().records().size(), others);
    QCOMPARE(usageRequests(email), 0); // their rollups went too
    QCOMPARE(usageRequests(), others);
    const QJsonArray audit
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s).json().value(u"entries"_s).toArray();
    QCOMPARE(audit.first()[u"action"_s].toString(), u"data.delete_member"_s);
    QCOMPARE(audit.first()[u"target"_s].toString(), u"data:"_s + email);
    QCOMPARE(audit.first()[u"actor_email"_s].toString(), m_team->person(actor).email);
}

// Deleting one's data must not reopen the spend limits of one's keys: what they spent stays, without a member
// or any other figure, and every instance that re-reads the spend from the database (the 30 s catch-up, a
// restart) still counts it.
void TestApiData::deletingOwnDataKeepsTheKeysSpend()
{
    const std::optional<ApiKey> key = m_team->gateway().keys().identify(m_keyOf[u"developer"_s]);
    QVERIFY(key);
    const QString keyPath = u"/api/v1/keys/%1"_s.arg(key->id);
    const auto spent = [&] {
        return m_team->call(m_team->owner.token, "GET", keyPath)
            .json()[u"spend"_s][u"all_time_usd"_s]
            .toDouble();
    };
    const double before = spent();
    QVERIFY(before > 0);
    const auto teamCost = [&] {
        return m_team
            ->call(m_team->owner.token, "GET", u"/api/v1/usage?from=2026-05-01&to=2026-07-01&bucket=month"_s)
            .json()[u"totals"_s][u"cost_usd"_s]
            .toDouble();
    };
    const double teamBefore = teamCost();
    QCOMPARE(m_team->call(m_team->developer.token, "DELETE", u"/api/v1/data/members/me"_s).status, 200);
    QCOMPARE(usageRequests(m_team->developer.email), 0);

    QString error;
    QVERIFY2(m_team->gateway().syncKeySpend(&error), qPrintable(error)); // re-reads every key's spend
    QCOMPARE(spent(), before);
    QCOMPARE(teamCost(), teamBefore); // the team's bill still adds up
    // A limit below what the key spent still holds.
    QCOMPARE(m_team
                 ->call(m_team->owner.token, "PATCH", keyPath,
                     QJsonObject { { u"spend_limit_usd"_s, before / 2 } })
                 .status,
        200);
    const TestHttpResult refused = m_team->chat(m_keyOf[u"developer"_s], u"openai/gpt-4o-mini"_s);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"spend_limit_reached"_s);
    // The member's own usage figures are gone: the kept spend belongs to no member.
    const QJsonObject byMember
        = m_team
              ->call(m_team->owner.token, "GET",
                  u"/api/v1/usage?from=2026-05-01&to=2026-07-01&bucket=month&group_by=member"_s)
              .json();
    for (const QJsonValue &group : byMember[u"groups"_s].toArray())
        QVERIFY(group[u"key"_s].toString() != m_team->developer.email);
}

void TestApiData::deleteAllData()
{
    const TestHttpResult unconfirmed = m_team->call(m_team->owner.token, "DELETE", u"/api/v1/data"_s);
    QCOMPARE(unconfirmed.status, 422);
    QVERIFY2(
        errorMessage(unconfirmed).contains(u"cannot be undone"_s), qPrintable(errorMessage(unconfirmed)));
    QCOMPARE(m_team->harness().records().size(), 5);
    const TestHttpResult done = m_team->call(m_team->owner.token, "DELETE", u"/api/v1/data"_s,
        QJsonObject { { u"confirm"_s, u"delete all data"_s } });
    QCOMPARE(done.status, 200);
    QCOMPARE(done.json().value(u"records_deleted"_s).toInt(), 5);
    QCOMPARE(m_team->harness().records().size(), 0);
    QCOMPARE(usageRequests(), 0);
    // The team, its keys and the audit trail stay.
    QCOMPARE(m_team->chat(m_keyOf[u"admin"_s], u"openai/gpt-4o-mini"_s).status, 200);
    const QJsonArray audit
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s).json().value(u"entries"_s).toArray();
    QCOMPARE(audit.first()[u"action"_s].toString(), u"data.delete_all"_s);
}

// Records of someone no longer on the team are named by email: an owner exports and deletes them.
void TestApiData::dataOfAFormerMemberByEmail()
{
    for (int i = 0; i < 3; ++i) {
        RequestRecord r;
        r.requestId = "former-" + QByteArray::number(i);
        r.createdAt = m_clock.now();
        r.member = u"former@example.org"_s;
        r.status = 200;
        m_team->gateway().logWriter().enqueue(std::move(r));
    }
    m_team->gateway().logWriter().flush();
    const QString path = u"/api/v1/data/members/former@example.org"_s;
    QCOMPARE(m_team->call(m_team->developer.token, "GET", path).status, 403);
    const TestHttpResult exported = m_team->call(m_team->admin.token, "GET", path);
    QCOMPARE(exported.status, 200);
    QCOMPARE(exported.body.trimmed().split('\n').size(), 3);
    QCOMPARE(m_team->call(m_team->admin.token, "DELETE", path).status, 403);
    const TestHttpResult deleted = m_team->call(m_team->owner.token, "DELETE", path);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json().value(u"records_deleted"_s).toInt(), 3);
    QCOMPARE(m_team->harness().records().size(), 5); // the team's own records stay
}

// A key issued to the developer's email as someone typed it (the command line's `keys create --member
// Developer@Example.COM`): its records are the developer's, exported and deleted with theirs whichever way
// the email is spelt.
void TestApiData::anEmailInAnotherCaseIsTheSamePerson()
{
    const QString email = m_team->developer.email;
    StoreError storeError;
    const auto key = m_team->gateway().keys().create(
        Actor { 0, u"cli"_s }, u"typed"_s, email.toUpper(), KeyLimits(), &storeError);
    QVERIFY2(key, qPrintable(storeError.message));
    QCOMPARE(key->key.member, email);
    QCOMPARE(m_team->chat(key->plaintext, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(6).size(), 6);
    // The developer sees the new key as theirs.
    QCOMPARE(m_team->call(m_team->developer.token, "GET", u"/api/v1/keys/%1"_s.arg(key->key.id)).status, 200);

    const QString byEmail = u"/api/v1/data/members/"_s + email.toUpper();
    for (const QString &path : { u"/api/v1/data/members/me"_s, byEmail }) {
        const TestHttpResult exported = m_team->call(m_team->developer.token, "GET", path);
        QCOMPARE(exported.status, 200);
        QCOMPARE(exported.body.trimmed().split('\n').size(), 3);
    }
    QCOMPARE(usageRequests(email.toUpper()), 3);
    const TestHttpResult deleted = m_team->call(m_team->owner.token, "DELETE", byEmail);
    QCOMPARE(deleted.status, 200);
    QCOMPARE(deleted.json().value(u"records_deleted"_s).toInt(), 3);
    QCOMPARE(deleted.json().value(u"member"_s).toString(), email);
    QCOMPARE(m_team->harness().records(u"member = ?"_s, { email }).size(), 0);
    QCOMPARE(m_team->harness().records().size(), 3); // the others' records stay
    QCOMPARE(usageRequests(email), 0);
}

QTEST_GUILESS_MAIN(TestApiData)
#include "tst_apidata.moc"
