// The keys resource when the database fails under it: a key change whose audit row cannot be written is not
// made, and a database held by another writer answers 503 busy; on both engines, through HTTP.

#include "apiteam.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiKeyStoreFailures final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void aChangeWhoseAuditFailsIsNotMade();
    void aLockedDatabaseAnswersBusy_data();
    void aLockedDatabaseAnswersBusy();

private:
    // Creates a key through the API for `actor` themselves; returns the answer.
    TestHttpResult createKey(const ApiTeam::Person &actor, QJsonObject body = {})
    {
        body.insert(u"name"_s, u"key of %1"_s.arg(actor.email));
        return m_team->call(actor.token, "POST", u"/api/v1/keys"_s, body);
    }
    std::unique_ptr<ApiTeam> m_team;
};

void TestApiKeyStoreFailures::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

namespace {

// The database refuses every audit row with an error of its own words, which must reach the log only.
constexpr auto kInjectedFailure = "injected: the audit disk is full";

bool failAuditRows(ProxyHarness &harness, bool fail, QString *error)
{
    QSqlDatabase db = harness.database(error);
    if (!db.isValid())
        return false;
    const QString message = QString::fromLatin1(kInjectedFailure);
    QStringList statements;
    if (db.driverName() == u"QPSQL"_s) {
        if (fail)
            statements = {
                u"CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION '%1'; END $$"_s.arg(message),
                u"CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_audit()"_s
            };
        else
            statements = { u"DROP TRIGGER fail_audit ON audit_log"_s, u"DROP FUNCTION fail_audit()"_s };
    } else {
        statements = { fail
                ? u"CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, '%1'); END"_s
                      .arg(message)
                : u"DROP TRIGGER fail_audit"_s };
    }
    for (const QString &sql : statements) {
        QSqlQuery query(db);
        if (!query.exec(sql)) {
            *error = query.lastError().text();
            return false;
        }
    }
    return true;
}

} // namespace

// A key change and its audit row are one transaction: when the row cannot be written, the change is not made
// either, and the answer says what failed in the gateway's words, not the database's.
void TestApiKeyStoreFailures::aChangeWhoseAuditFailsIsNotMade()
{
    const TestHttpResult created
        = createKey(m_team->developer, QJsonObject { { u"spend_limit_usd"_s, 1.0 } });
    QCOMPARE(created.status, 201);
    const qint64 id = created.json().value(u"id"_s).toInteger();
    const QString path = u"/api/v1/keys/%1"_s.arg(id);
    const QByteArray plaintext = created.json().value(u"key"_s).toString().toLatin1();
    const int auditRows = m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s)
                              .json()
                              .value(u"entries"_s)
                              .toArray()
                              .size();
    QString error;
    QVERIFY2(failAuditRows(m_team->harness(), true, &error), qPrintable(error));

    const QJsonObject change { { u"name"_s, u"renamed"_s }, { u"disabled"_s, true },
        { u"spend_limit_usd"_s, 2.0 } };
    const QList<TestHttpResult> refused {
        m_team->call(m_team->developer.token, "PATCH", path, change),
        m_team->call(m_team->developer.token, "POST", path + u"/roll"_s),
        m_team->call(m_team->developer.token, "DELETE", path),
        createKey(m_team->developer),
    };
    for (const TestHttpResult &result : refused) {
        QCOMPARE(result.status, 500);
        QCOMPARE(result.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"internal"_s);
        const QString message = errorMessage(result);
        QVERIFY2(message.startsWith(u"cannot "_s) && message.contains(u"API key"_s), qPrintable(message));
        QVERIFY2(message.contains(u"log"_s), qPrintable(message)); // where the details are
        QVERIFY2(!result.body.contains("injected") && !result.body.contains("audit_log")
                && !result.body.contains("Unable to"),
            result.body.constData());
    }
    QVERIFY2(failAuditRows(m_team->harness(), false, &error), qPrintable(error));

    // Nothing was written half-way: the key is as it was, in the database and in the proxy's cache, its
    // secret still works, no other key appeared, and the audit log has no row for any of it.
    const TestHttpResult after = m_team->call(m_team->developer.token, "GET", path);
    QCOMPARE(after.status, 200);
    QCOMPARE(after.json().value(u"name"_s).toString(), u"key of %1"_s.arg(m_team->developer.email));
    QCOMPARE(after.json().value(u"disabled"_s).toBool(), false);
    QCOMPARE(after.json().value(u"spend_limit_usd"_s).toDouble(), 1.0);
    QCOMPARE(m_team->chat(plaintext, u"openai/gpt-4o-mini"_s).status, 200);
    const auto keys
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/keys"_s).json().value(u"keys"_s).toArray();
    QCOMPARE(keys.size(), 2); // the harness's and this one
    QCOMPARE(m_team->call(m_team->owner.token, "GET", u"/api/v1/audit"_s)
                 .json()
                 .value(u"entries"_s)
                 .toArray()
                 .size(),
        auditRows);
}

// Another program holding the database: the change waits for SQLite's busy timeout, then the answer says the
// database is busy and to try again (503, Retry-After), and nothing is changed.
// Another writer holds the lock the change needs: on SQLite the whole database (BEGIN EXCLUSIVE), on
// PostgreSQL the rows (the key's row, the settings table) from a second connection. The store's writer gives
// up after its lock wait (busy_timeout, lock_timeout) instead of hanging, and the answer is 503 busy with
// Retry-After, in the user's words; nothing changed.
void TestApiKeyStoreFailures::aLockedDatabaseAnswersBusy_data()
{
    QTest::addColumn<QString>("resource");
    QTest::addColumn<bool>("wholeTable");
    QTest::newRow("key") << u"key"_s << false;
    // On PostgreSQL the keys' table itself: the store's statements cannot even be prepared (parsing waits for
    // the table's lock), and a failed prepare is the statement's failure, busy like any other lock wait.
    QTest::newRow("key, table locked") << u"key"_s << true;
    QTest::newRow("policies") << u"policies"_s << false;
    // A provider's settings are a settings row too, written with their audit row (ProviderSettingsStore).
    QTest::newRow("provider") << u"provider"_s << false;
}

void TestApiKeyStoreFailures::aLockedDatabaseAnswersBusy()
{
    QFETCH(QString, resource);
    QFETCH(bool, wholeTable);
    const TestHttpResult created = createKey(m_team->developer);
    QCOMPARE(created.status, 201);
    const qint64 keyId = created.json().value(u"id"_s).toInteger();
    const bool onKey = resource == "key"_L1;
    const bool onProvider = resource == "provider"_L1;
    const QString path = onKey ? u"/api/v1/keys/%1"_s.arg(keyId)
        : onProvider           ? u"/api/v1/providers/openai"_s
                               : u"/api/v1/policies"_s;
    const QJsonObject change = onKey ? QJsonObject { { u"disabled"_s, true } }
        : onProvider                 ? QJsonObject { { u"allowed_models"_s, QJsonArray { u"gpt-4o"_s } } }
                                     : QJsonObject { { u"retention_level"_s, u"metadata_only"_s } };
    const QByteArray &token = onKey ? m_team->developer.token : m_team->owner.token;
    const auto unchanged = [&] {
        const QJsonObject now = m_team->call(token, "GET", path).json();
        return onKey     ? !now.value(u"disabled"_s).toBool()
            : onProvider ? now.value(u"allowed_models"_s).toArray().isEmpty()
                         : now.value(u"retention_level"_s).toString() == u"retain_all"_s;
    };
    QVERIFY(unchanged());

    QString error;
    QSqlDatabase db = m_team->harness().database(&error);
    QVERIFY2(db.isValid(), qPrintable(error));
    QSqlQuery lock(db);
    if (db.driverName() == u"QPSQL"_s) {
        QVERIFY(db.transaction());
        QVERIFY2(lock.exec(wholeTable ? u"LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"_s
                                      : u"SELECT id FROM api_keys WHERE id = %1 FOR UPDATE"_s.arg(keyId)),
            qPrintable(lock.lastError().text()));
        QVERIFY2(lock.exec(u"LOCK TABLE settings IN EXCLUSIVE MODE"_s), qPrintable(lock.lastError().text()));
    } else {
        QVERIFY(lock.exec(u"BEGIN EXCLUSIVE"_s));
    }

    const TestHttpResult busy = m_team->call(token, "PATCH", path, change);
    QVERIFY(db.driverName() == u"QPSQL"_s ? db.rollback() : lock.exec(u"ROLLBACK"_s));
    QCOMPARE(busy.status, 503);
    QCOMPARE(busy.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"busy"_s);
    QVERIFY2(errorMessage(busy).contains(u"try again"_s), qPrintable(errorMessage(busy)));
    for (const QByteArray driverWords : { "database is locked", "lock timeout", "55P03" })
        QVERIFY2(!busy.body.contains(driverWords), busy.body.constData());
    QCOMPARE(busy.header("retry-after"), QByteArray("1"));
    QVERIFY(unchanged());
    // The lock gone, the same change goes through.
    QCOMPARE(m_team->call(token, "PATCH", path, change).status, 200);
    QVERIFY(!unchanged());
}

// The HTTP layer refuses the body before any handler reads it; the router still answers in the API's format
// (not the proxy's OpenAI one), and nothing is created.
QTEST_GUILESS_MAIN(TestApiKeyStoreFailures)
#include "tst_apikeystorefailures.moc"
