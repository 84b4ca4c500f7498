// Every way a chat completion can fail, through a real Gateway: the status, OpenAI's error envelope, and
// the record the gateway keeps of it (ARCHITECTURE.md, "Records": one per model request, whatever its
// outcome).

#include "fakeupstream.h"
#include "proxyharness.h"
#include "rawhttpclient.h"
#include "testhttp.h"

#include <QJsonDocument>
#include <QTemporaryFile>
#include <QTest>
#include <map>

using namespace Qt::StringLiterals;

namespace {
const Actor kTester { 0, u"test"_s }; // the key changes that set the scene, audited as the test's

enum Setup { Normal, Unreachable, ShortTimeout };
enum Auth { ValidKey, NoKey, BadKey };

const QByteArray chatPath = "/v1/chat/completions";

QByteArray chat(const QString &model, bool stream = false)
{
    return TestHttp::chatBody(model, u"something that fails"_s, stream);
}
} // namespace

class TestProxyErrors final : public QObject
{
    Q_OBJECT

private slots:
    void errorEnvelopeAndRecord_data();
    void errorEnvelopeAndRecord();
    void oversizedBody_data();
    void oversizedBody();
    void upstreamHeadersPassThrough();
    void droppedRequestIsNotSentTwice();
    void retriesAreRecordedPerAttempt();
    void fallsBackToTheNextProvider();
    void disabledKeyIsRefused();

private:
    ProxyHarness &harness(Setup setup);

    std::map<Setup, std::unique_ptr<ProxyHarness>> m_harnesses;
};

ProxyHarness &TestProxyErrors::harness(Setup setup)
{
    auto &slot = m_harnesses[setup];
    if (!slot) {
        ProxyHarness::Options options;
        options.upstreamReachable = setup != Unreachable;
        if (setup == ShortTimeout)
            options.upstreamTimeoutMs = 300;
        slot = std::make_unique<ProxyHarness>();
        QString error;
        if (!slot->start(options, &error))
            qFatal("cannot start the gateway: %s", qPrintable(error));
    }
    return *slot;
}

void TestProxyErrors::errorEnvelopeAndRecord_data()
{
    QTest::addColumn<int>("setup");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("auth");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code"); // "*": any string or null
    QTest::addColumn<QString>("message"); // a part the message must contain
    QTest::addColumn<bool>("recorded");

    const QByteArray json = "application/json";
    const QByteArray post = "POST";
    const QString invalid = u"invalid_request_error"_s;
    QTest::newRow("bad JSON") << int(Normal) << post << chatPath << json
                              << QByteArray("{\"model\": \"openai/gpt-4o-mini\",") << int(ValidKey) << 400
                              << invalid << u"*"_s << u"not valid JSON"_s << true;
    QTest::newRow("body not an object") << int(Normal) << post << chatPath << json << QByteArray("[1,2]")
                                        << int(ValidKey) << 400 << invalid << u"*"_s << u"object"_s << true;
    QTest::newRow("missing model") << int(Normal) << post << chatPath << json
                                   << QByteArray("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                                   << int(ValidKey) << 400 << invalid << u"*"_s << u"model"_s << true;
    QTest::newRow("messages not an array")
        << int(Normal) << post << chatPath << json
        << QByteArray("{\"model\":\"openai/gpt-4o-mini\",\"messages\":\"hi\"}") << int(ValidKey) << 400
        << invalid << u"*"_s << u"messages"_s << true;
    QTest::newRow("stream not a boolean")
        << int(Normal) << post << chatPath << json
        << QByteArray("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[],\"stream\":\"yes\"}")
        << int(ValidKey) << 400 << invalid << u"*"_s << u"stream"_s << true;
    QTest::newRow("text/plain") << int(Normal) << post << chatPath << QByteArray("text/plain")
                                << chat(u"openai/gpt-4o-mini"_s) << int(ValidKey) << 415 << invalid
                                << u"unsupported_media_type"_s << u"application/json"_s << true;
    QTest::newRow("no key") << int(Normal) << post << chatPath << json << chat(u"openai/gpt-4o-mini"_s)
                            << int(NoKey) << 401 << invalid << u"invalid_api_key"_s << u"API key"_s << true;
    QTest::newRow("bad key") << int(Normal) << post << chatPath << json << chat(u"openai/gpt-4o-mini"_s)
                             << int(BadKey) << 401 << invalid << u"invalid_api_key"_s << u"API key"_s << true;
    QTest::newRow("unknown model") << int(Normal) << post << chatPath << json << chat(u"no-such-model-xyz"_s)
                                   << int(ValidKey) << 404 << invalid << u"model_not_found"_s
                                   << u"no-such-model-xyz"_s << true;
    QTest::newRow("provider not configured")
        << int(Normal) << post << chatPath << json << chat(u"groq/x"_s) << int(ValidKey) << 404 << invalid
        << u"model_not_found"_s << u"GROQ_API_KEY"_s << true;
    QTest::newRow("upstream 429") << int(Normal) << post << chatPath << json
                                  << chat(u"openai/fake-error-429"_s) << int(ValidKey) << 429 << u"requests"_s
                                  << u"rate_limit_exceeded"_s << u"Rate limit reached for fake-error-429"_s
                                  << true;
    QTest::newRow("upstream 429, stream")
        << int(Normal) << post << chatPath << json << chat(u"openai/fake-error-429"_s, true) << int(ValidKey)
        << 429 << u"requests"_s << u"rate_limit_exceeded"_s << u"Rate limit reached for fake-error-429"_s
        << true;
    QTest::newRow("upstream 500") << int(Normal) << post << chatPath << json
                                  << chat(u"openai/fake-error-500"_s) << int(ValidKey) << 500
                                  << u"server_error"_s << u"*"_s
                                  << u"The server had an error while processing your request"_s << true;
    QTest::newRow("upstream unreachable")
        << int(Unreachable) << post << chatPath << json << chat(u"openai/gpt-4o-mini"_s) << int(ValidKey)
        << 502 << u"api_error"_s << u"upstream_error"_s << u"openai"_s << true;
    QTest::newRow("upstream too slow")
        << int(ShortTimeout) << post << chatPath << json << chat(u"openai/fake-slow-3000"_s) << int(ValidKey)
        << 504 << u"api_error"_s << u"upstream_timeout"_s << u"openai"_s << true;
    QTest::newRow("upstream drops") << int(Normal) << post << chatPath << json << chat(u"openai/fake-drop"_s)
                                    << int(ValidKey) << 502 << u"api_error"_s << u"upstream_error"_s
                                    << u"openai"_s << true;
    QTest::newRow("upstream drops half way")
        << int(Normal) << post << chatPath << json << chat(u"openai/fake-drop-mid-stream"_s) << int(ValidKey)
        << 502 << u"api_error"_s << u"upstream_error"_s << u"openai"_s << true;
    QTest::newRow("upstream not JSON")
        << int(Normal) << post << chatPath << json << chat(u"openai/fake-not-json"_s) << int(ValidKey) << 502
        << u"api_error"_s << u"upstream_error"_s << u"not a JSON object"_s << true;
    // Not a model request: answered, but not recorded.
    QTest::newRow("unknown path") << int(Normal) << post << QByteArray("/v1/nothing-here") << json
                                  << chat(u"openai/gpt-4o-mini"_s) << int(ValidKey) << 404 << invalid
                                  << u"unknown_url"_s << u"/v1/nothing-here"_s << false;
    QTest::newRow("GET chat completions")
        << int(Normal) << QByteArray("GET") << chatPath << json << QByteArray() << int(ValidKey) << 405
        << invalid << u"method_not_allowed"_s << u"GET"_s << true;
}

void TestProxyErrors::errorEnvelopeAndRecord()
{
    QFETCH(int, setup);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, auth);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(bool, recorded);

    ProxyHarness &h = harness(Setup(setup));
    const qsizetype rowsBefore = h.records().size();
    QList<QPair<QByteArray, QByteArray>> headers { { "content-type", contentType } };
    if (auth == ValidKey)
        headers.append(h.authHeader());
    else if (auth == BadKey)
        headers.append(QPair<QByteArray, QByteArray>("authorization", "Bearer llmgw_1_thisisnotthesecret"));
    const TestHttpResult result
        = TestHttp::call(h.nam(), h.port(), method, QString::fromLatin1(path), body, headers);

    QCOMPARE(result.status, status);
    QVERIFY2(result.header("content-type").startsWith("application/json"), result.header("content-type"));
    const QByteArray requestId = result.header("x-request-id");
    QVERIFY(!requestId.isEmpty());
    const QJsonObject document = result.json();
    QVERIFY2(document.value(u"error").isObject(), result.body);
    const QJsonObject error = document.value(u"error").toObject();
    const QString text = error.value(u"message").toString();
    QVERIFY2(text.contains(message), qPrintable(text));
    QCOMPARE(error.value(u"type").toString(), type);
    QVERIFY2(error.contains(u"code") && error.contains(u"param"), result.body);
    if (code == u"*")
        QVERIFY(error.value(u"code").isString() || error.value(u"code").isNull());
    else
        QCOMPARE(error.value(u"code").toString(), code);

    if (!recorded) {
        QCOMPARE(h.records().size(), rowsBefore);
        return;
    }
    const auto row = h.record(requestId);
    QVERIFY2(row, requestId);
    QCOMPARE(row->value(u"status"_s).toInt(), status);
    QVERIFY(!row->value(u"error"_s).toString().isEmpty());
    QVERIFY2(
        row->value(u"error"_s).toString().contains(message), qPrintable(row->value(u"error"_s).toString()));
    QCOMPARE(row->value(u"endpoint"_s).toString(), u"/v1/chat/completions"_s);
    QCOMPARE(
        row->value(u"api_key_id"_s).toLongLong(), auth == ValidKey && method == "POST" ? h.apiKeyId() : 0);
    QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), 0);
    // With Retain All, the record keeps what the client got.
    if (auth == ValidKey && method == "POST")
        QCOMPARE(row->value(u"response_body"_s).toByteArray(), result.body);
    if (status >= 429)
        QCOMPARE(row->value(u"used_provider"_s).toString(), u"openai"_s);
}

void TestProxyErrors::oversizedBody_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::newRow("content-length") << false;
    QTest::newRow("chunked") << true;
}

void TestProxyErrors::oversizedBody()
{
    QFETCH(bool, chunked);
    ProxyHarness &h = harness(Normal);
    const qint64 limit = h.gateway().config().maxBodyBytes;
    const QByteArray text(limit, 'a');
    const QByteArray body = chat(QString::fromLatin1(text));
    QVERIFY(body.size() > limit);

    RawHttpClient client;
    QVERIFY(client.connectToServer(h.port()));
    QByteArray head
        = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          "Authorization: Bearer "
        + h.apiKey() + "\r\nx-request-id: too-large-" + (chunked ? "c" : "l") + "\r\n";
    if (chunked) {
        // The server can only tell from the data: send more than the limit, in chunks.
        QByteArray chunks;
        for (qsizetype at = 0; at < body.size(); at += 16384) {
            const QByteArray piece = body.mid(at, 16384);
            chunks += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
        }
        client.send(head + "Transfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
    } else {
        // The declared length is enough to refuse it; the body need not be sent.
        client.send(
            head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body.left(1000));
    }
    const RawHttpResponse response = client.readResponse();
    QVERIFY(response.complete);
    QCOMPARE(response.status, 413);
    const QJsonObject error = QJsonDocument::fromJson(response.body).object().value(u"error").toObject();
    QVERIFY2(!error.value(u"message").toString().isEmpty(), response.body);
    QVERIFY(!error.value(u"type").toString().isEmpty());
    QVERIFY(error.contains(u"code"));

    // The HTTP layer refuses the body, but the proxy answers: with the x-request-id (INTERFACE.md: every
    // response carries one)...
    QCOMPARE(response.header("x-request-id"), QByteArray("too-large-") + (chunked ? "c" : "l"));
    // ...and no record, although it is a model request (ARCHITECTURE.md, "Records").
    const QList<QVariantMap> rows = h.waitForRecords(1, u"status = 413 AND request_id = ?"_s,
        { QString::fromLatin1(QByteArray("too-large-") + (chunked ? "c" : "l")) }, 1000);
    QCOMPARE(rows.size(), 1);
}

void TestProxyErrors::upstreamHeadersPassThrough()
{
    // A client that backs off needs the upstream's rate-limit headers along with the 429.
    ProxyHarness &h = harness(Normal);
    const TestHttpResult result = h.chat(chat(u"openai/fake-error-429"_s));
    QCOMPARE(result.status, 429);
    QCOMPARE(result.header("openai-processing-ms"), QByteArray("1"));
    // The upstream's own request id does not replace the gateway's.
    QVERIFY(!result.header("x-request-id").isEmpty());
    QVERIFY(h.record(result.header("x-request-id")));
}

void TestProxyErrors::droppedRequestIsNotSentTwice()
{
    // One client connection is served by one worker: its second request goes out on the upstream
    // connection the first one left in the pool.
    ProxyHarness &h = harness(Normal);
    RawHttpClient client;
    QVERIFY(client.connectToServer(h.port()));
    const QByteArrayList auth { "Authorization: Bearer " + h.apiKey() };
    client.send(RawHttpClient::request("POST", chatPath, chat(u"openai/gpt-4o-mini"_s), auth));
    QCOMPARE(client.readResponse().status, 200);
    h.upstream().clearReceivedRequests();
    client.send(RawHttpClient::request(
        "POST", chatPath, chat(u"openai/fake-drop"_s), auth + QByteArrayList { "X-No-Fallback: true" }));
    QCOMPARE(client.readResponse().status, 502);

    // A reused connection closed before any byte came back is not resent by the upstream client: the
    // upstream had the whole POST, and a model call it ran before dropping the connection would be run (and
    // billed) twice. Retrying is the proxy's policy, which X-No-Fallback turns off.
    QCOMPARE(h.upstream().receivedRequests().size(), 1);
}

void TestProxyErrors::retriesAreRecordedPerAttempt()
{
    ProxyHarness &h = harness(Normal);
    h.upstream().clearReceivedRequests();
    const TestHttpResult result = h.chat(chat(u"openai/fake-error-503"_s));
    QCOMPARE(result.status, 503);
    // Three attempts (one try, two retries) on the only route, each recorded under the client's request id.
    QCOMPARE(h.upstream().receivedRequests().size(), 3);
    const QList<QVariantMap> rows
        = h.waitForRecords(3, u"request_id = ?"_s, { QString::fromLatin1(result.header("x-request-id")) });
    QCOMPARE(rows.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(rows.at(i).value(u"attempt"_s).toInt(), i + 1);
        QCOMPARE(rows.at(i).value(u"status"_s).toInt(), 503);
    }

    // X-No-Fallback: one attempt, one record. Then a client error, not retried either, on the same
    // connection: the worker that answered the first hands its record over before it reads the second
    // request, so once the second's record is stored, any further record of the first would be too.
    RawHttpClient client;
    QVERIFY(client.connectToServer(h.port()));
    const QByteArrayList auth { "Authorization: Bearer " + h.apiKey() };
    h.upstream().clearReceivedRequests();
    client.send(RawHttpClient::request("POST", chatPath, chat(u"openai/fake-error-429"_s),
        auth + QByteArrayList { "X-No-Fallback: true", "x-request-id: once-429" }));
    QCOMPARE(client.readResponse().status, 429);
    QCOMPARE(h.upstream().receivedRequests().size(), 1);

    h.upstream().clearReceivedRequests();
    client.send(RawHttpClient::request("POST", chatPath, chat(u"openai/fake-error-400"_s),
        auth + QByteArrayList { "x-request-id: then-400" }));
    QCOMPARE(client.readResponse().status, 400);
    QCOMPARE(h.upstream().receivedRequests().size(), 1);
    QCOMPARE(h.waitForRecords(1, u"request_id = ?"_s, { u"then-400"_s }).size(), 1);
    QCOMPARE(h.records(u"request_id = ?"_s, { u"once-429"_s }).size(), 1);
}

void TestProxyErrors::fallsBackToTheNextProvider()
{
    // "shared-model" is offered by mistral (cheaper, unreachable here) and openai (the fake upstream): the
    // first attempt goes to mistral, fails to connect, and the request falls back to openai.
    QTemporaryFile catalog;
    QVERIFY(catalog.open());
    catalog.write(R"({"version":1,"providers":{
        "mistral":{"models":{"shared-model":{"input":0.1,"output":0.1,"context":1000,"max_output":100}}},
        "openai":{"models":{"shared-model":{"input":1,"output":1,"context":1000,"max_output":100}}}}})");
    catalog.close();
    ProxyHarness h;
    ProxyHarness::Options options;
    options.catalogFile = catalog.fileName();
    options.extraEnvironment = { { u"MISTRAL_API_KEY"_s, u"sk-m"_s },
        { u"MISTRAL_BASE_URL"_s, u"http://127.0.0.1:{closed}/v1"_s } };
    QString error;
    QVERIFY2(h.start(options, &error), qPrintable(error));

    const TestHttpResult result = h.chat(chat(u"shared-model"_s));
    QCOMPARE(result.status, 200);
    const QList<QVariantMap> rows
        = h.waitForRecords(2, u"request_id = ?"_s, { QString::fromLatin1(result.header("x-request-id")) });
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).value(u"used_provider"_s).toString(), u"mistral"_s);
    QCOMPARE(rows.at(0).value(u"status"_s).toInt(), 502);
    QCOMPARE(rows.at(1).value(u"used_provider"_s).toString(), u"openai"_s);
    QCOMPARE(rows.at(1).value(u"status"_s).toInt(), 200);
    QCOMPARE(rows.at(1).value(u"attempt"_s).toInt(), 2);
    QVERIFY(rows.at(1).value(u"cost"_s).toDouble() > 0);
}

void TestProxyErrors::disabledKeyIsRefused()
{
    ProxyHarness &h = harness(Normal);
    QByteArray key;
    qint64 id = 0;
    QString error;
    StoreError keyError;
    QVERIFY2(h.createKey(u"soon disabled"_s, &key, &id, &error), qPrintable(error));
    const QList<QPair<QByteArray, QByteArray>> auth { { "authorization", "Bearer " + key } };
    const QByteArray body = chat(u"openai/gpt-4o-mini"_s);
    QCOMPARE(
        TestHttp::call(h.nam(), h.port(), "POST", QString::fromLatin1(chatPath), body, auth).status, 200);
    QVERIFY2(
        h.gateway().keys().update(kTester, id, { {}, true, {} }, &keyError), qPrintable(keyError.message));
    const TestHttpResult refused
        = TestHttp::call(h.nam(), h.port(), "POST", QString::fromLatin1(chatPath), body, auth);
    // Known but disabled: the client is told so (issue 4), rather than that its key is wrong.
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.json().value(u"error").toObject().value(u"code").toString(), u"key_disabled"_s);
}

QTEST_GUILESS_MAIN(TestProxyErrors)
#include "tst_proxyerrors.moc"
