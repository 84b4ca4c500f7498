// Authentication (tokens, sign-in, the local owner's session token), token revocation and the audit log
// of the management API, through HTTP; and what lands in the database file (hashes, never secrets).

#include "apiteam.h"
#include "signinthrottle.h"
#include "testclock.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiAuth final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void signIn();
    void signInSlowsGuessingDown();
    void passwordsAreStoredAsPbkdf2();
    void changingAPasswordNeedsTheCurrentOne();
    void tokensAreHashedAndShownOnce();
    void revokeToken_data();
    void revokeToken();
    void readAudit_data();
    void readAudit();
    void auditRowsHaveBeforeAndAfter();
    void auditPagesByCursor();
    void localOwnerSessionToken();
    void errorsForUnknownPathsAndMethods();

private:
    std::unique_ptr<ApiTeam> m_team;
};

void TestApiAuth::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

void TestApiAuth::signIn()
{
    const QString password = u"correct horse battery"_s;
    const TestHttpResult set = m_team->call(
        m_team->developer.token, "PUT", u"/api/v1/members/me/password"_s, { { u"password"_s, password } });
    QVERIFY2(set.status == 200, set.body.constData());

    const TestHttpResult right = m_team->call({}, "POST", u"/api/v1/auth/sign-in"_s,
        { { u"email"_s, u"DEV@example.org"_s }, { u"password"_s, password } });
    QVERIFY2(right.status == 201, right.body.constData());
    const QByteArray token = right.json().value(u"token"_s).toString().toLatin1();
    QVERIFY(token.startsWith("llmgw_pat_"));
    QCOMPARE(right.json().value(u"member"_s).toObject().value(u"role"_s).toString(), u"developer"_s);
    QCOMPARE(m_team->call(token, "GET", u"/api/v1/members/me"_s).json().value(u"email"_s).toString(),
        u"dev@example.org"_s);

    // A wrong password and an unknown email get the very same answer.
    const TestHttpResult wrong = m_team->call({}, "POST", u"/api/v1/auth/sign-in"_s,
        { { u"email"_s, u"dev@example.org"_s }, { u"password"_s, u"nope nope nope"_s } });
    const TestHttpResult unknown = m_team->call({}, "POST", u"/api/v1/auth/sign-in"_s,
        { { u"email"_s, u"who@example.org"_s }, { u"password"_s, password } });
    const TestHttpResult noPassword = m_team->call({}, "POST", u"/api/v1/auth/sign-in"_s,
        { { u"email"_s, u"admin@example.org"_s }, { u"password"_s, password } });
    QCOMPARE(wrong.status, 401);
    QCOMPARE(unknown.status, 401);
    QCOMPARE(noPassword.status, 401);
    QCOMPARE(wrong.body, unknown.body);
    QCOMPARE(noPassword.body, unknown.body);
    QCOMPARE(errorMessage(wrong), u"the email or password is not right"_s);
}

// Guessing a password: after 5 failures for one email within 15 minutes, sign-in is refused, the right
// password too, until the window has passed; other members are not held back.
void TestApiAuth::signInSlowsGuessingDown()
{
    TestClock clock;
    m_team = std::make_unique<ApiTeam>();
    ProxyHarness::Options options;
    options.clock = &clock;
    QString error;
    QVERIFY2(m_team->start(options, &error), qPrintable(error));
    const QString password = u"correct horse battery"_s;
    for (const ApiTeam::Person *person : { &m_team->developer, &m_team->admin })
        QCOMPARE(m_team
                     ->call(person->token, "PUT", u"/api/v1/members/me/password"_s,
                         { { u"password"_s, password } })
                     .status,
            200);
    const auto signIn = [&](const QString &email, const QString &withPassword) {
        return m_team->call({}, "POST", u"/api/v1/auth/sign-in"_s,
            { { u"email"_s, email }, { u"password"_s, withPassword } });
    };

    for (int i = 0; i < SignInThrottle::kMaxPerEmail; ++i)
        QCOMPARE(signIn(m_team->developer.email, u"guess %1"_s.arg(i)).status, 401);
    const TestHttpResult refused = signIn(m_team->developer.email.toUpper(), password);
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"too_many_attempts"_s);
    QCOMPARE(refused.header("retry-after"), QByteArray("900"));
    QVERIFY2(errorMessage(refused).contains(u"try again in 900 s"_s), qPrintable(errorMessage(refused)));
    QCOMPARE(signIn(m_team->admin.email, password).status, 201);

    clock.advance(std::chrono::minutes(10));
    QCOMPARE(signIn(m_team->developer.email, password).status, 429);
    clock.advance(std::chrono::minutes(5));
    QCOMPARE(signIn(m_team->developer.email, password).status, 201);
    // The limit per address: tst_signinthrottle (each failure here costs a password derivation).
}

void TestApiAuth::passwordsAreStoredAsPbkdf2()
{
    const QString password = u"Plaintext-Password-1234"_s;
    QCOMPARE(m_team
                 ->call(m_team->admin.token, "PUT", u"/api/v1/members/me/password"_s,
                     { { u"password"_s, password } })
                 .status,
        200);
    const TestHttpResult tooShort = m_team->call(
        m_team->owner.token, "PUT", u"/api/v1/members/me/password"_s, { { u"password"_s, u"short"_s } });
    QCOMPARE(tooShort.status, 422);
    QVERIFY2(
        errorMessage(tooShort).contains(u"at least 10 characters"_s), qPrintable(errorMessage(tooShort)));

    const QByteArray files = m_team->storedBytes();
    QVERIFY(!files.isEmpty());
    QVERIFY(!files.contains(password.toUtf8()));
    QVERIFY(files.contains("pbkdf2-sha256$120000$"));
    // The API shows only that a password is set.
    const TestHttpResult me = m_team->call(m_team->admin.token, "GET", u"/api/v1/members/me"_s);
    QCOMPARE(me.json().value(u"has_password"_s).toBool(), true);
    QVERIFY(!me.body.contains("pbkdf2"));
}

void TestApiAuth::changingAPasswordNeedsTheCurrentOne()
{
    const QByteArray token = m_team->developer.token;
    QCOMPARE(
        m_team
            ->call(token, "PUT", u"/api/v1/members/me/password"_s, { { u"password"_s, u"first password"_s } })
            .status,
        200);
    const TestHttpResult without = m_team->call(
        token, "PUT", u"/api/v1/members/me/password"_s, { { u"password"_s, u"second password"_s } });
    QCOMPARE(without.status, 403);
    QVERIFY2(errorMessage(without).contains(u"current_password"_s), qPrintable(errorMessage(without)));
    QCOMPARE(
        m_team
            ->call(token, "PUT", u"/api/v1/members/me/password"_s,
                { { u"password"_s, u"second password"_s }, { u"current_password"_s, u"first password"_s } })
            .status,
        200);
    QCOMPARE(m_team
                 ->call({}, "POST", u"/api/v1/auth/sign-in"_s,
                     { { u"email"_s, u"dev@example.org"_s }, { u"password"_s, u"second password"_s } })
                 .status,
        201);
}

void TestApiAuth::tokensAreHashedAndShownOnce()
{
    const TestHttpResult created
        = m_team->call(m_team->developer.token, "POST", u"/api/v1/tokens"_s, { { u"name"_s, u"laptop"_s } });
    QVERIFY2(created.status == 201, created.body.constData());
    const QByteArray token = created.json().value(u"token"_s).toString().toLatin1();
    QVERIFY(QRegularExpression(u"^llmgw_pat_\\d+_[A-Za-z0-9]{32}$"_s)
                .match(QString::fromLatin1(token))
                .hasMatch());

    const TestHttpResult listed = m_team->call(token, "GET", u"/api/v1/tokens"_s);
    QCOMPARE(listed.status, 200);
    const QJsonArray tokens = listed.json().value(u"tokens"_s).toArray();
    QCOMPARE(tokens.size(), 2); // the test's and the new one; only the developer's own
    QCOMPARE(tokens.first().toObject().value(u"name"_s).toString(), u"laptop"_s);
    QVERIFY(!tokens.first().toObject().value(u"last_used_at"_s).isNull()); // just used to list
    QVERIFY(!listed.body.contains(token.sliced(token.lastIndexOf('_') + 1)));

    const QByteArray files = m_team->storedBytes();
    for (const QByteArray &secret : { token, m_team->owner.token, m_team->developer.token })
        QVERIFY(!files.contains(secret.sliced(secret.lastIndexOf('_') + 1)));

    // Someone else's tokens: owner/admin may list them, a developer may not.
    const QString ofDeveloper = u"/api/v1/tokens?member_id=%1"_s.arg(m_team->developer.id);
    QCOMPARE(m_team->call(m_team->admin.token, "GET", ofDeveloper).status, 200);
    QCOMPARE(m_team->call(m_team->restricted.token, "GET", ofDeveloper).status, 403);
}

void TestApiAuth::revokeToken_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("tokenOf");
    QTest::addColumn<int>("status");
    QTest::newRow("owner: own") << u"owner"_s << u"owner"_s << 200;
    QTest::newRow("owner: another's") << u"owner"_s << u"developer"_s << 200;
    QTest::newRow("admin: own") << u"admin"_s << u"admin"_s << 200;
    QTest::newRow("admin: another's") << u"admin"_s << u"restricted"_s << 200;
    QTest::newRow("developer: own") << u"developer"_s << u"developer"_s << 200;
    QTest::newRow("developer: another's") << u"developer"_s << u"restricted"_s << 403;
    QTest::newRow("restricted: own") << u"restricted"_s << u"restricted"_s << 200;
    QTest::newRow("restricted: another's") << u"restricted"_s << u"developer"_s << 403;
}

void TestApiAuth::revokeToken()
{
    QFETCH(QString, actor);
    QFETCH(QString, tokenOf);
    QFETCH(int, status);
    const ApiTeam::Person holder = m_team->person(tokenOf);
    const QByteArray token = holder.token;
    const qint64 tokenId = token.split('_').at(2).toLongLong();
    // The actor revokes through a second token of their own, so that revoking their own test token is
    // visible.
    StoreError error;
    const auto second = m_team->gateway().accessTokens().create(
        Actor { 0, u"test"_s }, m_team->person(actor).id, u"second"_s, &error);
    QVERIFY2(second, qPrintable(error.message));
    const TestHttpResult result
        = m_team->call(second->plaintext, "DELETE", u"/api/v1/tokens/%1"_s.arg(tokenId));
    QVERIFY2(result.status == status, result.body.constData());
    const int after = m_team->call(token, "GET", u"/api/v1/tokens"_s).status;
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"can revoke only your own tokens"_s),
            qPrintable(errorMessage(result)));
        QCOMPARE(after, 200);
    } else {
        QCOMPARE(after, 401); // revoked at once
        QVERIFY(m_team->gateway().accessTokens().token(tokenId, &error)->revoked);
    }
}

void TestApiAuth::readAudit_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::newRow("owner") << u"owner"_s << 200;
    QTest::newRow("admin") << u"admin"_s << 200;
    QTest::newRow("developer") << u"developer"_s << 403;
    QTest::newRow("restricted") << u"restricted"_s << 403;
}

void TestApiAuth::readAudit()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    const TestHttpResult result = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/audit"_s);
    QCOMPARE(result.status, status);
    if (status == 403) {
        QVERIFY2(
            errorMessage(result).contains(u"cannot read the audit log"_s), qPrintable(errorMessage(result)));
        return;
    }
    // The harness's gateway key, then four members added and four tokens created by the test team.
    QCOMPARE(result.json().value(u"entries"_s).toArray().size(), 9);
}

void TestApiAuth::auditRowsHaveBeforeAndAfter()
{
    const QString path = u"/api/v1/members/%1"_s.arg(m_team->developer.id);
    QCOMPARE(m_team
                 ->call(m_team->admin.token, "PATCH", path,
                     { { u"role"_s, u"restricted"_s }, { u"key_budget_usd"_s, 10 } })
                 .status,
        200);
    QCOMPARE(m_team
                 ->call(m_team->owner.token, "PUT", u"/api/v1/members/me/password"_s,
                     { { u"password"_s, u"owner secret 123"_s } })
                 .status,
        200);

    const TestHttpResult audit = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit?limit=2"_s);
    const QJsonArray entries = audit.json().value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 2);
    const QJsonObject password = entries.at(0).toObject();
    QCOMPARE(password.value(u"action"_s).toString(), u"member.password_set"_s);
    QVERIFY(!audit.body.contains("owner secret 123"));
    QVERIFY(!audit.body.contains("pbkdf2"));
    const QJsonObject update = entries.at(1).toObject();
    QCOMPARE(update.value(u"action"_s).toString(), u"member.update"_s);
    QCOMPARE(update.value(u"actor_email"_s).toString(), u"admin@example.org"_s);
    QCOMPARE(update.value(u"actor_member_id"_s).toInteger(), m_team->admin.id);
    QCOMPARE(update.value(u"target"_s).toString(), u"member:%1"_s.arg(m_team->developer.id));
    QCOMPARE(update.value(u"before"_s).toObject().value(u"role"_s).toString(), u"developer"_s);
    QVERIFY(update.value(u"before"_s).toObject().value(u"key_budget_usd"_s).isNull());
    QCOMPARE(update.value(u"after"_s).toObject().value(u"role"_s).toString(), u"restricted"_s);
    QCOMPARE(update.value(u"after"_s).toObject().value(u"key_budget_usd"_s).toDouble(), 10.0);
    QVERIFY(QDateTime::fromString(update.value(u"at"_s).toString(), Qt::ISODateWithMs).isValid());

    // Removal keeps the member's last state as "before", and what became of their tokens, keys and records as
    // "after" (tst_apioffboarding has the rest).
    QCOMPARE(m_team->call(m_team->owner.token, "DELETE", path).status, 200);
    const QJsonObject removal = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit?limit=1"_s)
                                    .json()
                                    .value(u"entries"_s)
                                    .toArray()
                                    .at(0)
                                    .toObject();
    QCOMPARE(removal.value(u"action"_s).toString(), u"member.remove"_s);
    QCOMPARE(removal.value(u"before"_s).toObject().value(u"email"_s).toString(), u"dev@example.org"_s);
    QCOMPARE(removal.value(u"after"_s).toObject(),
        (QJsonObject { { u"records"_s, u"kept"_s }, { u"tokens_revoked"_s, 1 }, { u"keys_disabled"_s, 0 } }));
}

void TestApiAuth::auditPagesByCursor()
{
    QList<qint64> seen;
    QString path = u"/api/v1/audit?limit=3"_s;
    for (int page = 0; page < 5; ++page) {
        const QJsonObject body = m_team->call(m_team->owner.token, "GET", path).json();
        for (const QJsonValue &entry : body.value(u"entries"_s).toArray())
            seen.append(entry.toObject().value(u"id"_s).toInteger());
        if (body.value(u"next_before"_s).isNull())
            break;
        path = u"/api/v1/audit?limit=3&before=%1"_s.arg(body.value(u"next_before"_s).toInteger());
    }
    QCOMPARE(seen.size(), 9); // 3 + 3 + 3, newest first, no repeats
    for (qsizetype i = 1; i < seen.size(); ++i)
        QVERIFY(seen.at(i) < seen.at(i - 1));
    QCOMPARE(m_team->call(m_team->owner.token, "GET", u"/api/v1/audit?limit=0"_s).status, 422);
}

void TestApiAuth::localOwnerSessionToken()
{
    QString error;
    const QByteArray token = m_team->gateway().localOwnerToken(&error);
    QVERIFY2(!token.isEmpty(), qPrintable(error));
    QVERIFY(token.startsWith("llmgw_pat_0_"));
    const TestHttpResult me = m_team->call(token, "GET", u"/api/v1/members/me"_s);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json().value(u"role"_s).toString(), u"owner"_s);
    QCOMPARE(
        me.json().value(u"email"_s).toString(), u"owner@example.org"_s); // the existing owner, none created
    QVERIFY(!m_team->storedBytes().contains(token.sliced(12)));
    // Acting with it is audited as the owner.
    QCOMPARE(m_team
                 ->call(token, "PATCH", u"/api/v1/members/%1"_s.arg(m_team->restricted.id),
                     { { u"name"_s, u"R"_s } })
                 .status,
        200);
    const QJsonObject last = m_team->call(token, "GET", u"/api/v1/audit?limit=1"_s)
                                 .json()
                                 .value(u"entries"_s)
                                 .toArray()
                                 .at(0)
                                 .toObject();
    QCOMPARE(last.value(u"actor_member_id"_s).toInteger(), m_team->owner.id);
}

void TestApiAuth::errorsForUnknownPathsAndMethods()
{
    const QByteArray owner = m_team->owner.token;
    QCOMPARE(m_team->call(owner, "GET", u"/api/v1/nothing"_s).status, 404);
    QCOMPARE(m_team->call(owner, "PUT", u"/api/v1/members"_s).status, 405);
    QCOMPARE(m_team->call(owner, "GET", u"/api/v1/auth/sign-in"_s).status, 405);
    QCOMPARE(m_team->call(owner, "PATCH", u"/api/v1/members/99999"_s, { { u"name"_s, u"x"_s } }).status, 404);
    const TestHttpResult badRole = m_team->call(owner, "POST", u"/api/v1/members"_s,
        { { u"email"_s, u"x@example.org"_s }, { u"name"_s, u"X"_s }, { u"role"_s, u"king"_s } });
    QCOMPARE(badRole.status, 422);
    QVERIFY2(errorMessage(badRole).contains(u"'role' must be owner, admin, developer or restricted"_s),
        qPrintable(errorMessage(badRole)));
    const TestHttpResult duplicate = m_team->call(owner, "POST", u"/api/v1/members"_s,
        { { u"email"_s, u"Admin@Example.org"_s }, { u"name"_s, u"X"_s }, { u"role"_s, u"developer"_s } });
    QCOMPARE(duplicate.status, 409);
    const TestHttpResult badJson = TestHttp::call(*new QNetworkAccessManager(this), m_team->gateway().port(),
        "POST", u"/api/v1/members"_s, "{not json", { { "authorization", "Bearer " + owner } });
    QCOMPARE(badJson.status, 400);
    QCOMPARE(badJson.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"bad_json"_s);
}

QTEST_GUILESS_MAIN(TestApiAuth)
#include "tst_apiauth.moc"
