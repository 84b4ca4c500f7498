// The keys resource against the role table of issue 4 ("see keys", "create/limit/roll/delete API keys"),
// through HTTP, and the keys it makes as the proxy enforces them.

#include "apiteam.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiKeys final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void withoutATokenIs401_data();
    void withoutATokenIs401();
    void seeKeys_data();
    void seeKeys();
    void createKey_data();
    void createKey();
    void manageKey_data();
    void manageKey();
    void developerStaysWithinTheirBudget();
    void limitsRoundTripAndTheProxyEnforcesThem();
    void rollInvalidatesTheOldPlaintext();
    void renameKeepsTheKeyWorking();
    void disableAndDeleteStopTheKey();
    void everyChangeIsAuditedWithoutSecrets();
    void anOversizedBodyIsRefusedInTheApisFormat();

private:
    // Creates a key through the API as `actor` for `memberId` (0: themselves); returns the answer.
    TestHttpResult createKey(const ApiTeam::Person &actor, qint64 memberId, const QJsonObject &limits = {});
    std::unique_ptr<ApiTeam> m_team;
};

void TestApiKeys::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

TestHttpResult TestApiKeys::createKey(
    const ApiTeam::Person &actor, qint64 memberId, const QJsonObject &limits)
{
    QJsonObject body = limits;
    body.insert(u"name"_s, u"key of %1"_s.arg(actor.email));
    if (memberId > 0)
        body.insert(u"member_id"_s, memberId);
    return m_team->call(actor.token, "POST", u"/api/v1/keys"_s, body);
}

void TestApiKeys::withoutATokenIs401_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("list") << QByteArray("GET") << u"/api/v1/keys"_s;
    QTest::newRow("create") << QByteArray("POST") << u"/api/v1/keys"_s;
    QTest::newRow("show") << QByteArray("GET") << u"/api/v1/keys/1"_s;
    QTest::newRow("limit") << QByteArray("PATCH") << u"/api/v1/keys/1"_s;
    QTest::newRow("roll") << QByteArray("POST") << u"/api/v1/keys/1/roll"_s;
    QTest::newRow("delete") << QByteArray("DELETE") << u"/api/v1/keys/1"_s;
}

void TestApiKeys::withoutATokenIs401()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const TestHttpResult result = m_team->call({}, method, path, QJsonObject { { u"name"_s, u"x"_s } });
    QCOMPARE(result.status, 401);
    QVERIFY2(errorMessage(result).contains(u"token"_s), qPrintable(errorMessage(result)));
    // The harness's own key (id 1) is untouched.
    QCOMPARE(m_team->gateway().keys().find(1).has_value(), true);
}

void TestApiKeys::seeKeys_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("seesOthers");
    QTest::newRow("owner: all") << u"owner"_s << 200 << true;
    QTest::newRow("admin: all") << u"admin"_s << 200 << true;
    QTest::newRow("developer: own only") << u"developer"_s << 200 << false;
    QTest::newRow("restricted: refused") << u"restricted"_s << 403 << false;
}

void TestApiKeys::seeKeys()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    QFETCH(bool, seesOthers);
    const TestHttpResult own = createKey(m_team->developer, 0);
    QCOMPARE(own.status, 201);
    const qint64 ownId = own.json().value(u"id"_s).toInteger();
    const TestHttpResult issued = createKey(m_team->owner, m_team->restricted.id);
    QCOMPARE(issued.status, 201);
    const qint64 otherId = issued.json().value(u"id"_s).toInteger();

    const TestHttpResult result = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/keys"_s);
    QCOMPARE(result.status, status);
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"cannot see API keys"_s), qPrintable(errorMessage(result)));
        QCOMPARE(
            m_team->call(m_team->person(actor).token, "GET", u"/api/v1/keys/%1"_s.arg(otherId)).status, 403);
        return;
    }
    QList<qint64> ids;
    for (const QJsonValue &key : result.json().value(u"keys"_s).toArray()) {
        ids.append(key.toObject().value(u"id"_s).toInteger());
        QVERIFY2(
            !key.toObject().contains(u"key"_s) && !result.body.contains("hash"), result.body.constData());
    }
    QCOMPARE(ids.contains(otherId), seesOthers);
    QCOMPARE(ids.contains(ownId), actor == "developer"_L1 || seesOthers);
    const TestHttpResult one
        = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/keys/%1"_s.arg(otherId));
    QCOMPARE(one.status, seesOthers ? 200 : 403);
    if (!seesOthers)
        QVERIFY2(errorMessage(one).contains(u"only your own API keys"_s), qPrintable(errorMessage(one)));
}

void TestApiKeys::createKey_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("forMember"); // "" = themselves
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("owner for a restricted member") << u"owner"_s << u"restricted"_s << 201 << QString();
    QTest::newRow("owner for themselves") << u"owner"_s << QString() << 201 << QString();
    QTest::newRow("admin for a restricted member") << u"admin"_s << u"restricted"_s << 201 << QString();
    QTest::newRow("admin for an owner") << u"admin"_s << u"owner"_s << 201 << QString();
    QTest::newRow("developer for themselves") << u"developer"_s << QString() << 201 << QString();
    QTest::newRow("developer for someone else")
        << u"developer"_s << u"restricted"_s << 403 << u"only your own API keys"_s;
    QTest::newRow("restricted for themselves") << u"restricted"_s << QString() << 403 << u"issued to you"_s;
}

void TestApiKeys::createKey()
{
    QFETCH(QString, actor);
    QFETCH(QString, forMember);
    QFETCH(int, status);
    QFETCH(QString, message);
    const ApiTeam::Person target = forMember.isEmpty() ? m_team->person(actor) : m_team->person(forMember);
    const TestHttpResult result = createKey(m_team->person(actor), forMember.isEmpty() ? 0 : target.id);
    QCOMPARE(result.status, status);
    if (status != 201) {
        QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
        StoreError listError;
        QCOMPARE(m_team->gateway().keys().list(&listError)->size(), 1); // only the harness's key
        return;
    }
    const QJsonObject key = result.json();
    QCOMPARE(key.value(u"member"_s).toString(), target.email);
    const QByteArray plaintext = key.value(u"key"_s).toString().toLatin1();
    QVERIFY(plaintext.startsWith("llmgw_"));
    // The key works at the proxy, and its plaintext is shown once: not in the key's own page.
    QCOMPARE(m_team->chat(plaintext, u"openai/gpt-4o-mini"_s).status, 200);
    const TestHttpResult shown
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/keys/%1"_s.arg(key.value(u"id"_s).toInteger()));
    QCOMPARE(shown.status, 200);
    QVERIFY(!shown.body.contains(plaintext) && !shown.json().contains(u"key"_s));
}

void TestApiKeys::manageKey_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("keyOwner");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<int>("status");
    const QList<std::tuple<const char *, QByteArray, QString, int>> actions { { "limit", "PATCH", QString(),
                                                                                  200 },
        { "roll", "POST", u"/roll"_s, 200 }, { "delete", "DELETE", QString(), 200 } };
    for (const auto &[action, method, suffix, okStatus] : actions) {
        for (const char *actor : { "owner", "admin" }) {
            for (const char *owner : { "developer", "restricted", "owner" })
                QTest::addRow("%s: %s a %s's key", actor, action, owner)
                    << QString::fromLatin1(actor) << QString::fromLatin1(owner) << method << suffix
                    << okStatus;
        }
        QTest::addRow("developer: %s own key", action)
            << u"developer"_s << u"developer"_s << method << suffix << okStatus;
        QTest::addRow("developer: %s another's key", action)
            << u"developer"_s << u"restricted"_s << method << suffix << 403;
        QTest::addRow("restricted: %s the key issued to them", action)
            << u"restricted"_s << u"restricted"_s << method << suffix << 403;
    }
}

void TestApiKeys::manageKey()
{
    QFETCH(QString, actor);
    QFETCH(QString, keyOwner);
    QFETCH(QByteArray, method);
    QFETCH(QString, suffix);
    QFETCH(int, status);
    const TestHttpResult created = createKey(m_team->owner, m_team->person(keyOwner).id);
    QCOMPARE(created.status, 201);
    const qint64 id = created.json().value(u"id"_s).toInteger();
    const QJsonObject body
        = method == "PATCH" ? QJsonObject { { u"spend_limit_usd"_s, 3.5 } } : QJsonObject();
    const TestHttpResult result
        = m_team->call(m_team->person(actor).token, method, u"/api/v1/keys/%1"_s.arg(id) + suffix, body);
    QCOMPARE(result.status, status);
    const std::optional<ApiKey> key = m_team->gateway().keys().find(id);
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"API keys"_s), qPrintable(errorMessage(result)));
        QVERIFY(key && !key->limits.spendLimitUsd); // nothing changed
        QCOMPARE(m_team->chat(created.json().value(u"key"_s).toString().toLatin1(), u"openai/gpt-4o-mini"_s)
                     .status,
            200);
        return;
    }
    if (method == "PATCH") {
        QCOMPARE(key->limits.spendLimitUsd, std::optional(3.5));
        QCOMPARE(result.json().value(u"spend_limit_usd"_s).toDouble(), 3.5);
    } else if (method == "DELETE") {
        QVERIFY(!key);
    } else {
        QVERIFY(result.json().value(u"key"_s).toString() != created.json().value(u"key"_s).toString());
    }
}

void TestApiKeys::developerStaysWithinTheirBudget()
{
    const TestHttpResult budget = m_team->call(m_team->owner.token, "PATCH",
        u"/api/v1/members/%1"_s.arg(m_team->developer.id), QJsonObject { { u"key_budget_usd"_s, 10.0 } });
    QCOMPARE(budget.status, 200);

    const TestHttpResult unlimited = createKey(m_team->developer, 0);
    QCOMPARE(unlimited.status, 403);
    QVERIFY2(errorMessage(unlimited).contains(u"budget is $10"_s), qPrintable(errorMessage(unlimited)));
    // A period limit alone does not bound what the key can spend.
    const TestHttpResult periodOnly = createKey(m_team->developer, 0,
        QJsonObject { { u"period_limit_usd"_s, 1.0 }, { u"limit_period"_s, u"day"_s } });
    QCOMPARE(periodOnly.status, 403);
    const TestHttpResult over
        = createKey(m_team->developer, 0, QJsonObject { { u"spend_limit_usd"_s, 10.5 } });
    QCOMPARE(over.status, 403);
    QVERIFY2(errorMessage(over).contains(u"exceeds your key budget"_s), qPrintable(errorMessage(over)));

    const TestHttpResult first
        = createKey(m_team->developer, 0, QJsonObject { { u"spend_limit_usd"_s, 6.0 } });
    QCOMPARE(first.status, 201);
    // The budget is for all their keys together.
    const TestHttpResult second
        = createKey(m_team->developer, 0, QJsonObject { { u"spend_limit_usd"_s, 5.0 } });
    QCOMPARE(second.status, 403);
    QVERIFY2(errorMessage(second).contains(u"at most $4"_s), qPrintable(errorMessage(second)));
    QCOMPARE(createKey(m_team->developer, 0, QJsonObject { { u"spend_limit_usd"_s, 4.0 } }).status, 201);

    const QString firstPath = u"/api/v1/keys/%1"_s.arg(first.json().value(u"id"_s).toInteger());
    QCOMPARE(
        m_team
            ->call(m_team->developer.token, "PATCH", firstPath, QJsonObject { { u"spend_limit_usd"_s, 7.0 } })
            .status,
        403);
    QCOMPARE(m_team
                 ->call(m_team->developer.token, "PATCH", firstPath,
                     QJsonObject { { u"spend_limit_usd"_s, QJsonValue(QJsonValue::Null) } })
                 .status,
        403);
    QCOMPARE(
        m_team
            ->call(m_team->developer.token, "PATCH", firstPath, QJsonObject { { u"spend_limit_usd"_s, 5.0 } })
            .status,
        200);
    // Disabling needs no budget, and owners issuing keys to the developer are not bound by it.
    QCOMPARE(
        m_team->call(m_team->developer.token, "PATCH", firstPath, QJsonObject { { u"disabled"_s, true } })
            .status,
        200);
    QCOMPARE(createKey(m_team->owner, m_team->developer.id).status, 201);
}

void TestApiKeys::limitsRoundTripAndTheProxyEnforcesThem()
{
    const QJsonObject limits {
        { u"expires_at"_s, u"2099-01-31T12:00:00Z"_s },
        { u"spend_limit_usd"_s, 25.0 },
        { u"period_limit_usd"_s, 2.5 },
        { u"limit_period"_s, u"week"_s },
        { u"allowed_models"_s, QJsonArray { u"gpt-4o*"_s, u"openai/*"_s } },
        { u"denied_models"_s, QJsonArray { u"gpt-4o"_s } },
        { u"allowed_providers"_s, QJsonArray { u"openai"_s } },
        { u"denied_providers"_s, QJsonArray { u"anthropic"_s } },
    };
    const TestHttpResult created = createKey(m_team->admin, m_team->restricted.id, limits);
    QCOMPARE(created.status, 201);
    const qint64 id = created.json().value(u"id"_s).toInteger();
    const TestHttpResult shown = m_team->call(m_team->admin.token, "GET", u"/api/v1/keys/%1"_s.arg(id));
    QCOMPARE(shown.status, 200);
    for (auto it = limits.begin(); it != limits.end(); ++it)
        QCOMPARE(shown.json().value(it.key()), it.value());
    const std::optional<ApiKey> stored = m_team->gateway().keys().find(id);
    QCOMPARE(stored->limits.period, LimitPeriod::Week);
    QCOMPARE(stored->limits.deniedModels, QStringList { u"gpt-4o"_s });

    const QByteArray plaintext = created.json().value(u"key"_s).toString().toLatin1();
    const TestHttpResult denied = m_team->chat(plaintext, u"gpt-4o"_s);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"model_not_allowed"_s);
    QCOMPARE(m_team->chat(plaintext, u"openai/gpt-4o-mini"_s).status, 200);
    const TestHttpResult spent = m_team->call(m_team->admin.token, "GET", u"/api/v1/keys/%1"_s.arg(id));
    QVERIFY2(spent.json().value(u"spend"_s).toObject().value(u"all_time_usd"_s).toDouble() > 0,
        spent.body.constData());
    QVERIFY(spent.json().value(u"spend"_s).toObject().value(u"period_start"_s).isString());

    // Bad limits are refused with what is wrong, and change nothing.
    const TestHttpResult bad = m_team->call(m_team->admin.token, "PATCH", u"/api/v1/keys/%1"_s.arg(id),
        QJsonObject { { u"limit_period"_s, u"fortnight"_s } });
    QCOMPARE(bad.status, 422);
    QVERIFY2(errorMessage(bad).contains(u"hour, day, week or month"_s), qPrintable(errorMessage(bad)));
    // Clearing the model deny lets the model through.
    QCOMPARE(m_team
                 ->call(m_team->admin.token, "PATCH", u"/api/v1/keys/%1"_s.arg(id),
                     QJsonObject { { u"denied_models"_s, QJsonArray() } })
                 .status,
        200);
    QCOMPARE(m_team->gateway().keys().find(id)->limits.period, LimitPeriod::Week);
    QCOMPARE(m_team->chat(plaintext, u"gpt-4o"_s).status, 200);
}

void TestApiKeys::rollInvalidatesTheOldPlaintext()
{
    const TestHttpResult created = createKey(m_team->developer, 0);
    const QByteArray old = created.json().value(u"key"_s).toString().toLatin1();
    QCOMPARE(m_team->chat(old, u"openai/gpt-4o-mini"_s).status, 200);
    const TestHttpResult rolled = m_team->call(m_team->developer.token, "POST",
        u"/api/v1/keys/%1/roll"_s.arg(created.json().value(u"id"_s).toInteger()));
    QCOMPARE(rolled.status, 200);
    const QByteArray fresh = rolled.json().value(u"key"_s).toString().toLatin1();
    QVERIFY(!fresh.isEmpty() && fresh != old);
    QCOMPARE(m_team->chat(old, u"openai/gpt-4o-mini"_s).status, 401);
    QCOMPARE(m_team->chat(fresh, u"openai/gpt-4o-mini"_s).status, 200);
    const QByteArray files = m_team->storedBytes();
    QVERIFY(!files.isEmpty());
    QVERIFY(!files.contains(old) && !files.contains(fresh));
    QVERIFY(!files.contains(fresh.mid(fresh.lastIndexOf('_') + 1)));
}

void TestApiKeys::disableAndDeleteStopTheKey()
{
    const TestHttpResult created = createKey(m_team->owner, m_team->restricted.id);
    const QByteArray plaintext = created.json().value(u"key"_s).toString().toLatin1();
    const QString path = u"/api/v1/keys/%1"_s.arg(created.json().value(u"id"_s).toInteger());
    QCOMPARE(m_team->call(m_team->owner.token, "PATCH", path, QJsonObject { { u"disabled"_s, true } }).status,
        200);
    const TestHttpResult refused = m_team->chat(plaintext, u"openai/gpt-4o-mini"_s);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"key_disabled"_s);
    QCOMPARE(
        m_team->call(m_team->owner.token, "PATCH", path, QJsonObject { { u"disabled"_s, false } }).status,
        200);
    QCOMPARE(m_team->chat(plaintext, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->call(m_team->owner.token, "DELETE", path).status, 200);
    QCOMPARE(m_team->chat(plaintext, u"openai/gpt-4o-mini"_s).status, 401);
    QCOMPARE(m_team->call(m_team->owner.token, "GET", path).status, 404);
}

void TestApiKeys::everyChangeIsAuditedWithoutSecrets()
{
    const TestHttpResult created
        = createKey(m_team->developer, 0, QJsonObject { { u"spend_limit_usd"_s, 1.0 } });
    const qint64 id = created.json().value(u"id"_s).toInteger();
    const QString path = u"/api/v1/keys/%1"_s.arg(id);
    QCOMPARE(
        m_team->call(m_team->developer.token, "PATCH", path, QJsonObject { { u"spend_limit_usd"_s, 2.0 } })
            .status,
        200);
    const TestHttpResult rolled = m_team->call(m_team->developer.token, "POST", path + u"/roll"_s);
    QCOMPARE(m_team->call(m_team->developer.token, "DELETE", path).status, 200);

    const TestHttpResult audit = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY(!audit.body.contains(created.json().value(u"key"_s).toString().toLatin1()));
    QVERIFY(!audit.body.contains(rolled.json().value(u"key"_s).toString().toLatin1()));
    QStringList actions;
    for (const QJsonValue &value : audit.json().value(u"entries"_s).toArray()) {
        const QJsonObject entry = value.toObject();
        if (entry.value(u"target"_s).toString() != u"key:%1"_s.arg(id))
            continue;
        actions.prepend(entry.value(u"action"_s).toString());
        QCOMPARE(entry.value(u"actor_email"_s).toString(), m_team->developer.email);
        if (entry.value(u"action"_s).toString() == "key.update"_L1) {
            QCOMPARE(entry.value(u"before"_s).toObject().value(u"spend_limit_usd"_s).toDouble(), 1.0);
            QCOMPARE(entry.value(u"after"_s).toObject().value(u"spend_limit_usd"_s).toDouble(), 2.0);
        }
    }
    QCOMPARE(actions, (QStringList { u"key.create"_s, u"key.update"_s, u"key.roll"_s, u"key.delete"_s }));
}

void TestApiKeys::renameKeepsTheKeyWorking()
{
    const TestHttpResult created = createKey(m_team->developer, 0);
    QCOMPARE(created.status, 201);
    const qint64 id = created.json().value(u"id"_s).toInteger();
    const QString path = u"/api/v1/keys/%1"_s.arg(id);
    const TestHttpResult renamed = m_team->call(
        m_team->developer.token, "PATCH", path, QJsonObject { { u"name"_s, u"  CI pipeline  "_s } });
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.json().value(u"name"_s).toString(), u"CI pipeline"_s);
    QCOMPARE(
        m_team->call(m_team->owner.token, "GET", path).json().value(u"name"_s).toString(), u"CI pipeline"_s);
    QCOMPARE(m_team->gateway().keys().find(id)->name, u"CI pipeline"_s);
    QCOMPARE(
        m_team->chat(created.json().value(u"key"_s).toString().toLatin1(), u"openai/gpt-4o-mini"_s).status,
        200);
    const TestHttpResult empty
        = m_team->call(m_team->developer.token, "PATCH", path, QJsonObject { { u"name"_s, u" "_s } });
    QCOMPARE(empty.status, 422);
    QCOMPARE(m_team->call(m_team->restricted.token, "PATCH", path, QJsonObject { { u"name"_s, u"mine"_s } })
                 .status,
        403);
    const QJsonArray audit
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s).json().value(u"entries"_s).toArray();
    QCOMPARE(audit.first()[u"action"_s].toString(), u"key.update"_s);
    QCOMPARE(audit.first()[u"before"_s][u"name"_s].toString(), u"key of dev@example.org"_s);
    QCOMPARE(audit.first()[u"after"_s][u"name"_s].toString(), u"CI pipeline"_s);
}

void TestApiKeys::anOversizedBodyIsRefusedInTheApisFormat()
{
    const QJsonObject body { { u"name"_s, QString(300 * 1024, u'x') } };
    const TestHttpResult result = m_team->call(m_team->owner.token, "POST", u"/api/v1/keys"_s, body);
    QCOMPARE(result.status, 413);
    const QJsonObject error = result.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"code"_s).toString(), u"too_large"_s);
    QVERIFY2(!error.value(u"message"_s).toString().isEmpty(), result.body.constData());
    QVERIFY2(!error.contains(u"type"_s), result.body.constData());
    QCOMPARE(
        m_team->call(m_team->owner.token, "GET", u"/api/v1/keys"_s).json().value(u"keys"_s).toArray().size(),
        1);
}

QTEST_GUILESS_MAIN(TestApiKeys)
#include "tst_apikeys.moc"
