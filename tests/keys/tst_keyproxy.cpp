// Key limits enforced by the running gateway: each refusal (disabled, expired, model or provider not
// allowed, spend limit) reaches the client with its status, code and message, is recorded with that status,
// and never reaches the upstream; a spend limit lifts when the clock passes the period's end; a rolled key's
// old secret is refused at once while the new one works with the same id and limits.
#include "fakeupstream.h"
#include "proxyharness.h"
#include "testclock.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {
const Actor kTester { 0, u"test"_s }; // the key changes that set the scene, audited as the test's

const QByteArray kMini = TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"hello"_s);

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi), Qt::UTC);
}
} // namespace

class TestKeyProxy : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void disabledKeyIsRefused();
    void expiredKeyIsRefusedFromTheExactInstant();
    void deniedModelIsRefused();
    void providerRulesFilterTheRoutes();
    void anthropicClientsGetTheirEnvelope();
    void dailySpendLimitLiftsAtMidnight();
    void allTimeSpendLimitCountsEarlierRecords();
    void rolledKeyKeepsItsIdAndLimits();

private:
    // Sends `body`, expects a refusal with `status` and `code`, its record, and no upstream call. Returns the
    // message the client read.
    QString expectRefusal(const QByteArray &body, int status, const QByteArray &code);
    void setLimits(const KeyLimits &limits);

    TestClock m_clock { utc(2025, 1, 15, 12) };
    std::unique_ptr<ProxyHarness> m_harness;
};

void TestKeyProxy::init()
{
    m_clock.setNow(utc(2025, 1, 15, 12));
    m_harness = std::make_unique<ProxyHarness>();
    ProxyHarness::Options options;
    options.clock = &m_clock;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness->start(options, &error), qPrintable(error));
}

void TestKeyProxy::cleanup()
{
    m_harness.reset();
}

void TestKeyProxy::setLimits(const KeyLimits &limits)
{
    QString error;
    StoreError keyError;
    QVERIFY2(
        m_harness->gateway().keys().update(kTester, m_harness->apiKeyId(), { {}, {}, limits }, &keyError),
        qPrintable(keyError.message));
}

QString TestKeyProxy::expectRefusal(const QByteArray &body, int status, const QByteArray &code)
{
    const qsizetype upstreamBefore = m_harness->upstream().receivedRequests().size();
    const TestHttpResult result = m_harness->chat(body);
    [&] {
        QCOMPARE(result.status, status);
        const QJsonObject error = result.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString().toLatin1(), code);
        // Not record(): it waits for a retry after a 429, which a refusal never gets.
        const QList<QVariantMap> rows = m_harness->waitForRecords(
            1, u"request_id = ?"_s, { QString::fromLatin1(result.header("x-request-id")) });
        QCOMPARE(rows.size(), 1);
        const std::optional<QVariantMap> record = rows.first();
        QCOMPARE(record->value(u"status"_s).toInt(), status);
        QCOMPARE(record->value(u"api_key_id"_s).toLongLong(), m_harness->apiKeyId());
        QCOMPARE(record->value(u"error"_s).toString(), error.value(u"message"_s).toString());
        QCOMPARE(record->value(u"used_provider"_s).toString(), QString());
        QCOMPARE(m_harness->upstream().receivedRequests().size(), upstreamBefore);
    }();
    return result.json().value(u"error"_s).toObject().value(u"message"_s).toString();
}

void TestKeyProxy::disabledKeyIsRefused()
{
    QString error;
    StoreError keyError;
    QVERIFY(m_harness->gateway().keys().update(kTester, m_harness->apiKeyId(), { {}, true, {} }, &keyError));
    const QString message = expectRefusal(kMini, 403, "key_disabled");
    QCOMPARE(message,
        u"This gateway API key ('proxy tests', id %1) is disabled. Ask an admin of the gateway to enable "
        "it, or use another key."_s.arg(m_harness->apiKeyId()));
    QVERIFY(!QTest::currentTestFailed());

    QVERIFY(m_harness->gateway().keys().update(kTester, m_harness->apiKeyId(), { {}, false, {} }, &keyError));
    QCOMPARE(m_harness->chat(kMini).status, 200);
}

void TestKeyProxy::expiredKeyIsRefusedFromTheExactInstant()
{
    KeyLimits limits;
    limits.expiresAt = utc(2025, 1, 15, 12, 30);
    setLimits(limits);
    m_clock.setNow(utc(2025, 1, 15, 12, 29).addMSecs(59'999));
    const TestHttpResult before = m_harness->chat(kMini);
    QCOMPARE(before.status, 200);
    QVERIFY(m_harness->record(before.header("x-request-id")));

    m_clock.advance(1ms);
    const QString message = expectRefusal(kMini, 401, "key_expired");
    QVERIFY2(message.contains(u"expired at 2025-01-15T12:30:00Z"_s), qPrintable(message));
}

void TestKeyProxy::deniedModelIsRefused()
{
    KeyLimits limits;
    limits.deniedModels = { u"gpt-4o*"_s };
    setLimits(limits);
    const QString message = expectRefusal(kMini, 403, "model_not_allowed");
    QCOMPARE(message,
        u"This gateway API key may not use the model 'openai/gpt-4o-mini' (from 'openai'): it denies the "
        "models 'gpt-4o*'. Use an allowed model or ask an admin to change the key's model rules."_s);
    // Named without the provider, the same model is denied too.
    expectRefusal(TestHttp::chatBody(u"gpt-4o-mini"_s, u"hello"_s), 403, "model_not_allowed");

    // An allow list: what is on it works, the rest is refused.
    limits = KeyLimits();
    limits.allowedModels = { u"gpt-4o-mini"_s };
    setLimits(limits);
    QCOMPARE(m_harness->chat(kMini).status, 200);
    const QString other
        = expectRefusal(TestHttp::chatBody(u"openai/gpt-4.1-nano"_s, u"hello"_s), 403, "model_not_allowed");
    QVERIFY2(other.contains(u"allows only the models 'gpt-4o-mini'"_s), qPrintable(other));
}

void TestKeyProxy::providerRulesFilterTheRoutes()
{
    KeyLimits limits;
    limits.allowedProviders = { u"anthropic"_s };
    setLimits(limits);
    const QString message = expectRefusal(kMini, 403, "model_not_allowed");
    QVERIFY2(message.contains(u"allows only the providers 'anthropic'"_s), qPrintable(message));

    const TestHttpResult allowed
        = m_harness->chat(TestHttp::chatBody(u"anthropic/claude-haiku-4-5"_s, u"hello"_s));
    QCOMPARE(allowed.status, 200);
    const auto record = m_harness->record(allowed.header("x-request-id"));
    QVERIFY(record);
    QCOMPARE(record->value(u"used_provider"_s).toString(), u"anthropic"_s);

    limits = KeyLimits();
    limits.deniedProviders = { u"openai"_s };
    setLimits(limits);
    expectRefusal(kMini, 403, "model_not_allowed");
}

void TestKeyProxy::anthropicClientsGetTheirEnvelope()
{
    QString error;
    StoreError keyError;
    QVERIFY(m_harness->gateway().keys().update(kTester, m_harness->apiKeyId(), { {}, true, {} }, &keyError));
    const qsizetype upstreamBefore = m_harness->upstream().receivedRequests().size();
    const TestHttpResult result = m_harness->messages(
        R"({"model":"anthropic/claude-haiku-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]})");
    QCOMPARE(result.status, 403);
    QCOMPARE(result.json().value(u"type"_s).toString(), u"error"_s);
    const QJsonObject body = result.json().value(u"error"_s).toObject();
    QCOMPARE(body.value(u"type"_s).toString(), u"permission_error"_s);
    QVERIFY2(body.value(u"message"_s).toString().contains(u"is disabled"_s), result.body.constData());
    const auto record = m_harness->record(result.header("x-request-id"));
    QVERIFY(record);
    QCOMPARE(record->value(u"status"_s).toInt(), 403);
    QCOMPARE(m_harness->upstream().receivedRequests().size(), upstreamBefore);
}

void TestKeyProxy::dailySpendLimitLiftsAtMidnight()
{
    m_clock.setNow(utc(2025, 1, 15, 23, 50));
    // One answered request, to learn what one costs.
    const TestHttpResult first = m_harness->chat(kMini);
    QCOMPARE(first.status, 200);
    const auto firstRecord = m_harness->record(first.header("x-request-id"));
    QVERIFY(firstRecord);
    const double cost = firstRecord->value(u"cost"_s).toDouble();
    QVERIFY(cost > 0);

    // A limit between one and two requests' cost: the second is let through (spend below the limit), then
    // the limit is reached.
    KeyLimits limits;
    limits.periodLimitUsd = cost * 1.5;
    limits.period = LimitPeriod::Day;
    setLimits(limits);
    const TestHttpResult second = m_harness->chat(kMini);
    QCOMPARE(second.status, 200);
    QVERIFY(m_harness->record(second.header("x-request-id")));

    const QString message = expectRefusal(kMini, 429, "spend_limit_reached");
    QVERIFY2(message.startsWith(u"This gateway API key has spent $"_s), qPrintable(message));
    QVERIFY2(
        message.endsWith(u" daily limit; the limit resets at 2025-01-16T00:00:00Z."_s), qPrintable(message));
    QVERIFY(!QTest::currentTestFailed());

    m_clock.setNow(utc(2025, 1, 15, 23, 59).addMSecs(59'999));
    expectRefusal(kMini, 429, "spend_limit_reached");
    QVERIFY(!QTest::currentTestFailed());

    m_clock.advance(1ms); // midnight UTC: a new day, a new budget
    const TestHttpResult nextDay = m_harness->chat(kMini);
    QCOMPARE(nextDay.status, 200);
    QVERIFY(m_harness->record(nextDay.header("x-request-id")));
}

void TestKeyProxy::allTimeSpendLimitCountsEarlierRecords()
{
    // Records the key made before the limit existed count against it: the totals were seeded from them.
    const TestHttpResult first = m_harness->chat(kMini);
    QCOMPARE(first.status, 200);
    const auto record = m_harness->record(first.header("x-request-id"));
    QVERIFY(record);
    KeyLimits limits;
    limits.spendLimitUsd = record->value(u"cost"_s).toDouble();
    setLimits(limits);
    const QString message = expectRefusal(kMini, 429, "spend_limit_reached");
    QVERIFY2(message.endsWith(u"all-time limit. Ask an admin to raise the limit, or use another key."_s),
        qPrintable(message));
    QVERIFY(!QTest::currentTestFailed());

    // Weeks later, still refused: the all-time limit never resets.
    m_clock.advance(24h * 40);
    expectRefusal(kMini, 429, "spend_limit_reached");
}

void TestKeyProxy::rolledKeyKeepsItsIdAndLimits()
{
    KeyLimits limits;
    limits.allowedModels = { u"gpt-4o-mini"_s };
    limits.periodLimitUsd = 10;
    limits.period = LimitPeriod::Month;
    setLimits(limits);
    const QByteArray oldSecret = m_harness->apiKey();
    QString error;
    StoreError keyError;
    const auto rolled = m_harness->gateway().keys().roll(kTester, m_harness->apiKeyId(), &keyError);
    QVERIFY2(rolled, qPrintable(keyError.message));
    QCOMPARE(rolled->key.id, m_harness->apiKeyId());
    QCOMPARE(rolled->key.limits, limits);

    const qsizetype upstreamBefore = m_harness->upstream().receivedRequests().size();
    const TestHttpResult old = TestHttp::call(m_harness->nam(), m_harness->port(), "POST",
        u"/v1/chat/completions"_s, kMini, { { "authorization", "Bearer " + oldSecret } });
    QCOMPARE(old.status, 401);
    QCOMPARE(old.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"invalid_api_key"_s);
    QCOMPARE(m_harness->upstream().receivedRequests().size(), upstreamBefore);

    const TestHttpResult fresh = TestHttp::call(m_harness->nam(), m_harness->port(), "POST",
        u"/v1/chat/completions"_s, kMini, { { "authorization", "Bearer " + rolled->plaintext } });
    QCOMPARE(fresh.status, 200);
    const auto record = m_harness->record(fresh.header("x-request-id"));
    QVERIFY(record);
    QCOMPARE(record->value(u"api_key_id"_s).toLongLong(), m_harness->apiKeyId());

    // The limits still apply to the new secret.
    const TestHttpResult denied = TestHttp::call(m_harness->nam(), m_harness->port(), "POST",
        u"/v1/chat/completions"_s, TestHttp::chatBody(u"openai/gpt-4.1-nano"_s, u"hello"_s),
        { { "authorization", "Bearer " + rolled->plaintext } });
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"model_not_allowed"_s);
}

QTEST_GUILESS_MAIN(TestKeyProxy)
#include "tst_keyproxy.moc"
