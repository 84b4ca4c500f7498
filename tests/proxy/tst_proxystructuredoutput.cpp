// Structured output for an Anthropic model through the translating proxy: an OpenAI client's response_format
// json_schema goes upstream as Anthropic's output_config.format (whole and streamed), the JSON text comes
// back as the message's content; a response_format Anthropic cannot honour is refused with a 400 and nothing
// sent.

#include "fakeupstream.h"
#include "proxyharness.h"
#include "testhttp.h"
#include "translatecase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString model = u"anthropic/claude-haiku-4-5"_s;
const QString question = u"How tall is the Eiffel Tower?"_s;

QJsonObject heightSchema()
{
    return QJsonObject { { u"type"_s, u"object"_s },
        { u"properties"_s, QJsonObject { { u"height_m"_s, QJsonObject { { u"type"_s, u"number"_s } } } } },
        { u"required"_s, QJsonArray { u"height_m"_s } }, { u"additionalProperties"_s, false } };
}

QByteArray chatRequest(const QJsonObject &responseFormat, bool stream)
{
    QJsonObject body { { u"model"_s, model },
        { u"messages"_s,
            QJsonArray { QJsonObject { { u"role"_s, u"user"_s }, { u"content"_s, question } } } },
        { u"response_format"_s, responseFormat } };
    if (stream)
        body.insert(u"stream"_s, true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject jsonSchemaFormat()
{
    return QJsonObject { { u"type"_s, u"json_schema"_s },
        { u"json_schema"_s,
            QJsonObject {
                { u"name"_s, u"height"_s }, { u"strict"_s, true }, { u"schema"_s, heightSchema() } } } };
}

} // namespace

class TestProxyStructuredOutput final : public QObject
{
    Q_OBJECT

    ProxyHarness m_harness;

private slots:
    void initTestCase();
    void jsonSchemaBecomesOutputConfig_data();
    void jsonSchemaBecomesOutputConfig();
    void refusedFormatsSendNothing_data();
    void refusedFormatsSendNothing();
};

void TestProxyStructuredOutput::initTestCase()
{
    ProxyHarness::Options options;
    options.translatingProviders = true;
    QString error;
    QVERIFY2(m_harness.start(options, &error), qPrintable(error));
}

void TestProxyStructuredOutput::jsonSchemaBecomesOutputConfig_data()
{
    QTest::addColumn<bool>("stream");
    QTest::newRow("whole") << false;
    QTest::newRow("stream") << true;
}

void TestProxyStructuredOutput::jsonSchemaBecomesOutputConfig()
{
    QFETCH(bool, stream);
    const TestHttpResult result = m_harness.chat(chatRequest(jsonSchemaFormat(), stream));
    QVERIFY2(result.status == 200, result.body.constData());

    const auto upstream = m_harness.lastUpstreamRequest("/v1/messages");
    QVERIFY(upstream);
    const QJsonObject sent = upstream->json().toObject();
    QCOMPARE(sent.value(u"output_config"_s).toObject(),
        (QJsonObject { { u"format"_s,
            QJsonObject { { u"type"_s, u"json_schema"_s }, { u"schema"_s, heightSchema() } } } }));
    QVERIFY2(!sent.contains(u"tools"_s) && !sent.contains(u"tool_choice"_s), upstream->body.constData());
    QVERIFY2(!upstream->header("anthropic-beta").contains("structured-outputs"),
        "structured output is generally available: no beta header");

    // The fake answers JSON that holds to the schema as its text block (FakeStructuredAnswer); the client
    // gets that text as the message's content.
    const QString json = u"{\"height_m\":1}"_s;
    if (stream) {
        const OpenAIStream chunks = OpenAIStream::parse(result.body);
        QVERIFY2(chunks.problem.isEmpty(), qPrintable(chunks.problem));
        QCOMPARE(chunks.text, json);
        QCOMPARE(chunks.finishReason, u"stop"_s);
        QVERIFY(chunks.toolCalls.isEmpty());
    } else {
        const QJsonObject message
            = result.json().value(u"choices"_s).toArray().first().toObject().value(u"message"_s).toObject();
        QCOMPARE(message.value(u"content"_s).toString(), json);
        QVERIFY(!message.contains(u"tool_calls"_s));
    }
    const auto row = m_harness.record(result.header("x-request-id"));
    QVERIFY(row);
    QCOMPARE(row->value(u"status"_s).toInt(), 200);
    QCOMPARE(row->value(u"used_provider"_s).toString(), u"anthropic"_s);
}

void TestProxyStructuredOutput::refusedFormatsSendNothing_data()
{
    QTest::addColumn<QJsonObject>("format");
    QTest::addColumn<QString>("message");
    QTest::newRow("json_object") << QJsonObject { { u"type"_s, u"json_object"_s } }
                                 << u"response_format 'json_object' is not supported for Anthropic models"_s;
    QTest::newRow("schema not an object")
        << QJsonObject { { u"type"_s, u"json_schema"_s },
               { u"json_schema"_s, QJsonObject { { u"name"_s, u"x"_s }, { u"schema"_s, u"object"_s } } } }
        << u"response_format.json_schema.schema must be a JSON Schema object"_s;
}

void TestProxyStructuredOutput::refusedFormatsSendNothing()
{
    QFETCH(QJsonObject, format);
    QFETCH(QString, message);
    const auto before = m_harness.lastUpstreamRequest("/v1/messages");
    const TestHttpResult result = m_harness.chat(chatRequest(format, false));
    QCOMPARE(result.status, 400);
    const QJsonObject error = result.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"type"_s).toString(), u"invalid_request_error"_s);
    QVERIFY2(error.value(u"message"_s).toString().contains(message), result.body.constData());
    const auto after = m_harness.lastUpstreamRequest("/v1/messages");
    QCOMPARE(after.has_value(), before.has_value());
    if (after)
        QCOMPARE(after->body, before->body);
}

QTEST_GUILESS_MAIN(TestProxyStructuredOutput)
#include "tst_proxystructuredoutput.moc"
