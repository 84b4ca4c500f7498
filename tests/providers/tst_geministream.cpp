// Gemini's alt=sse streams to OpenAI chunks, against fixtures/gemini/streams/ (a recorded stream → the exact
// chunks each event must yield, the usage chunk, the finish reason), and the odd streams: no response id,
// a blocked prompt, an event that is not JSON.
#include "fixturefiles.h"
#include "geminiadapter.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 created = 1700000000;

using FixtureFiles::parseSse;
using FixtureFiles::readFile;
using FixtureFiles::readObject;
using FixtureFiles::text;

QJsonArray arrayOf(const QList<QJsonObject> &objects)
{
    QJsonArray array;
    for (const QJsonObject &object : objects)
        array.append(object);
    return array;
}

} // namespace

class TestGeminiStream : public QObject
{
    Q_OBJECT

private slots:
    void streams_data();
    void streams();
    void streamWithoutResponseId();
    void streamBlockedPrompt();
    void streamNotJson();
    void textFastPathTakesOnlyPlainText_data();
    void textFastPathTakesOnlyPlainText();
    void textFastPathTakesInUsage();
};

void TestGeminiStream::streams_data()
{
    QTest::addColumn<QString>("path");
    const QString directory = QStringLiteral(FIXTURES_DIR "/gemini/streams/");
    const QStringList files = QDir(directory).entryList({ u"*.sse"_s }, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), qPrintable(u"no fixtures in "_s + directory));
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << directory + file;
}

void TestGeminiStream::streams()
{
    QFETCH(QString, path);
    const QList<SseEvent> events = parseSse(readFile(path));
    const QJsonObject expected = readObject(path.chopped(4) + u".expected.json"_s);
    const QJsonArray perEvent = expected.value("events"_L1).toArray();
    QCOMPARE(events.size(), perEvent.size());

    GeminiAdapter::StreamToOpenAI stream(u"google/gemini-2.5-flash"_s, created);
    int fastEvents = 0;
    for (qsizetype i = 0; i < events.size(); ++i) {
        // The fast path for text events gives exactly the chunk feed() gives, and takes in the same usage.
        GeminiAdapter::StreamToOpenAI documentPath = stream;
        qsizetype textBytes = 0;
        const auto fast = stream.textChunk(events.at(i).data, &textBytes);
        const QList<QJsonObject> fed = fast ? documentPath.feed(events.at(i)) : stream.feed(events.at(i));
        if (fast) {
            ++fastEvents;
            QCOMPARE(fed.size(), 1);
            QCOMPARE(*fast, QJsonDocument(fed.first()).toJson(QJsonDocument::Compact));
            QVERIFY(textBytes > 0);
            QCOMPARE(stream.usage().promptTokens, documentPath.usage().promptTokens);
            QCOMPARE(stream.usage().completionTokens, documentPath.usage().completionTokens);
            QCOMPARE(stream.usage().known, documentPath.usage().known);
        }
        const QByteArray chunks = text(arrayOf(fed));
        QVERIFY2(chunks == text(perEvent.at(i)),
            qPrintable(u"event %1 gave\n%2\nexpected\n%3"_s.arg(i).arg(
                QString::fromUtf8(chunks), QString::fromUtf8(text(perEvent.at(i))))));
    }
    if (path.endsWith(u"/text.sse"_s))
        QCOMPARE(fastEvents, 1); // the middle one of three: the first starts the choice, the last finishes it
    QCOMPARE(text(arrayOf(stream.finish())), text(expected.value("finish"_L1)));
    QVERIFY2(stream.finish().isEmpty(), "the usage chunk comes once");

    QCOMPARE(stream.finishReason(), expected.value("finishReason"_L1).toString());
    QCOMPARE(stream.failed(), expected.value("failed"_L1).toBool());
    QCOMPARE(stream.errorMessage(), expected.value("errorMessage"_L1).toString());
    const QJsonObject usage = expected.value("usage"_L1).toObject();
    QVERIFY(stream.usage().known);
    QCOMPARE(stream.usage().promptTokens, usage.value("promptTokens"_L1).toInteger());
    QCOMPARE(stream.usage().completionTokens, usage.value("completionTokens"_L1).toInteger());
    QCOMPARE(stream.usage().cachedTokens, usage.value("cachedTokens"_L1).toInteger());
    QCOMPARE(stream.usage().reasoningTokens, usage.value("reasoningTokens"_L1).toInteger());
}

void TestGeminiStream::streamWithoutResponseId()
{
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    const auto first = stream.feed({ {}, R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}]})" });
    const auto second = stream.feed({ {},
        R"({"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2}})" });
    const auto last = stream.finish();
    QCOMPARE(first.size(), 2);
    QCOMPARE(second.size(), 2);
    QCOMPARE(last.size(), 1);
    const QString id = first.first().value("id"_L1).toString();
    QVERIFY2(id.startsWith("chatcmpl-"_L1) && id.size() > 20, qPrintable(id));
    for (const auto &chunk : first + second + last)
        QCOMPARE(chunk.value("id"_L1).toString(), id);
    QCOMPARE(last.first()["usage"_L1]["total_tokens"_L1].toInteger(), qint64(3));
}

void TestGeminiStream::streamBlockedPrompt()
{
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    const auto chunks = stream.feed({ {},
        R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7},"responseId":"b1"})" });
    QCOMPARE(chunks.size(), 2);
    QCOMPARE(chunks.at(0)["choices"_L1][0]["delta"_L1]["role"_L1].toString(), u"assistant"_s);
    QCOMPARE(chunks.at(1)["choices"_L1][0]["finish_reason"_L1].toString(), u"content_filter"_s);
    QCOMPARE(stream.finishReason(), u"content_filter"_s);
    QCOMPARE(stream.finish().first()["usage"_L1]["prompt_tokens"_L1].toInteger(), qint64(7));
}

void TestGeminiStream::streamNotJson()
{
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    QVERIFY(stream.feed({ {}, "\n" }).isEmpty()); // keep-alive blank data is no event
    QVERIFY(!stream.failed());
    QVERIFY(stream.feed({ {}, "{\"candidates\": [tru" }).isEmpty());
    QVERIFY(stream.failed());
    QVERIFY2(stream.errorMessage().startsWith("Gemini sent a stream event that is not a JSON object"_L1),
        qPrintable(stream.errorMessage()));
    QVERIFY2(stream.finish().isEmpty(), "no usage was seen, so there is no usage chunk");
}

void TestGeminiStream::textFastPathTakesOnlyPlainText_data()
{
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<bool>("fast");
    QTest::newRow("text") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"text":"b\n\u00e9"}],"role":"model"},"index":0}]})")
                          << true;
    QTest::newRow("no index") << QByteArray(R"({"candidates":[{"content":{"parts":[{"text":"b"}]}}]})")
                              << true;
    QTest::newRow("finish") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP"}]})")
                            << false;
    QTest::newRow("thought") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"text":"b","thought":true}]}}]})")
                             << false;
    QTest::newRow("call") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]}}]})")
                          << false;
    QTest::newRow("two parts") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"text":"b"},{"text":"c"}]}}]})")
                               << false;
    QTest::newRow("second candidate")
        << QByteArray(R"({"candidates":[{"content":{"parts":[{"text":"b"}]},"index":1}]})") << false;
    QTest::newRow("empty text") << QByteArray(R"({"candidates":[{"content":{"parts":[{"text":""}]}}]})")
                                << false;
    QTest::newRow("error") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"text":"b"}]}}],"error":{"code":500}})")
                           << false;
    QTest::newRow("twice") << QByteArray(
        R"({"candidates":[{"content":{"parts":[{"text":"b","text":"c"}]}}]})")
                           << false;
    QTest::newRow("truncated") << QByteArray(R"({"candidates":[{"content":{"parts":[{"text":"b"}]}})")
                               << false;
}

// The fast path takes plain text of the first candidate only; whatever it declines, feed() handles.
void TestGeminiStream::textFastPathTakesOnlyPlainText()
{
    QFETCH(QByteArray, event);
    QFETCH(bool, fast);
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    qsizetype textBytes = 0;
    QVERIFY2(!stream.textChunk(event, &textBytes), "the first event starts the choice through feed()");
    stream.feed({ {}, R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}],"responseId":"r1"})" });
    GeminiAdapter::StreamToOpenAI documentPath = stream;
    const auto chunk = stream.textChunk(event, &textBytes);
    QCOMPARE(chunk.has_value(), fast);
    if (fast) {
        const QList<QJsonObject> fed = documentPath.feed({ {}, event });
        QCOMPARE(fed.size(), 1);
        COMPARE_JSON(QJsonDocument::fromJson(*chunk).object(), fed.first());
    }
}

// Every Gemini event carries the usage so far; a stream cut after a text event still reports that event's.
void TestGeminiStream::textFastPathTakesInUsage()
{
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    stream.feed({ {},
        R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":{"promptTokenCount":3},"responseId":"r1"})" });
    qsizetype textBytes = 0;
    QVERIFY(stream.textChunk(
        R"({"candidates":[{"content":{"parts":[{"text":"b"}]}}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"thoughtsTokenCount":4}})",
        &textBytes));
    QCOMPARE(textBytes, 1);
    const QList<QJsonObject> last = stream.finish();
    QCOMPARE(last.size(), 1);
    QCOMPARE(last.first()["usage"_L1]["completion_tokens"_L1].toInteger(), qint64(6));
    QCOMPARE(last.first()["usage"_L1]["completion_tokens_details"_L1]["reasoning_tokens"_L1].toInteger(),
        qint64(4));
}

QTEST_GUILESS_MAIN(TestGeminiStream)
#include "tst_geministream.moc"
