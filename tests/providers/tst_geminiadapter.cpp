// The Gemini adapter against fixtures under fixtures/gemini/, shaped like Google's documented examples:
// requests/ (OpenAI request → expected Gemini call), request-errors/, responses/ and error envelopes.
// The streams are tst_geministream's.
#include "fixturefiles.h"
#include "geminiadapter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 created = 1700000000;

QString fixturePath(const QString &name)
{
    return QStringLiteral(FIXTURES_DIR "/gemini/") + name;
}

using FixtureFiles::readFile;
using FixtureFiles::readObject;

// Canonical text of a JSON value (QJsonObject keeps keys sorted), so that a mismatch shows as readable text.
QByteArray canonical(const QJsonValue &value)
{
    return QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
}

void addFileRows(const QString &directory, const QString &pattern)
{
    QTest::addColumn<QString>("path");
    const QStringList files = QDir(fixturePath(directory)).entryList({ pattern }, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), qPrintable(u"no fixtures in "_s + fixturePath(directory)));
    for (const auto &file : files)
        QTest::newRow(qPrintable(file)) << fixturePath(directory + u'/' + file);
}

} // namespace

class TestGeminiAdapter : public QObject
{
    Q_OBJECT

private slots:
    void requests_data() { addFileRows(u"requests"_s, u"*.json"_s); }
    void requests();
    void requestErrors_data() { addFileRows(u"request-errors"_s, u"*.json"_s); }
    void requestErrors();
    void schemaKeepsOnlyGeminiKeywords();
    void responses_data() { addFileRows(u"responses"_s, u"*.json"_s); }
    void responses();
    void responseRejected_data();
    void responseRejected();
    void finishReasons_data();
    void finishReasons();
    void usageFromMetadata();
    void toolCallsRoundTrip();
    void errors_data();
    void errors();
    void oddInputs_data();
    void oddInputs();
};

void TestGeminiAdapter::requests()
{
    QFETCH(QString, path);
    const QJsonObject fixture = readObject(path);
    ModelInfo info;
    const ModelInfo *model = nullptr;
    if (fixture.contains("modelInfo"_L1)) {
        const QJsonObject known = fixture.value("modelInfo"_L1).toObject();
        info.reasoning = known.value("reasoning"_L1).toBool();
        info.maxOutputTokens = known.value("maxOutputTokens"_L1).toInteger();
        model = &info;
    }
    QString error;
    const auto call = GeminiAdapter::fromOpenAIRequest(
        fixture.value("openai"_L1).toObject(), fixture.value("model"_L1).toString(), model, &error);
    QVERIFY2(call, qPrintable(error));
    const QJsonObject expected = fixture.value("expected"_L1).toObject();
    QCOMPARE(call->path, expected.value("path"_L1).toString().toUtf8());
    QCOMPARE(call->stream, expected.value("stream"_L1).toBool());
    QJsonParseError parseError;
    const QJsonDocument body = QJsonDocument::fromJson(call->body, &parseError);
    QVERIFY2(body.isObject(), qPrintable(parseError.errorString()));
    QVERIFY2(!call->body.contains('\n'), "the body is compact JSON");
    QCOMPARE(canonical(body.object()), canonical(expected.value("body"_L1)));
}

void TestGeminiAdapter::requestErrors()
{
    QFETCH(QString, path);
    const QJsonObject fixture = readObject(path);
    QString error;
    const auto call = GeminiAdapter::fromOpenAIRequest(
        fixture.value("openai"_L1).toObject(), fixture.value("model"_L1).toString(), nullptr, &error);
    QVERIFY2(!call, call ? call->body.constData() : "");
    const QString expected = fixture.value("error"_L1).toString();
    QVERIFY2(error.contains(expected),
        qPrintable(u"error was: "_s + error + u"\nexpected to contain: "_s + expected));
}

void TestGeminiAdapter::schemaKeepsOnlyGeminiKeywords()
{
    // Whatever JSON Schema comes in, only fields of Gemini's Schema message may come out.
    static const QSet<QString> allowed {
        u"type"_s,
        u"format"_s,
        u"title"_s,
        u"description"_s,
        u"nullable"_s,
        u"enum"_s,
        u"maxItems"_s,
        u"minItems"_s,
        u"properties"_s,
        u"required"_s,
        u"minProperties"_s,
        u"maxProperties"_s,
        u"minLength"_s,
        u"maxLength"_s,
        u"pattern"_s,
        u"example"_s,
        u"anyOf"_s,
        u"propertyOrdering"_s,
        u"default"_s,
        u"items"_s,
        u"minimum"_s,
        u"maximum"_s,
    };
    const QJsonObject fixture = readObject(fixturePath(u"requests/schema-stripping.json"_s));
    const QJsonObject input
        = fixture.value("openai"_L1)["tools"_L1][0]["function"_L1]["parameters"_L1].toObject();
    QVERIFY(input.contains("additionalProperties"_L1));
    QString error;
    const auto reduced = GeminiAdapter::toGeminiSchema(input, &error);
    QVERIFY2(reduced, qPrintable(error));
    const QJsonObject schema = *reduced;
    QVERIFY(!schema.isEmpty());

    QStringList offending;
    std::function<void(const QJsonObject &, const QString &)> walk
        = [&](const QJsonObject &node, const QString &where) {
              for (auto it = node.begin(); it != node.end(); ++it) {
                  if (!allowed.contains(it.key()))
                      offending.append(where + u'.' + it.key());
              }
              const QJsonObject properties = node.value("properties"_L1).toObject();
              for (auto it = properties.begin(); it != properties.end(); ++it)
                  walk(it.value().toObject(), where + u".properties."_s + it.key());
              if (node.value("items"_L1).isObject())
                  walk(node.value("items"_L1).toObject(), where + u".items"_s);
              const QJsonArray anyOf = node.value("anyOf"_L1).toArray();
              for (qsizetype i = 0; i < anyOf.size(); ++i)
                  walk(anyOf.at(i).toObject(), where + u".anyOf[%1]"_s.arg(i));
              const QString type = node.value("type"_L1).toString();
              if (!type.isEmpty() && type != type.toUpper())
                  offending.append(where + u".type="_s + type);
          };
    walk(schema, u"parameters"_s);
    QVERIFY2(offending.isEmpty(), qPrintable(offending.join(u", "_s)));
    QCOMPARE(GeminiAdapter::toGeminiSchema({}, &error), QJsonObject());
}

void TestGeminiAdapter::responses()
{
    QFETCH(QString, path);
    const QJsonObject fixture = readObject(path);
    const QByteArray body = QJsonDocument(fixture.value("gemini"_L1).toObject()).toJson();
    QString error;
    const auto response
        = GeminiAdapter::toOpenAIResponse(body, u"google/gemini-2.5-flash"_s, &error, created);
    QVERIFY2(response, qPrintable(error));
    QCOMPARE(canonical(*response), canonical(fixture.value("expected"_L1)));
}

void TestGeminiAdapter::responseRejected_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("not JSON") << QByteArray("<html>oops</html>")
                              << u"Gemini's response is not a JSON object"_s;
    QTest::newRow("array") << QByteArray("[1]") << u"Gemini's response is not a JSON object"_s;
    QTest::newRow("error envelope") << QByteArray(
        R"({"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT"}})")
                                    << u"Gemini answered with an error: Request contains an invalid argument."_s;
}

void TestGeminiAdapter::responseRejected()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!GeminiAdapter::toOpenAIResponse(body, u"m"_s, &message, created));
    QVERIFY2(message.startsWith(error), qPrintable(message));
}

void TestGeminiAdapter::finishReasons_data()
{
    QTest::addColumn<QString>("gemini");
    QTest::addColumn<bool>("withCall");
    QTest::addColumn<QString>("openai");
    QTest::newRow("STOP") << u"STOP"_s << false << u"stop"_s;
    QTest::newRow("STOP with a call") << u"STOP"_s << true << u"tool_calls"_s;
    QTest::newRow("MAX_TOKENS") << u"MAX_TOKENS"_s << false << u"length"_s;
    QTest::newRow("MAX_TOKENS with a call") << u"MAX_TOKENS"_s << true << u"length"_s;
    for (const auto reason :
        { "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" })
        QTest::newRow(reason) << QString::fromLatin1(reason) << false << u"content_filter"_s;
    QTest::newRow("OTHER") << u"OTHER"_s << false << u"stop"_s;
    QTest::newRow("LANGUAGE") << u"LANGUAGE"_s << false << u"stop"_s;
    QTest::newRow("MALFORMED_FUNCTION_CALL") << u"MALFORMED_FUNCTION_CALL"_s << false << u"stop"_s;
    QTest::newRow("absent") << QString() << false << u"stop"_s;
}

void TestGeminiAdapter::finishReasons()
{
    QFETCH(QString, gemini);
    QFETCH(bool, withCall);
    QFETCH(QString, openai);
    QCOMPARE(GeminiAdapter::openAIFinishReason(gemini, withCall), openai);

    // The same through a whole response and through a stream.
    QJsonArray parts { QJsonObject { { "text"_L1, u"Hi"_s } } };
    if (withCall)
        parts.append(QJsonObject {
            { "functionCall"_L1, QJsonObject { { "name"_L1, u"f"_s }, { "args"_L1, QJsonObject() } } } });
    QJsonObject candidate { { "content"_L1,
        QJsonObject { { "role"_L1, u"model"_s }, { "parts"_L1, parts } } } };
    if (!gemini.isEmpty())
        candidate.insert("finishReason"_L1, gemini);
    const QByteArray body
        = QJsonDocument(QJsonObject { { "candidates"_L1, QJsonArray { candidate } } }).toJson();
    QString error;
    const auto response = GeminiAdapter::toOpenAIResponse(body, u"m"_s, &error, created);
    QVERIFY2(response, qPrintable(error));
    QCOMPARE((*response)["choices"_L1][0]["finish_reason"_L1].toString(), openai);

    if (gemini.isEmpty())
        return; // a stream without a finishReason has not finished
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    const QList<QJsonObject> chunks = stream.feed({ {}, body });
    QVERIFY(!chunks.isEmpty());
    QCOMPARE(chunks.last()["choices"_L1][0]["finish_reason"_L1].toString(), openai);
    QCOMPARE(stream.finishReason(), openai);
}

void TestGeminiAdapter::usageFromMetadata()
{
    const TokenUsage usage = GeminiAdapter::readUsage(QJsonObject {
        { "promptTokenCount"_L1, 1000 },
        { "cachedContentTokenCount"_L1, 600 },
        { "candidatesTokenCount"_L1, 50 },
        { "thoughtsTokenCount"_L1, 200 },
        { "totalTokenCount"_L1, 1250 },
    });
    QVERIFY(usage.known);
    QCOMPARE(usage.promptTokens, qint64(1000));
    QCOMPARE(usage.completionTokens, qint64(250));
    QCOMPARE(usage.cachedTokens, qint64(600));
    QCOMPARE(usage.reasoningTokens, qint64(200));
    QCOMPARE(usage.cacheWriteTokens, qint64(0));
    QCOMPARE(usage.totalTokens(), qint64(1250));
    QVERIFY(!GeminiAdapter::readUsage({}).known);
    QVERIFY(!GeminiAdapter::readUsage(QJsonObject { { "trafficType"_L1, u"ON_DEMAND"_s } }).known);
}

void TestGeminiAdapter::toolCallsRoundTrip()
{
    // Gemini's calls, handed to the client as tool_calls and sent back in the next request, reach Gemini
    // as the same functionCall parts, thought signature included, and the results carry the call's name.
    const QJsonObject fixture = readObject(fixturePath(u"responses/function-calls.json"_s));
    const QJsonObject gemini = fixture.value("gemini"_L1).toObject();
    QString error;
    const auto response
        = GeminiAdapter::toOpenAIResponse(QJsonDocument(gemini).toJson(), u"m"_s, &error, created);
    QVERIFY2(response, qPrintable(error));
    const QJsonObject assistant = (*response)["choices"_L1][0]["message"_L1].toObject();
    QJsonArray messages { QJsonObject { { "role"_L1, u"user"_s }, { "content"_L1, u"Party!"_s } },
        assistant };
    for (const auto &call : assistant.value("tool_calls"_L1).toArray())
        messages.append(QJsonObject {
            { "role"_L1, u"tool"_s }, { "tool_call_id"_L1, call["id"_L1] }, { "content"_L1, u"done"_s } });
    const auto call = GeminiAdapter::fromOpenAIRequest(
        QJsonObject { { "messages"_L1, messages } }, u"gemini-2.5-flash"_s, nullptr, &error);
    QVERIFY2(call, qPrintable(error));
    const QJsonArray contents = QJsonDocument::fromJson(call->body)["contents"_L1].toArray();
    QCOMPARE(contents.size(), 3);
    QCOMPARE(canonical(contents.at(1)["parts"_L1]),
        canonical(gemini["candidates"_L1][0]["content"_L1]["parts"_L1]));
    QStringList names;
    for (const auto &part : contents.at(2)["parts"_L1].toArray())
        names.append(part["functionResponse"_L1]["name"_L1].toString());
    QCOMPARE(names, (QStringList { u"power_disco_ball"_s, u"start_music"_s, u"dim_lights"_s }));
}

void TestGeminiAdapter::errors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QJsonObject>("expected");
    QJsonParseError parseError;
    const QJsonArray cases
        = QJsonDocument::fromJson(readFile(fixturePath(u"errors.json"_s)), &parseError).array();
    QVERIFY2(!cases.isEmpty(), qPrintable(parseError.errorString()));
    for (const auto &value : cases) {
        const QJsonObject entry = value.toObject();
        const QJsonValue body = entry.value("body"_L1);
        const QByteArray bytes = body.isString() ? body.toString().toUtf8()
            : body.isArray()                     ? QJsonDocument(body.toArray()).toJson()
                                                 : QJsonDocument(body.toObject()).toJson();
        QTest::newRow(qPrintable(entry.value("name"_L1).toString()))
            << entry.value("status"_L1).toInt() << bytes << entry.value("expected"_L1).toObject();
    }
}

void TestGeminiAdapter::errors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QJsonObject, expected);
    const GeminiAdapter::ErrorInfo info = GeminiAdapter::toOpenAIError(status, body);
    QCOMPARE(info.message, expected.value("message"_L1).toString());
    QCOMPARE(info.type, expected.value("type"_L1).toString().toUtf8());
    QCOMPARE(info.code, expected.value("code"_L1).toString().toUtf8());
    QCOMPARE(info.status, expected.value("status"_L1).toInt());
}

void TestGeminiAdapter::oddInputs_data()
{
    // Bodies from clients and from upstream that are valid JSON of the wrong shape: each must give a value
    // or an error, never a crash (the gateway runs these on every request).
    QTest::addColumn<QByteArray>("openai");
    QTest::addColumn<QByteArray>("gemini");
    QTest::addColumn<QString>("requestError"); // empty: any outcome but a crash
    QTest::newRow("messages of the wrong types")
        << QByteArray(R"({"messages":[1,null,"x",[]]})") << QByteArray("[]") << QString();
    QTest::newRow("content of the wrong type")
        << QByteArray(R"({"messages":[{"role":"user","content":5}]})")
        << QByteArray(R"({"candidates":[1,null,{"content":5}]})") << QString();
    QTest::newRow("tool_calls not an array")
        << QByteArray(
               R"({"messages":[{"role":"assistant","tool_calls":{"id":1}},{"role":"tool","content":{}}]})")
        << QByteArray(
               R"({"candidates":[{"content":{"parts":[{"functionCall":5},{"text":7}]}}],"usageMetadata":[]})")
        << QString();
    QTest::newRow("schemas of the wrong shapes") << QByteArray(
        R"({"messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":7,
            "properties":[],"items":[],"examples":[],"enum":{},"anyOf":[null,3],"allOf":[{"$ref":5}],"$ref":"#/nowhere"}}}],
            "response_format":{"type":"json_schema","json_schema":{"schema":{"examples":[],"$defs":[]}}}})")
                                                 << QByteArray(R"({"error":"quota"})") << QString();
    QTest::newRow("schema refs fanning out") << []() -> QByteArray {
        // Each level refers to the next one twice: 2^30 schemas if inlined naively.
        QByteArray defs;
        for (int i = 0; i < 30; ++i)
            defs += "\"L" + QByteArray::number(i)
                + "\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/L"
                + QByteArray::number(i + 1) + "\"},\"b\":{\"$ref\":\"#/$defs/L" + QByteArray::number(i + 1)
                + "\"}}},";
        defs += "\"L30\":{\"type\":\"string\"}";
        return R"({"messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"$ref":"#/$defs/L0","$defs":{)"
            + defs + "}}}}]}";
    }() << QByteArray("{}")
        << u"tools[0].function.parameters: the schema nests deeper than 48 levels or, with its $refs inlined"_s;
}

void TestGeminiAdapter::oddInputs()
{
    QFETCH(QByteArray, openai);
    QFETCH(QByteArray, gemini);
    QString error;
    const auto call = GeminiAdapter::fromOpenAIRequest(
        QJsonDocument::fromJson(openai).object(), u"gemini-3.5-flash"_s, nullptr, &error);
    QVERIFY(call || !error.isEmpty());
    if (call)
        QVERIFY2(call->body.size() < 2'000'000, "a client's schema cannot make the request explode");
    QFETCH(QString, requestError);
    QVERIFY2(error.contains(requestError), qPrintable(error));
    (void)GeminiAdapter::toOpenAIResponse(gemini, u"m"_s, &error, created);
    QVERIFY(!GeminiAdapter::toOpenAIError(500, gemini).message.isEmpty());
    GeminiAdapter::StreamToOpenAI stream(u"m"_s, created);
    stream.feed({ {}, gemini });
    stream.finish();
}

QTEST_GUILESS_MAIN(TestGeminiAdapter)
#include "tst_geminiadapter.moc"
