// The response cache: exact repeats answered without an upstream call, marked, free, and bounded in time.

#include "fakeupstream.h"
#include "proxy/responsecache.h"
#include "proxyharness.h"
#include "testclock.h"
#include "testhttp.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyCache final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void repeatIsServedFromTheCache();
    void streamIsReplayed();
    void optOutAndErrorsGoUpstream();
    void entriesExpireAndAreBounded();

private:
    ProxyHarness m_harness;
};

void TestProxyCache::initTestCase()
{
    ProxyHarness::Options options;
    options.responseCache = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

void TestProxyCache::repeatIsServedFromTheCache()
{
    m_harness.upstream().clearReceivedRequests();
    const QByteArray body
        = R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"cache me"}]})";
    const TestHttpResult first = m_harness.chat(body);
    QCOMPARE(first.status, 200);
    QVERIFY(first.header("x-llmgw-cache").isEmpty());
    // The same request with its keys in another order and other spacing.
    const TestHttpResult second = m_harness.chat(
        R"({ "messages": [ {"content":"cache me", "role":"user"} ], "model": "openai/gpt-4o-mini" })");
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("x-llmgw-cache"), QByteArray("hit"));
    QCOMPARE(m_harness.upstream().receivedRequests().size(), 1);

    QCOMPARE(second.json().value(u"choices"), first.json().value(u"choices"));
    QVERIFY(first.json().value(u"usage").toObject().value(u"cost").toDouble() > 0);
    QCOMPARE(second.json().value(u"usage").toObject().value(u"cost").toDouble(-1), 0.0);

    const auto row = m_harness.record(second.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"cache_hit"_s).toInt(), 1);
    QCOMPARE(row->value(u"cost"_s).toDouble(), 0.0);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"openai"_s);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(),
        first.json().value(u"usage").toObject().value(u"prompt_tokens").toInt());
    const auto original = m_harness.record(first.header("x-request-id"));
    QVERIFY(original);
    QCOMPARE(original->value(u"cache_hit"_s).toInt(), 0);
}

void TestProxyCache::streamIsReplayed()
{
    m_harness.upstream().clearReceivedRequests();
    const QByteArray body = TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"stream me twice"_s, true);
    const TestHttpResult first = m_harness.chat(body);
    const TestHttpResult second = m_harness.chat(body);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("x-llmgw-cache"), QByteArray("hit"));
    QVERIFY(second.header("content-type").startsWith("text/event-stream"));
    QCOMPARE(second.body, first.body); // the same events, byte for byte
    QCOMPARE(m_harness.upstream().receivedRequests().size(), 1);
    const auto row = m_harness.record(second.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"cache_hit"_s).toInt(), 1);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
}

void TestProxyCache::optOutAndErrorsGoUpstream()
{
    const QByteArray body = TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"fresh every time"_s);
    QCOMPARE(m_harness.chat(body).status, 200);
    m_harness.upstream().clearReceivedRequests();
    const TestHttpResult bypass = m_harness.chat(body, { { "cache-control", "no-cache" } });
    QCOMPARE(bypass.status, 200);
    QVERIFY(bypass.header("x-llmgw-cache").isEmpty());
    QCOMPARE(m_harness.chat(body, { { "x-llmgw-cache", "bypass" } }).status, 200);
    QCOMPARE(m_harness.upstream().receivedRequests().size(), 2);

    // Failures are never cached.
    m_harness.upstream().clearReceivedRequests();
    const QByteArray failing = TestHttp::chatBody(u"openai/fake-error-400"_s, u"bad"_s);
    QCOMPARE(m_harness.chat(failing).status, 400);
    QCOMPARE(m_harness.chat(failing).status, 400);
    QCOMPARE(m_harness.upstream().receivedRequests().size(), 2);
}

void TestProxyCache::entriesExpireAndAreBounded()
{
    TestClock clock;
    clock.setNow(QDateTime(QDate(2026, 11, 25), QTime(12, 0), Qt::UTC));
    ResponseCache cache(clock, 60'000, 2, 1000);
    const QByteArray a = ResponseCache::keyFor("/v1/chat/completions", 0, R"({"a":1})");
    const QByteArray b = ResponseCache::keyFor("/v1/chat/completions", 0, R"({"b":1})");
    const QByteArray c = ResponseCache::keyFor("/v1/chat/completions", 0, R"({"c":1})");
    QVERIFY(ResponseCache::keyFor("/v1/chat/completions", 0, "not json").isEmpty());
    QVERIFY(a != ResponseCache::keyFor("/v1/messages", 1, R"({"a":1})")); // endpoint and format count

    cache.store(a, { "A", false, {}, {}, {}, {}, 0 });
    clock.advance(std::chrono::seconds(59));
    QVERIFY(cache.find(a));
    clock.advance(std::chrono::seconds(2));
    QVERIFY(!cache.find(a)); // past its time to live

    cache.store(b, { "B", false, {}, {}, {}, {}, 0 });
    cache.store(c, { "C", false, {}, {}, {}, {}, 0 });
    QCOMPARE(cache.size(), 2); // the oldest went to make room
    QVERIFY(cache.find(c));
    cache.store(a, { QByteArray(2000, 'x'), false, {}, {}, {}, {}, 0 });
    QVERIFY(!cache.find(a)); // larger than the whole cache: not kept
}

QTEST_GUILESS_MAIN(TestProxyCache)
#include "tst_proxycache.moc"
