// Removing a member locks the door: their gateway keys are refused at once (disabled when their records stay,
// deleted with them when they go), their access tokens stop working, their records stay or go as the remover
// chose, and the audit log says what happened. A member deleting their own account takes their records with
// it; what their keys spent stays in the team's figures. (The other instance's side is in tst_twoinstances.)
#include "apiteam.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;

class TestApiOffboarding final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void removalKeepsTheRecordsAndLocksTheKeysAtOnce();
    void removalWithTheRecordsDeletesThemAndTheKeys();
    void onlyAnOwnerRemovesSomeonesRecords();
    void aBadRecordsChoiceChangesNothing();
    void deletingOnesOwnAccountDeletesOnesRecords();

private:
    TestHttpResult removeDeveloper(const QByteArray &token, const QString &query = {});
    // The newest audit entry, as an owner reads it.
    QJsonObject lastAuditEntry();
    // The member's records, once at least `expected` are written (the proxy answers a moment before it hands
    // its record to the log writer).
    qsizetype recordsOf(const QString &email, qsizetype expected = 0);
    double teamCost();

    std::unique_ptr<ApiTeam> m_team;
    QByteArray m_developerKey;
};

// The developer has a key and two requests on record; the admin one.
void TestApiOffboarding::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
    m_developerKey = m_team->keyFor(m_team->developer, &error);
    QVERIFY2(!m_developerKey.isEmpty(), qPrintable(error));
    const QByteArray adminKey = m_team->keyFor(m_team->admin, &error);
    for (const QByteArray &key : { m_developerKey, m_developerKey, adminKey })
        QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(3).size(), 3);
}

void TestApiOffboarding::cleanup()
{
    m_team.reset();
}

TestHttpResult TestApiOffboarding::removeDeveloper(const QByteArray &token, const QString &query)
{
    return m_team->call(token, "DELETE", u"/api/v1/members/%1%2"_s.arg(m_team->developer.id).arg(query));
}

QJsonObject TestApiOffboarding::lastAuditEntry()
{
    return m_team->call(m_team->owner.token, "GET", u"/api/v1/audit?limit=1"_s)
        .json()[u"entries"_s]
        .toArray()
        .at(0)
        .toObject();
}

qsizetype TestApiOffboarding::recordsOf(const QString &email, qsizetype expected)
{
    return m_team->harness().waitForRecords(expected, u"member = ?"_s, { email }).size();
}

double TestApiOffboarding::teamCost()
{
    return m_team
        ->call(m_team->owner.token, "GET", u"/api/v1/usage?bucket=day"_s) // the last 30 days
        .json()[u"totals"_s][u"cost_usd"_s]
        .toDouble();
}

void TestApiOffboarding::removalKeepsTheRecordsAndLocksTheKeysAtOnce()
{
    const TestHttpResult removed = removeDeveloper(m_team->admin.token);
    QCOMPARE(removed.status, 200);
    QCOMPARE(removed.json()[u"records"_s].toString(), u"kept"_s);
    QCOMPARE(removed.json()[u"keys_disabled"_s].toInt(), 1);
    QCOMPARE(removed.json()[u"tokens_revoked"_s].toInt(), 1);
    // Their records stay under their email, as a former member's.
    QCOMPARE(recordsOf(m_team->developer.email), 2);

    // Their key: refused by the proxy with OpenAI's envelope, without waiting for any catch-up.
    const TestHttpResult refused = m_team->chat(m_developerKey, u"openai/gpt-4o-mini"_s);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"key_disabled"_s);
    QCOMPARE(refused.json()[u"error"_s][u"type"_s].toString(), u"permission_error"_s);
    // Their token: refused by the management API.
    QCOMPARE(m_team->call(m_team->developer.token, "GET", u"/api/v1/members/me"_s).status, 401);
    // Their records (and the refused attempt's) can still be exported by their email.
    QCOMPARE(recordsOf(m_team->developer.email, 3), 3);
    const TestHttpResult exported = m_team->call(m_team->owner.token, "GET",
        u"/api/v1/data/members/"_s + QString::fromLatin1(QUrl::toPercentEncoding(m_team->developer.email)));
    QCOMPARE(exported.status, 200);
    QCOMPARE(exported.body.count('\n'), 3);
    // Their key stays listed, disabled, so the team's figures by key still name it.
    const QJsonArray keys
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/keys"_s).json()[u"keys"_s].toArray();
    bool listed = false;
    for (const QJsonValue &key : keys) {
        if (key[u"member"_s].toString() == m_team->developer.email) {
            listed = true;
            QVERIFY(key[u"disabled"_s].toBool());
        }
    }
    QVERIFY(listed);
    // The others carry on.
    QCOMPARE(m_team->call(m_team->admin.token, "GET", u"/api/v1/members/me"_s).status, 200);
    QCOMPARE(m_team->chat(m_team->harness().apiKey(), u"openai/gpt-4o-mini"_s).status, 200);

    const QJsonObject audit = lastAuditEntry();
    QCOMPARE(audit[u"action"_s].toString(), u"member.remove"_s);
    QCOMPARE(audit[u"actor_email"_s].toString(), m_team->admin.email);
    QCOMPARE(audit[u"target"_s].toString(), u"member:%1"_s.arg(m_team->developer.id));
    QCOMPARE(audit[u"before"_s][u"email"_s].toString(), m_team->developer.email);
    QCOMPARE(audit[u"after"_s].toObject(),
        (QJsonObject { { u"records"_s, u"kept"_s }, { u"tokens_revoked"_s, 1 }, { u"keys_disabled"_s, 1 } }));
}

void TestApiOffboarding::removalWithTheRecordsDeletesThemAndTheKeys()
{
    const double costBefore = teamCost();
    QVERIFY(costBefore > 0);
    const TestHttpResult removed = removeDeveloper(m_team->owner.token, u"?records=delete"_s);
    QCOMPARE(removed.status, 200);
    QCOMPARE(removed.json()[u"records"_s].toString(), u"deleted"_s);
    QCOMPARE(removed.json()[u"records_deleted"_s].toInt(), 2);
    QCOMPARE(removed.json()[u"keys_deleted"_s].toInt(), 1);

    const TestHttpResult refused = m_team->chat(m_developerKey, u"openai/gpt-4o-mini"_s);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"invalid_api_key"_s);
    QCOMPARE(m_team->call(m_team->developer.token, "GET", u"/api/v1/members/me"_s).status, 401);
    QCOMPARE(recordsOf(m_team->developer.email), 0);
    QCOMPARE(recordsOf(m_team->admin.email), 1); // nobody else's
    const TestHttpResult byMember
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/usage?bucket=day&group_by=member"_s);
    QCOMPARE(byMember.status, 200);
    QVERIFY(!byMember.body.contains(m_team->developer.email.toUtf8()));
    // Their key is gone from the store (its creation and deletion stay in the audit log, as every change's
    // do).
    const TestHttpResult keys = m_team->call(m_team->owner.token, "GET", u"/api/v1/keys"_s);
    QCOMPARE(keys.status, 200);
    QCOMPARE(keys.json()[u"keys"_s].toArray().size(), 2); // the harness's and the admin's
    for (const QJsonValue &key : keys.json()[u"keys"_s].toArray())
        QVERIFY(key[u"member"_s].toString() != m_team->developer.email);
    // What their key spent is still part of the team's bill.
    QCOMPARE(teamCost(), costBefore);

    const QJsonObject audit = lastAuditEntry();
    QCOMPARE(audit[u"action"_s].toString(), u"member.remove"_s);
    QCOMPARE(audit[u"after"_s].toObject(),
        (QJsonObject { { u"records"_s, u"deleted"_s }, { u"tokens_revoked"_s, 1 }, { u"keys_deleted"_s, 1 },
            { u"records_deleted"_s, 2 } }));
}

void TestApiOffboarding::onlyAnOwnerRemovesSomeonesRecords()
{
    const QJsonObject lastBefore = lastAuditEntry();
    const TestHttpResult refused = removeDeveloper(m_team->admin.token, u"?records=delete"_s);
    QCOMPARE(refused.status, 403);
    QVERIFY2(errorMessage(refused).contains(u"owner"_s), qPrintable(errorMessage(refused)));
    // Nothing happened.
    QCOMPARE(m_team->call(m_team->developer.token, "GET", u"/api/v1/members/me"_s).status, 200);
    QCOMPARE(m_team->chat(m_developerKey, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(lastAuditEntry(), lastBefore);
}

void TestApiOffboarding::aBadRecordsChoiceChangesNothing()
{
    const TestHttpResult refused = removeDeveloper(m_team->owner.token, u"?records=archive"_s);
    QCOMPARE(refused.status, 422);
    QCOMPARE(errorMessage(refused), u"'records' must be keep or delete, not 'archive'"_s);
    const TestHttpResult self
        = m_team->call(m_team->developer.token, "DELETE", u"/api/v1/members/me?records=keep"_s);
    QCOMPARE(self.status, 422);
    QVERIFY2(errorMessage(self).contains(u"deleted with it"_s), qPrintable(errorMessage(self)));
    QCOMPARE(m_team->call(m_team->developer.token, "GET", u"/api/v1/members/me"_s).status, 200);
    QCOMPARE(m_team->chat(m_developerKey, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(recordsOf(m_team->developer.email, 3), 3); // theirs, and the one just now
}

void TestApiOffboarding::deletingOnesOwnAccountDeletesOnesRecords()
{
    const double costBefore = teamCost();
    const TestHttpResult left = m_team->call(m_team->developer.token, "DELETE", u"/api/v1/members/me"_s);
    QCOMPARE(left.status, 200);
    QCOMPARE(left.json()[u"records"_s].toString(), u"deleted"_s);
    QCOMPARE(left.json()[u"records_deleted"_s].toInt(), 2);
    QCOMPARE(recordsOf(m_team->developer.email), 0);
    QCOMPARE(m_team->chat(m_developerKey, u"openai/gpt-4o-mini"_s).status, 401);
    QCOMPARE(m_team->call(m_team->developer.token, "GET", u"/api/v1/members/me"_s).status, 401);
    QCOMPARE(teamCost(), costBefore);
    const QJsonObject audit = lastAuditEntry();
    QCOMPARE(audit[u"action"_s].toString(), u"member.remove"_s);
    QCOMPARE(audit[u"actor_email"_s].toString(), m_team->developer.email);

    // The last owner cannot leave this way.
    const TestHttpResult owner = m_team->call(m_team->owner.token, "DELETE", u"/api/v1/members/me"_s);
    QCOMPARE(owner.status, 409);
    QCOMPARE(m_team->call(m_team->owner.token, "GET", u"/api/v1/members/me"_s).status, 200);
}

QTEST_GUILESS_MAIN(TestApiOffboarding)
#include "tst_apioffboarding.moc"
