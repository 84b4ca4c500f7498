// Gemini generateContent clients served by any provider: Gemini requests to canonical OpenAI and canonical
// answers, streams and errors back to Gemini, against fixtures in fixtures/geminiinbound/.
#include "geminiinbound.h"

#include "fixturefiles.h"
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString fixtures = QStringLiteral(FIXTURES_DIR "/geminiinbound/");

const auto readJson = FixtureFiles::readObject;
using FixtureFiles::text;

void addFixtureRows(const QString &directory)
{
    FixtureFiles::addRows(fixtures + directory);
}

// The bytes Google sends for a list of GenerateContentResponse objects.
QByteArray sse(const QJsonArray &events)
{
    QByteArray out;
    for (const QJsonValue &event : events)
        out += "data: " + text(event.toObject()) + "\r\n\r\n";
    return out;
}

} // namespace

class TestGeminiInbound : public QObject
{
    Q_OBJECT

private slots:
    void request_data() { addFixtureRows(u"requests"_s); }
    void request()
    {
        QFETCH(QJsonObject, fixture);
        QString error;
        const auto openai = GeminiInbound::toOpenAIRequest(text(fixture["body"_L1].toObject()),
            fixture["model"_L1].toString(), fixture["stream"_L1].toBool(), &error);
        QVERIFY2(openai, qPrintable(error));
        QCOMPARE(text(*openai), text(fixture["expected"_L1].toObject()));
    }

    void requestRejects_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{\"contents\": [") << u"not a JSON object"_s;
        QTest::newRow("no contents") << QByteArray("{\"contents\": []}") << u"contents is required"_s;
        QTest::newRow("unknown part")
            << QByteArray(R"({"contents":[{"role":"user","parts":[{"executableCode":{"code":"1"}}]}]})")
            << u"contents[0].parts[0] has an unsupported part type (executableCode)"_s;
        QTest::newRow("function call in user turn")
            << QByteArray(
                   R"({"contents":[{"role":"user","parts":[{"functionCall":{"name":"f","args":{}}}]}]})")
            << u"contents[0].parts[0] has an unsupported part type (functionCall)"_s;
        QTest::newRow("unanswered function response") << QByteArray(
            R"({"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}]})")
                                                      << u"no earlier functionCall has that name"_s;
        QTest::newRow("bad role") << QByteArray(R"({"contents":[{"role":"system","parts":[{"text":"x"}]}]})")
                                  << u"contents[0].role \"system\" is neither"_s;
        QTest::newRow("inline data without data")
            << QByteArray(R"({"contents":[{"parts":[{"inlineData":{"mimeType":"image/png"}}]}]})")
            << u"contents[0].parts[0].inlineData needs mimeType and data"_s;
        QTest::newRow("google search tool")
            << QByteArray(R"({"contents":[{"parts":[{"text":"x"}]}],"tools":[{"googleSearch":{}}]})")
            << u"tools[0] (googleSearch) is not supported"_s;
        QTest::newRow("bad mode") << QByteArray(
            R"({"contents":[{"parts":[{"text":"x"}]}],"toolConfig":{"functionCallingConfig":{"mode":"SOME"}}})")
                                  << u"mode \"SOME\" is not one of AUTO, ANY, NONE"_s;
    }
    void requestRejects()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!GeminiInbound::toOpenAIRequest(body, u"gemini-2.5-flash"_s, false, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void thinkingBudget_data()
    {
        QTest::addColumn<int>("budget");
        QTest::addColumn<QString>("effort"); // empty: no reasoning_effort
        QTest::newRow("off") << 0 << QString();
        QTest::newRow("dynamic") << -1 << QString();
        QTest::newRow("1024") << 1024 << u"low"_s;
        QTest::newRow("2896") << 2896 << u"low"_s;
        QTest::newRow("2897") << 2897 << u"medium"_s;
        QTest::newRow("8192") << 8192 << u"medium"_s;
        QTest::newRow("14189") << 14189 << u"high"_s;
        QTest::newRow("24576") << 24576 << u"high"_s;
    }
    void thinkingBudget()
    {
        QFETCH(int, budget);
        QFETCH(QString, effort);
        const QByteArray body
            = R"({"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":)"
            + QByteArray::number(budget) + "}}}";
        QString error;
        const auto openai = GeminiInbound::toOpenAIRequest(body, u"m"_s, false, &error);
        QVERIFY2(openai, qPrintable(error));
        QCOMPARE(openai->contains("reasoning_effort"_L1), !effort.isEmpty());
        QCOMPARE(openai->value("reasoning_effort"_L1).toString(), effort);
    }

    void response_data() { addFixtureRows(u"responses"_s); }
    void response()
    {
        QFETCH(QJsonObject, fixture);
        const QJsonObject gemini
            = GeminiInbound::fromOpenAIResponse(fixture["openai"_L1].toObject(), u"gemini-2.5-flash"_s);
        QCOMPARE(text(gemini), text(fixture["expected"_L1].toObject()));
    }

    void errorBody_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("name");
        QTest::newRow("400") << 400 << u"INVALID_ARGUMENT"_s;
        QTest::newRow("401") << 401 << u"UNAUTHENTICATED"_s;
        QTest::newRow("403") << 403 << u"PERMISSION_DENIED"_s;
        QTest::newRow("404") << 404 << u"NOT_FOUND"_s;
        QTest::newRow("422") << 422 << u"INVALID_ARGUMENT"_s;
        QTest::newRow("429") << 429 << u"RESOURCE_EXHAUSTED"_s;
        QTest::newRow("500") << 500 << u"INTERNAL"_s;
        QTest::newRow("502") << 502 << u"INTERNAL"_s;
        QTest::newRow("503") << 503 << u"UNAVAILABLE"_s;
        QTest::newRow("504") << 504 << u"DEADLINE_EXCEEDED"_s;
    }
    void errorBody()
    {
        QFETCH(int, status);
        QFETCH(QString, name);
        const QByteArray body = GeminiInbound::errorBody(status, u"API key not valid."_s);
        QCOMPARE(body,
            "{\"error\":{\"code\":" + QByteArray::number(status)
                + ",\"message\":\"API key not valid.\",\"status\":\"" + name.toUtf8() + "\"}}");
    }

    void stream_data() { addFixtureRows(u"streams"_s); }
    void stream()
    {
        QFETCH(QJsonObject, fixture);
        GeminiInbound::StreamFromOpenAI stream(fixture["model"_L1].toString());
        const QJsonArray steps = fixture["steps"_L1].toArray();
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const QJsonObject step = steps.at(i).toObject();
            const QByteArray out = stream.feed(step["chunk"_L1].toObject());
            QVERIFY2(out == sse(step["events"_L1].toArray()),
                qPrintable(u"step %1:\n got: %2\nwant: %3"_s.arg(i).arg(
                    QString::fromUtf8(out), QString::fromUtf8(sse(step["events"_L1].toArray())))));
        }
        QCOMPARE(stream.finish(), sse(fixture["finish"_L1].toArray()));
        QVERIFY(stream.done());
        QCOMPARE(stream.finish(), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestGeminiInbound)
#include "tst_geminiinbound.moc"
