// OpenAI Responses clients served by any provider: Responses requests to canonical Chat Completions and
// canonical answers, streams and errors back to Responses objects and events, against fixtures in
// fixtures/responses/ shaped like OpenAI's documented examples.
#include "fixturefiles.h"
#include "responsesinbound.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString fixtures = QStringLiteral(FIXTURES_DIR "/responses/");

using FixtureFiles::text;

// The bytes OpenAI sends for a list of events: "event: <type>\ndata: <json>\n\n" each.
QByteArray sse(const QJsonArray &events)
{
    QByteArray out;
    for (const QJsonValue &event : events)
        out += "event: " + event.toObject().value("type"_L1).toString().toUtf8()
            + "\ndata: " + text(event.toObject()) + "\n\n";
    return out;
}

ResponsesInbound::ResponseContext contextOf(const QJsonObject &request)
{
    QString error;
    QByteArray param;
    const auto translation = ResponsesInbound::toOpenAIRequest(request, &error, &param);
    if (!translation)
        qFatal("fixture request does not translate: %s", qPrintable(error));
    return translation->context;
}

} // namespace

class TestResponsesInbound : public QObject
{
    Q_OBJECT

private slots:
    void request_data() { FixtureFiles::addRows(fixtures + u"requests"_s); }
    void request()
    {
        QFETCH(QJsonObject, fixture);
        QString error;
        QByteArray param;
        const auto translation
            = ResponsesInbound::toOpenAIRequest(fixture["body"_L1].toObject(), &error, &param);
        QVERIFY2(translation, qPrintable(error));
        COMPARE_JSON(translation->canonical, fixture["expected"_L1].toObject());
        QCOMPARE(QJsonArray::fromStringList(translation->droppedTools), fixture["dropped"_L1].toArray());
        QJsonObject namespaced;
        for (auto it = translation->context.namespacedTools.cbegin();
             it != translation->context.namespacedTools.cend(); ++it)
            namespaced.insert(it.key(), QJsonArray { it->space, it->name });
        COMPARE_JSON(namespaced, fixture["namespaced"_L1].toObject());
        QCOMPARE(translation->context.model, fixture["body"_L1].toObject().value("model"_L1).toString());
    }

    void requestRejects_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("param");
        QTest::addColumn<QString>("message");
        QTest::newRow("previous_response_id")
            << QByteArray(R"({"model":"m","input":"x","previous_response_id":"resp_1"})")
            << QByteArray("previous_response_id")
            << u"previous_response_id: this gateway does not store responses"_s;
        QTest::newRow("conversation")
            << QByteArray(R"({"model":"m","input":"x","conversation":"conv_1"})")
            << QByteArray("conversation") << u"conversation: this gateway does not store"_s;
        QTest::newRow("background") << QByteArray(R"({"model":"m","input":"x","background":true})")
                                    << QByteArray("background")
                                    << u"background: this gateway does not store"_s;
        QTest::newRow("item_reference")
            << QByteArray(R"({"model":"m","input":[{"type":"item_reference","id":"msg_1"}]})")
            << QByteArray("input") << u"input[0]: item_reference needs stored responses"_s;
        QTest::newRow("no input") << QByteArray(R"({"model":"m"})") << QByteArray("input")
                                  << u"input: Field required"_s;
        QTest::newRow("unknown item")
            << QByteArray(R"({"model":"m","input":[{"type":"computer_call_output","call_id":"c"}]})")
            << QByteArray("input") << u"input[0].type: input item type 'computer_call_output'"_s;
        QTest::newRow("bad role") << QByteArray(R"({"model":"m","input":[{"role":"critic","content":"x"}]})")
                                  << QByteArray("input") << u"input[0].role: 'critic' is not one of"_s;
        QTest::newRow("image by file id") << QByteArray(
            R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]})")
                                          << QByteArray("input")
                                          << u"input[0].content[0].image_url: only images given by URL"_s;
        QTest::newRow("audio part") << QByteArray(
            R"({"model":"m","input":[{"role":"user","content":[{"type":"input_audio"}]}]})")
                                    << QByteArray("input")
                                    << u"input[0].content[0].type: content type 'input_audio'"_s;
        QTest::newRow("tool output audio") << QByteArray(
            R"({"model":"m","input":[{"type":"function_call_output","call_id":"c","output":[{"type":"input_audio"}]}]})")
                                           << QByteArray("input")
                                           << u"input[0].output[0].type: content type 'input_audio'"_s;
        QTest::newRow("max_output_tokens")
            << QByteArray(R"({"model":"m","input":"x","max_output_tokens":0})")
            << QByteArray("max_output_tokens") << u"max_output_tokens: must be a positive integer"_s;
        QTest::newRow("text.format") << QByteArray(
            R"({"model":"m","input":"x","text":{"format":{"type":"yaml"}}})")
                                     << QByteArray("text.format")
                                     << u"text.format.type: 'yaml' is not one of"_s;
    }
    void requestRejects()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, param);
        QFETCH(QString, message);
        QString error;
        QByteArray errorParam;
        QVERIFY(
            !ResponsesInbound::toOpenAIRequest(QJsonDocument::fromJson(body).object(), &error, &errorParam));
        QVERIFY2(error.startsWith(message), qPrintable(error));
        QCOMPARE(errorParam, param);
    }

    void readRequest_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("param");
        QTest::addColumn<QString>("message"); // empty: accepted
        QTest::newRow("not json") << QByteArray("{\"model\":") << QByteArray()
                                  << u"We could not parse the JSON body"_s;
        QTest::newRow("array") << QByteArray("[]") << QByteArray()
                               << u"The request body must be a JSON object"_s;
        QTest::newRow("no model") << QByteArray(R"({"input":"x"})") << QByteArray("model")
                                  << u"Missing required parameter: 'model'."_s;
        QTest::newRow("stream not bool") << QByteArray(R"({"model":"m","stream":"yes"})")
                                         << QByteArray("stream") << u"stream: must be a boolean"_s;
        QTest::newRow("ok") << QByteArray(
            R"({"model":"openai/gpt-4o","stream":true,"previous_response_id":"r"})")
                            << QByteArray() << QString();
    }
    void readRequest()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, param);
        QFETCH(QString, message);
        QString error;
        QByteArray errorParam;
        const auto head = ResponsesInbound::readRequest(body, &error, &errorParam);
        QCOMPARE(head.has_value(), message.isEmpty());
        if (head) {
            QCOMPARE(head->model, u"openai/gpt-4o"_s);
            QVERIFY(head->stream);
            return;
        }
        QVERIFY2(error.startsWith(message), qPrintable(error));
        QCOMPARE(errorParam, param);
    }

    void response_data() { FixtureFiles::addRows(fixtures + u"responses"_s); }
    void response()
    {
        QFETCH(QJsonObject, fixture);
        const QJsonObject response = ResponsesInbound::fromOpenAIResponse(
            fixture["openai"_L1].toObject(), contextOf(fixture["request"_L1].toObject()));
        COMPARE_JSON(response, fixture["expected"_L1].toObject());
    }

    void stream_data() { FixtureFiles::addRows(fixtures + u"streams"_s); }
    void stream()
    {
        QFETCH(QJsonObject, fixture);
        ResponsesInbound::StreamFromOpenAI stream(contextOf(fixture["request"_L1].toObject()));
        const QJsonArray steps = fixture["steps"_L1].toArray();
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const QJsonObject step = steps.at(i).toObject();
            const QByteArray out = stream.feed(step["chunk"_L1].toObject());
            const QByteArray expected = sse(step["events"_L1].toArray());
            QVERIFY2(out == expected,
                qPrintable(u"step %1:\n got: %2\nwant: %3"_s.arg(i).arg(
                    QString::fromUtf8(out), QString::fromUtf8(expected))));
        }
        QCOMPARE(stream.finish(), sse(fixture["finish"_L1].toArray()));
        QVERIFY(stream.done());
        QCOMPARE(stream.finish(), QByteArray());
    }

    // The upstream broke off before anything came: the client still gets a Response that failed, and the
    // error.
    void failBeforeStart()
    {
        ResponsesInbound::StreamFromOpenAI stream(
            contextOf(QJsonObject { { u"model"_s, u"m"_s }, { u"input"_s, u"x"_s } }));
        const QByteArray out = stream.fail(u"Cannot reach anthropic"_s, u"upstream_error"_s, QString());
        const QList<QByteArray> events = out.split('\n');
        QCOMPARE(events.value(0), "event: response.created");
        QVERIFY2(out.contains("event: response.failed\ndata: {"), out.constData());
        QVERIFY2(
            out.endsWith("event: error\ndata: {\"code\":null,\"error\":{\"code\":null,\"message\":\"Cannot "
                         "reach anthropic\","
                         "\"param\":null,\"type\":\"upstream_error\"},\"message\":\"Cannot reach "
                         "anthropic\",\"param\":null,"
                         "\"sequence_number\":3,\"type\":\"error\"}\n\n"),
            out.constData());
        QVERIFY(stream.done());
        QCOMPARE(stream.feed(QJsonObject { { u"id"_s, u"x"_s } }), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestResponsesInbound)
#include "tst_responsesinbound.moc"
