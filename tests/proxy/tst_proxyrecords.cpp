// What the gateway records of proxied requests: one row per request under concurrent load, each with its
// own tokens, key and stream flag; payloads kept or dropped by the retention level; and records of requests
// still in flight when the gateway stops.

#include "fakeupstream.h"
#include "proxy/providerstats.h"
#include "proxyharness.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSet>
#include <QTest>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {
struct Sent
{
    QByteArray body;
    bool stream = false;
    qint64 keyId = 0;
    QByteArray clientId; // empty: the gateway makes one
    QString text;
    QNetworkReply *reply = nullptr;
    int status = 0;
    QByteArray requestId;
    QByteArray answer;
};

QNetworkReply *postChat(QNetworkAccessManager &nam, quint16 port, const QByteArray &key,
    const QByteArray &body, const QByteArray &clientId = {})
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/v1/chat/completions"_s.arg(port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + key);
    if (!clientId.isEmpty())
        request.setRawHeader("x-request-id", clientId);
    return nam.post(request, body);
}

QString answerText(const QByteArray &body, bool stream)
{
    if (!stream) {
        return QJsonDocument::fromJson(body)
            .object()
            .value(u"choices")
            .toArray()
            .first()
            .toObject()
            .value(u"message")
            .toObject()
            .value(u"content")
            .toString();
    }
    return Sse::content(body);
}
} // namespace

class TestProxyRecords final : public QObject
{
    Q_OBJECT

private slots:
    void concurrentRequestsAreEachRecordedOnce();
    void retention_data();
    void retention();
    void stopWaitsForRequestsInFlight();
    void routingLearnsFromTheRecords();
};

void TestProxyRecords::concurrentRequestsAreEachRecordedOnce()
{
    ProxyHarness h;
    QString error;
    QVERIFY2(h.start(&error), qPrintable(error));
    QByteArray otherKey;
    qint64 otherKeyId = 0;
    QVERIFY2(h.createKey(u"second key"_s, &otherKey, &otherKeyId, &error), qPrintable(error));

    // Nine managers with up to six connections each: about fifty connections, four requests on each.
    constexpr int requestCount = 200;
    constexpr int managerCount = 9;
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    for (int i = 0; i < managerCount; ++i)
        managers.push_back(std::make_unique<QNetworkAccessManager>());

    std::vector<Sent> sent(requestCount);
    int finished = 0;
    for (int i = 0; i < requestCount; ++i) {
        Sent &s = sent[size_t(i)];
        s.stream = i % 3 == 0;
        const bool second = i % 2 == 1;
        s.keyId = second ? otherKeyId : h.apiKeyId();
        if (i % 4 == 0)
            s.clientId = "load-" + QByteArray::number(i);
        // A different number of words per request, so that a row given another request's usage shows.
        s.text = u"request %1"_s.arg(i) + QString(u" word"_s).repeated(i % 37);
        s.body = TestHttp::chatBody(u"openai/gpt-4o-mini"_s, s.text, s.stream);
        s.reply = postChat(*managers[size_t(i % managerCount)], h.port(), second ? otherKey : h.apiKey(),
            s.body, s.clientId);
        connect(s.reply, &QNetworkReply::finished, this, [&s, &finished] {
            s.status = s.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            s.requestId = s.reply->rawHeader("x-request-id");
            s.answer = s.reply->readAll();
            ++finished;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished, requestCount, 60000);

    QSet<QByteArray> ids;
    for (int i = 0; i < requestCount; ++i) {
        const Sent &s = sent[size_t(i)];
        QVERIFY2(s.status == 200, qPrintable(u"request %1: status %2"_s.arg(i).arg(s.status)));
        QCOMPARE(answerText(s.answer, s.stream), QString(u"Echo: "_s + s.text));
        if (!s.clientId.isEmpty())
            QCOMPARE(s.requestId, s.clientId);
        QVERIFY(!s.requestId.isEmpty());
        ids.insert(s.requestId);
        s.reply->deleteLater();
    }
    QCOMPARE(ids.size(), requestCount);

    QList<QVariantMap> rows = h.waitForRecords(requestCount);
    QCOMPARE(rows.size(), requestCount);
    QHash<QByteArray, QVariantMap> byId;
    for (const QVariantMap &row : std::as_const(rows))
        byId.insert(row.value(u"request_id"_s).toString().toUtf8(), row);
    QCOMPARE(byId.size(), requestCount); // distinct request ids in the store too
    for (int i = 0; i < requestCount; ++i) {
        const Sent &s = sent[size_t(i)];
        QVERIFY2(byId.contains(s.requestId), s.requestId);
        const QVariantMap &row = byId[s.requestId];
        const auto [prompt, completion] = UpstreamReplay::tokens(QJsonDocument::fromJson(s.body).object());
        const QString where = u"request %1 (%2)"_s.arg(i).arg(QString::fromUtf8(s.requestId));
        QVERIFY2(row.value(u"prompt_tokens"_s).toInt() == prompt, qPrintable(where));
        QVERIFY2(row.value(u"completion_tokens"_s).toInt() == completion, qPrintable(where));
        QVERIFY2(row.value(u"total_tokens"_s).toInt() == prompt + completion, qPrintable(where));
        QVERIFY2(row.value(u"streamed"_s).toBool() == s.stream, qPrintable(where));
        QVERIFY2(row.value(u"api_key_id"_s).toLongLong() == s.keyId, qPrintable(where));
        QVERIFY2(row.value(u"status"_s).toInt() == 200, qPrintable(where));
        QVERIFY2(row.value(u"request_body"_s).toByteArray() == s.body, qPrintable(where));
        QVERIFY2(sameMoney(row.value(u"cost"_s).toDouble(), expectedCost(h.gateway(), prompt, completion)),
            qPrintable(where));
    }
    // Nothing written twice, even after everything settled.
    QCOMPARE(h.records().size(), requestCount);
}

void TestProxyRecords::retention_data()
{
    QTest::addColumn<bool>("metadataOnly");
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<int>("status");
    QTest::newRow("retain all, whole") << false << u"openai/gpt-4o-mini"_s << false << 200;
    QTest::newRow("retain all, stream") << false << u"openai/gpt-4o-mini"_s << true << 200;
    QTest::newRow("retain all, upstream error") << false << u"openai/fake-error-429"_s << false << 429;
    QTest::newRow("metadata only, whole") << true << u"openai/gpt-4o-mini"_s << false << 200;
    QTest::newRow("metadata only, stream") << true << u"openai/gpt-4o-mini"_s << true << 200;
    QTest::newRow("metadata only, upstream error") << true << u"openai/fake-error-429"_s << false << 429;
    QTest::newRow("metadata only, rejected") << true << u"no-such-model-xyz"_s << false << 404;
}

void TestProxyRecords::retention()
{
    QFETCH(bool, metadataOnly);
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(int, status);

    ProxyHarness h;
    ProxyHarness::Options options;
    options.retention = metadataOnly ? RetentionLevel::MetadataOnly : RetentionLevel::RetainAll;
    QString error;
    QVERIFY2(h.start(options, &error), qPrintable(error));

    const QByteArray body = TestHttp::chatBody(model, u"private words about a secret project"_s, stream);
    const TestHttpResult result = h.chat(body);
    QCOMPARE(result.status, status);
    const auto row = h.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), status);
    QCOMPARE(row->value(u"streamed"_s).toBool(), stream);
    if (status == 200) {
        // Metadata is kept whatever the level.
        const auto [prompt, completion] = UpstreamReplay::tokens(QJsonDocument::fromJson(body).object());
        QCOMPARE(row->value(u"prompt_tokens"_s).toInt(), prompt);
        QCOMPARE(row->value(u"completion_tokens"_s).toInt(), completion);
    }

    // An upstream error (5xx, 429) is retried: one record per attempt, the last one what the client got.
    const QList<QJsonObject> exported = h.exportedRecords();
    QCOMPARE(exported.size(), (status == 429 || status >= 500) ? 3 : 1);
    if (metadataOnly) {
        QVERIFY(row->value(u"request_body"_s).isNull());
        QVERIFY(row->value(u"response_body"_s).isNull());
        const QJsonObject record = exported.last();
        QVERIFY(record.value(u"request_body").isNull() || record.value(u"request_body").isUndefined());
        QVERIFY(record.value(u"response_body").isNull() || record.value(u"response_body").isUndefined());
        QVERIFY(!QJsonDocument(record).toJson().contains("secret project"));
    } else {
        QCOMPARE(row->value(u"request_body"_s).toByteArray(), body);
        QCOMPARE(row->value(u"response_body"_s).toByteArray(), result.body);
        QVERIFY(QJsonDocument(exported.last()).toJson().contains("secret project"));
    }
}

void TestProxyRecords::stopWaitsForRequestsInFlight()
{
    ProxyHarness h;
    QString error;
    QVERIFY2(h.start(&error), qPrintable(error));

    const QByteArray slowBody = TestHttp::chatBody(u"openai/fake-slow-500"_s, u"slow answer"_s);
    const QByteArray streamBody
        = TestHttp::chatBody(u"openai/fake-stream-delay-100"_s, u"a slow stream"_s, true);
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> slow(postChat(nam, h.port(), h.apiKey(), slowBody, "in-flight-whole"));
    std::unique_ptr<QNetworkReply> streamed(
        postChat(nam, h.port(), h.apiKey(), streamBody, "in-flight-stream"));
    QTRY_COMPARE_WITH_TIMEOUT(h.upstream().receivedRequests().size(), 2, 5000);
    QVERIFY(!slow->isFinished());
    QVERIFY(!streamed->isFinished());

    h.gateway().stop();

    QTRY_VERIFY_WITH_TIMEOUT(slow->isFinished() && streamed->isFinished(), 5000);
    QCOMPARE(slow->error(), QNetworkReply::NoError);
    QCOMPARE(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(answerText(slow->readAll(), false), u"Echo: slow answer"_s);
    QCOMPARE(streamed->error(), QNetworkReply::NoError);
    const QByteArray streamAnswer = streamed->readAll();
    QCOMPARE(answerText(streamAnswer, true), u"Echo: a slow stream"_s);
    QVERIFY(streamAnswer.endsWith("data: [DONE]\n\n"));

    // The log writer has stopped: what is in the database now is all there will be.
    const QList<QVariantMap> rows = h.records();
    QCOMPARE(rows.size(), 2);
    for (const QVariantMap &row : rows) {
        const bool isStream = row.value(u"request_id"_s).toString() == u"in-flight-stream"_s;
        const auto [prompt, completion]
            = UpstreamReplay::tokens(QJsonDocument::fromJson(isStream ? streamBody : slowBody).object());
        QCOMPARE(row.value(u"status"_s).toInt(), 200);
        QCOMPARE(row.value(u"streamed"_s).toBool(), isStream);
        QCOMPARE(row.value(u"prompt_tokens"_s).toInt(), prompt);
        QCOMPARE(row.value(u"completion_tokens"_s).toInt(), completion);
    }

    // A stopped gateway accepts nothing new.
    const TestHttpResult after = TestHttp::call(nam, h.port(), "GET", u"/health"_s);
    QCOMPARE(after.status, 0);
}

// Records written by another instance sharing the database (here: straight into the log writer) shape this
// instance's view of a provider once it reads them.
void TestProxyRecords::routingLearnsFromTheRecords()
{
    ProxyHarness h;
    QString error;
    QVERIFY2(h.start(&error), qPrintable(error));
    QCOMPARE(h.gateway().providerStats().snapshot(u"groq"_s).attempts, 0);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 10; ++i) {
        RequestRecord r;
        r.requestId = "elsewhere-" + QByteArray::number(i);
        r.createdAt = now.addSecs(-60 * i);
        r.usedProvider = u"groq"_s;
        r.usedModel = u"llama-3.3-70b-versatile"_s;
        r.status = i < 4 ? 503 : 200; // four of ten failed
        r.durationMs = 200;
        h.gateway().logWriter().enqueue(r);
    }
    RequestRecord old; // outside the last hour: not counted
    old.createdAt = now.addSecs(-7200);
    old.usedProvider = u"groq"_s;
    old.status = 503;
    h.gateway().logWriter().enqueue(old);
    h.gateway().logWriter().flush();
    h.gateway().learnFromRecords();
    const ProviderStats::Snapshot groq = h.gateway().providerStats().snapshot(u"groq"_s);
    QCOMPARE(groq.attempts, 10);
    QVERIFY2(std::abs(groq.errorRate - 0.4) < 1e-9, qPrintable(QString::number(groq.errorRate)));
    QCOMPARE(groq.latencyMs, 200.0);
}

QTEST_GUILESS_MAIN(TestProxyRecords)
#include "tst_proxyrecords.moc"
