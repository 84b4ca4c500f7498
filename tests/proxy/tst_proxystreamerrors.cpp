// An upstream that ends a stream with its error event after the status line went out: the client gets the
// error as the stream's last event in its own format (the one its SDK raises on), never a stream that just
// ends as if complete, and the record says the request failed (status 502, the upstream's message).

#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProxyStreamErrors final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void errorEventEndsTheStream_data();
    void errorEventEndsTheStream();

private:
    ProxyHarness m_harness;
};

namespace {
enum class Client { OpenAI, Anthropic, Gemini };

TestHttpResult streamFrom(ProxyHarness &harness, Client client, const QString &model)
{
    const QByteArray key = harness.apiKey();
    switch (client) {
    case Client::OpenAI:
        return harness.chat(TestHttp::chatBody(model, u"one two three four five"_s, true, true),
            { { "content-type", "application/json" } });
    case Client::Anthropic:
        return harness.messages(uR"({"model":"%1","max_tokens":100,"stream":true,
            "messages":[{"role":"user","content":"one two three four five"}]})"_s.arg(model)
                                    .toUtf8(),
            { { "content-type", "application/json" }, { "anthropic-version", "2023-06-01" } });
    case Client::Gemini:
        return TestHttp::call(harness.nam(), harness.port(), "POST",
            u"/v1beta/models/"_s + model + u":streamGenerateContent?alt=sse"_s,
            R"({"contents":[{"role":"user","parts":[{"text":"one two three four five"}]}]})",
            { { "content-type", "application/json" }, { "x-goog-api-key", key } });
    }
    return {};
}
} // namespace

void TestProxyStreamErrors::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

void TestProxyStreamErrors::errorEventEndsTheStream_data()
{
    QTest::addColumn<int>("client");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("message"); // the upstream's, which the client and the record must carry
    const QString anthropic = u"Overloaded"_s;
    const QString gemini = u"The model is overloaded. Please try again later."_s;
    const QString openai = u"The server had an error while processing your request. Sorry about that!"_s;
    QTest::newRow("anthropic to openai client")
        << int(Client::OpenAI) << u"anthropic/claude-haiku-4-5-stream-error"_s << u"anthropic"_s << anthropic;
    QTest::newRow("gemini to openai client")
        << int(Client::OpenAI) << u"google/gemini-2.5-flash-stream-error"_s << u"google"_s << gemini;
    QTest::newRow("openai to openai client (passthrough)")
        << int(Client::OpenAI) << u"openai/fake-stream-error"_s << u"openai"_s << openai;
    QTest::newRow("openai to anthropic client")
        << int(Client::Anthropic) << u"openai/fake-stream-error"_s << u"openai"_s << openai;
    QTest::newRow("anthropic to anthropic client (passthrough)")
        << int(Client::Anthropic) << u"anthropic/claude-haiku-4-5-stream-error"_s << u"anthropic"_s
        << anthropic;
    QTest::newRow("anthropic to gemini client")
        << int(Client::Gemini) << u"anthropic/claude-haiku-4-5-stream-error"_s << u"anthropic"_s << anthropic;
}

void TestProxyStreamErrors::errorEventEndsTheStream()
{
    QFETCH(int, client);
    QFETCH(QString, model);
    QFETCH(QString, provider);
    QFETCH(QString, message);
    const TestHttpResult result = streamFrom(m_harness, Client(client), model);
    QCOMPARE(result.status, 200);
    QByteArray body = result.body;
    if (Client(client) == Client::Gemini)
        body.replace("\r\n", "\n"); // Google's events end in CRLF CRLF
    const QByteArrayList events = Sse::events(body);
    QVERIFY2(events.size() >= 2, result.body.constData());
    const QByteArray last = events.last();
    switch (Client(client)) {
    case Client::OpenAI: {
        // What the openai SDK raises on (APIError from a data chunk holding "error"), and no [DONE] after it.
        QVERIFY2(Sse::content(result.body).startsWith(u"Echo:"_s), result.body.constData());
        const QJsonObject error = Sse::json(last).value(u"error").toObject();
        QCOMPARE(error.value(u"message").toString(), message);
        QVERIFY(!error.value(u"type").toString().isEmpty());
        QVERIFY2(!result.body.contains("[DONE]"), result.body.constData());
        break;
    }
    case Client::Anthropic: {
        QVERIFY2(last.startsWith("event: error\n"), last.constData());
        const QJsonObject body = QJsonDocument::fromJson(last.mid(last.indexOf("data: ") + 6)).object();
        QCOMPARE(body.value(u"type").toString(), u"error"_s);
        QCOMPARE(body.value(u"error").toObject().value(u"message").toString(), message);
        QVERIFY2(!result.body.contains("message_stop"), result.body.constData());
        break;
    }
    case Client::Gemini: {
        const QJsonObject error = Sse::json(last).value(u"error").toObject();
        QCOMPARE(error.value(u"message").toString(), message);
        QCOMPARE(error.value(u"code").toInt(), 502);
        QVERIFY2(result.body.contains("Echo:"), result.body.constData());
        break;
    }
    }

    // One attempt: a stream that has begun is never retried (record() would wait for more after a 5xx).
    const QList<QVariantMap> rows = m_harness.waitForRecords(
        1, u"request_id = ?"_s, { QString::fromUtf8(result.header("x-request-id")) });
    QCOMPARE(rows.size(), 1);
    const QVariantMap *row = &rows.first();
    QCOMPARE(row->value(u"status"_s).toInt(), 502);
    QCOMPARE(row->value(u"error"_s).toString(), message);
    QCOMPARE(row->value(u"used_provider"_s).toString(), provider);
    QCOMPARE(row->value(u"streamed"_s).toInt(), 1);
}

QTEST_GUILESS_MAIN(TestProxyStreamErrors)
#include "tst_proxystreamerrors.moc"
