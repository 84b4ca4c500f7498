// Checks that the fake upstream answers a request for structured output, on each API it plays, with JSON that
// holds to the request's schema (FakeStructuredAnswer), whole and streamed, instead of the plain echo.

#include "fakestructuredanswer.h"
#include "fakeupstream.h"
#include "testclock.h"
#include "testhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject schema()
{
    return QJsonObject { { u"type"_s, u"object"_s },
        { u"properties"_s,
            QJsonObject { { u"answer"_s, QJsonObject { { u"type"_s, u"string"_s } } },
                { u"height_m"_s, QJsonObject { { u"type"_s, u"number"_s }, { u"minimum"_s, 300 } } },
                { u"unit"_s,
                    QJsonObject { { u"type"_s, u"string"_s }, { u"enum"_s, QJsonArray { u"m"_s } } } },
                { u"tags"_s,
                    QJsonObject { { u"type"_s, u"array"_s },
                        { u"items"_s, QJsonObject { { u"type"_s, u"boolean"_s } } } } } } },
        { u"required"_s, QJsonArray { u"answer"_s } }, { u"additionalProperties"_s, false } };
}

const QJsonObject expected { { u"answer"_s, u"Echo: How tall?"_s }, { u"height_m"_s, 300 },
    { u"unit"_s, u"m"_s }, { u"tags"_s, QJsonArray { true } } };

// Every string of a value, concatenated: the answer's text whichever API carried it.
QString textOf(const QJsonValue &value, const QString &key)
{
    if (value.isObject()) {
        QString out;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            out += it.key() == key && it.value().isString() ? it.value().toString() : textOf(it.value(), key);
        return out;
    }
    QString out;
    for (const QJsonValue &item : value.toArray())
        out += textOf(item, key);
    return out;
}

} // namespace

class TestFakeStructuredAnswer final : public QObject
{
    Q_OBJECT

    TestClock m_clock;
    FakeUpstream *m_upstream = nullptr;
    QNetworkAccessManager *m_nam = nullptr;

private slots:
    void init();
    void cleanup();
    void json_data();
    void json();
    void answersTheSchema_data();
    void answersTheSchema();
};

void TestFakeStructuredAnswer::init()
{
    m_upstream = new FakeUpstream(&m_clock, this);
    QVERIFY2(m_upstream->listen(), qPrintable(m_upstream->errorString()));
    m_nam = new QNetworkAccessManager(this);
}

void TestFakeStructuredAnswer::cleanup()
{
    delete m_nam;
    delete m_upstream;
}

void TestFakeStructuredAnswer::json_data()
{
    QTest::addColumn<QJsonObject>("schema");
    QTest::addColumn<QString>("json");
    QTest::newRow("object") << schema() << uR"({"answer":"hi","height_m":300,"tags":[true],"unit":"m"})"_s;
    QTest::newRow("Gemini's upper-case types") << QJsonObject { { u"type"_s, u"OBJECT"_s },
        { u"properties"_s, QJsonObject { { u"n"_s, QJsonObject { { u"type"_s, u"INTEGER"_s } } } } } }
                                               << uR"({"n":1})"_s;
    QTest::newRow("a string alone") << QJsonObject { { u"type"_s, u"string"_s } } << uR"("hi")"_s;
    QTest::newRow("no type") << QJsonObject { { u"description"_s, u"x"_s } } << u"null"_s;
}

void TestFakeStructuredAnswer::json()
{
    QFETCH(QJsonObject, schema);
    QFETCH(QString, json);
    QCOMPARE(FakeStructuredAnswer::json(schema, u"hi"_s), json);
}

void TestFakeStructuredAnswer::answersTheSchema_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("request");
    QTest::addColumn<QString>("textKey"); // where the answer's text is in that API's answer
    const QJsonArray userMessage { QJsonObject {
        { u"role"_s, u"user"_s }, { u"content"_s, u"How tall?"_s } } };
    for (const bool stream : { false, true }) {
        const QString suffix = stream ? u" stream"_s : u""_s;
        QTest::newRow(qPrintable(u"chat completions"_s + suffix))
            << u"/v1/chat/completions"_s
            << QJsonObject { { u"model"_s, u"gpt-4o-mini"_s }, { u"messages"_s, userMessage },
                   { u"stream"_s, stream },
                   { u"response_format"_s,
                       QJsonObject { { u"type"_s, u"json_schema"_s },
                           { u"json_schema"_s,
                               QJsonObject { { u"name"_s, u"h"_s }, { u"schema"_s, schema() } } } } } }
            << u"content"_s;
        QTest::newRow(qPrintable(u"responses"_s + suffix))
            << u"/v1/responses"_s
            << QJsonObject { { u"model"_s, u"gpt-4o-mini"_s }, { u"input"_s, u"How tall?"_s },
                   { u"stream"_s, stream },
                   { u"text"_s,
                       QJsonObject { { u"format"_s,
                           QJsonObject { { u"type"_s, u"json_schema"_s }, { u"name"_s, u"h"_s },
                               { u"schema"_s, schema() } } } } } }
            << (stream ? u"delta"_s : u"text"_s);
        QTest::newRow(qPrintable(u"messages"_s + suffix))
            << u"/v1/messages"_s
            << QJsonObject { { u"model"_s, u"claude-haiku-4-5"_s }, { u"max_tokens"_s, 100 },
                   { u"messages"_s, userMessage }, { u"stream"_s, stream },
                   { u"output_config"_s,
                       QJsonObject { { u"format"_s,
                           QJsonObject { { u"type"_s, u"json_schema"_s }, { u"schema"_s, schema() } } } } } }
            << u"text"_s;
        QTest::newRow(qPrintable(u"generateContent"_s + suffix))
            << (stream ? u"/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"_s
                       : u"/v1beta/models/gemini-2.5-flash:generateContent"_s)
            << QJsonObject { { u"contents"_s,
                                 QJsonArray { QJsonObject { { u"role"_s, u"user"_s },
                                     { u"parts"_s,
                                         QJsonArray { QJsonObject { { u"text"_s, u"How tall?"_s } } } } } } },
                   { u"generationConfig"_s,
                       QJsonObject { { u"responseMimeType"_s, u"application/json"_s },
                           { u"responseJsonSchema"_s, schema() } } } }
            << u"text"_s;
    }
}

void TestFakeStructuredAnswer::answersTheSchema()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, request);
    QFETCH(QString, textKey);
    const TestHttpResult result = TestHttp::call(*m_nam, m_upstream->port(), "POST", path,
        QJsonDocument(request).toJson(QJsonDocument::Compact), { { "anthropic-version", "2023-06-01" } });
    QVERIFY2(result.status == 200, result.body.constData());
    QJsonArray answers; // the whole answer, or every event's data
    if (result.header("content-type").startsWith("text/event-stream")) {
        for (const QByteArray &data : TestHttp::sseData(result.body)) {
            if (data != "[DONE]")
                answers.append(QJsonDocument::fromJson(data).object());
        }
    } else {
        answers.append(result.json());
    }
    const QString text = textOf(answers, textKey);
    const QJsonDocument parsed = QJsonDocument::fromJson(text.toUtf8());
    QVERIFY2(parsed.isObject(), qPrintable(text));
    QCOMPARE(parsed.object(), expected);
}

QTEST_GUILESS_MAIN(TestFakeStructuredAnswer)
#include "tst_fakestructuredanswer.moc"
