// Exporting the request records as JSON lines and as CSV, as a script reading the output would see them.
#include "database.h"
#include "logwriter.h"
#include "recordexporter.h"
#include "storetestutil.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

// RFC 4180 reader: fields may be quoted, quotes doubled, CRLF or LF inside quotes kept as they are.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row.append(field);
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            row.append(field);
            field.clear();
            rows.append(row);
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        row.append(field);
        rows.append(row);
    }
    return rows;
}

} // namespace

class TestRecordExporter : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void jsonLines();
    void csv();
    void emptyStore();
    void writeFailureIsReported();

private:
    QByteArray exportAs(RecordExporter::Format format);

    std::unique_ptr<QTemporaryDir> m_dir;
    DatabaseLocation m_location;
    QList<RequestRecord> m_records;
};

void TestRecordExporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_location = DatabaseLocation::inDataDir(m_dir->path());

    m_records.clear();
    m_records.append(sampleRecord(0)); // sparse: no cost, no ttft, no key, no bodies
    m_records.append(sampleRecord(1)); // full, JSON request body, SSE response body
    RequestRecord tricky = sampleRecord(2);
    tricky.userAgent = u"agent, with \"quotes\"\r\nand a second line"_s;
    tricky.error = u"line one\nline two, \"quoted\""_s;
    tricky.requestBody = "{\n  \"model\": \"pretty\",\n  \"n\": 12345678901234\n}\n"; // pretty-printed JSON
    tricky.responseBody = "not json, \"really\"\nsecond line";
    m_records.append(tricky);

    LogWriter writer(m_location);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    for (const RequestRecord &r : std::as_const(m_records))
        writer.enqueue(r);
    writer.stop();
    QCOMPARE(writer.writtenCount(), m_records.size());
}

void TestRecordExporter::cleanup()
{
    if (QSqlDatabase::contains(u"export"_s)) {
        QSqlDatabase::database(u"export"_s, false).close();
        QSqlDatabase::removeDatabase(u"export"_s);
    }
    m_dir.reset();
}

QByteArray TestRecordExporter::exportAs(RecordExporter::Format format)
{
    QString error;
    QSqlDatabase db = Database::open(m_location, u"export"_s, &error);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!RecordExporter::exportAll(db, format, buffer, &error))
        qWarning() << "export failed:" << error;
    return buffer.data();
}

void TestRecordExporter::jsonLines()
{
    const QByteArray out = exportAs(RecordExporter::Format::JsonLines);
    QVERIFY(out.endsWith('\n'));
    const QList<QByteArray> lines = out.chopped(1).split('\n');
    QCOMPARE(lines.size(), m_records.size());

    QVERIFY(out.contains("\"cost_cached_input\":0.0000075,")); // plain decimals, not 7.5e-06

    QList<QJsonObject> objects;
    for (const QByteArray &line : lines) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError && doc.isObject(), line.constData());
        objects.append(doc.object());
    }
    const char *required[] = { "id", "request_id", "created_at", "api_key_id", "member", "requested_model",
        "used_model", "used_provider", "streamed", "status", "finish_reason", "error", "prompt_tokens",
        "completion_tokens", "cached_tokens", "reasoning_tokens", "total_tokens", "cost", "duration_ms",
        "ttft_ms", "client_ip", "user_agent", "endpoint", "cache_write_tokens", "usage_estimated",
        "cost_input", "cost_cached_input", "cost_cache_write", "cost_output" };
    const QRegularExpression iso(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s);
    for (int i = 0; i < objects.size(); ++i) {
        const QJsonObject &o = objects.at(i);
        const RequestRecord &r = m_records.at(i);
        for (const char *field : required)
            QVERIFY2(o.contains(QLatin1String(field)), field);
        QCOMPARE(o.value("id"_L1).toInteger(), i + 1);
        QCOMPARE(o.value("request_id"_L1).toString(), QString::fromUtf8(r.requestId));
        QVERIFY2(iso.match(o.value("created_at"_L1).toString()).hasMatch(),
            qPrintable(o.value("created_at"_L1).toString()));
        QCOMPARE(QDateTime::fromString(o.value("created_at"_L1).toString(), Qt::ISODateWithMs), r.createdAt);
        QVERIFY(o.value("streamed"_L1).isBool());
        QCOMPARE(o.value("streamed"_L1).toBool(), r.streamed);
        QCOMPARE(o.value("usage_estimated"_L1).toBool(), r.usage.estimated);
        QCOMPARE(o.value("status"_L1).toInt(), r.status);
        QCOMPARE(o.value("user_agent"_L1).toString(), r.userAgent);
        QCOMPARE(o.value("error"_L1).toString(), r.error);
        QCOMPARE(o.value("finish_reason"_L1).toString(), r.finishReason);
        QCOMPARE(o.value("prompt_tokens"_L1).toInteger(), r.usage.promptTokens);
        QCOMPARE(o.value("total_tokens"_L1).toInteger(), r.usage.totalTokens());
        QCOMPARE(o.value("cached_tokens"_L1).toInteger(), r.usage.cachedTokens);
        QCOMPARE(o.value("reasoning_tokens"_L1).toInteger(), r.usage.reasoningTokens);
        QCOMPARE(o.value("duration_ms"_L1).toInteger(), r.durationMs);
        if (r.cost) {
            QVERIFY(o.value("cost"_L1).isDouble());
            QCOMPARE(o.value("cost"_L1).toDouble(), r.cost->total());
            QCOMPARE(o.value("cost_output"_L1).toDouble(), r.cost->output);
            QCOMPARE(o.value("api_key_id"_L1).toInteger(), r.apiKeyId);
            QCOMPARE(o.value("ttft_ms"_L1).toInteger(), *r.ttftMs);
        } else {
            QVERIFY(o.value("cost"_L1).isNull());
            QVERIFY(o.value("cost_input"_L1).isNull());
            QVERIFY(o.value("api_key_id"_L1).isNull());
            QVERIFY(o.value("ttft_ms"_L1).isNull());
        }
        QCOMPARE(o.contains("request_body"_L1), !r.requestBody.isEmpty());
        QCOMPARE(o.contains("response_body"_L1), !r.responseBody.isEmpty());
    }
    // A JSON body is embedded as JSON, a stream's events as a string.
    QCOMPARE(
        objects.at(1).value("request_body"_L1).toObject().value("model"_L1).toString(), u"gpt-4o-mini"_s);
    QCOMPARE(
        objects.at(1).value("response_body"_L1).toString(), QString::fromUtf8(m_records.at(1).responseBody));
    QCOMPARE(objects.at(2).value("request_body"_L1).toObject().value("n"_L1).toInteger(), 12345678901234);
    QCOMPARE(objects.at(2).value("response_body"_L1).toString(), u"not json, \"really\"\nsecond line"_s);
}

void TestRecordExporter::csv()
{
    const QByteArray out = exportAs(RecordExporter::Format::Csv);
    QVERIFY(out.startsWith("id,request_id,created_at,api_key_id,member,"));
    QVERIFY(out.contains("\r\n"));
    QVERIFY(out.endsWith("\r\n"));
    // Quotes inside a field are doubled, and the field is quoted.
    QVERIFY(out.contains("\"agent, with \"\"quotes\"\"\r\nand a second line\""));

    const QList<QStringList> rows = parseCsv(QString::fromUtf8(out));
    QCOMPARE(rows.size(), 1 + m_records.size());
    const QStringList header = rows.at(0);
    QCOMPARE(header, requestColumns());
    for (const QStringList &row : rows)
        QCOMPARE(row.size(), header.size());
    auto field = [&](int record, const char *column) {
        return rows.at(record + 1).at(header.indexOf(QLatin1String(column)));
    };

    QCOMPARE(field(2, "user_agent"), m_records.at(2).userAgent);
    QCOMPARE(field(2, "error"), m_records.at(2).error);
    QCOMPARE(field(2, "response_body"), QString::fromUtf8(m_records.at(2).responseBody));
    QCOMPARE(field(2, "request_body"), QString::fromUtf8(m_records.at(2).requestBody));
    QCOMPARE(field(0, "cost"), QString()); // unknown price: empty, not 0
    QCOMPARE(field(0, "ttft_ms"), QString());
    QCOMPARE(field(0, "api_key_id"), QString());
    QCOMPARE(field(0, "request_body"), QString());
    QCOMPARE(field(1, "cost").toDouble(), m_records.at(1).cost->total());
    QCOMPARE(field(1, "streamed"), u"true"_s);
    QCOMPARE(field(0, "streamed"), u"false"_s);
    QCOMPARE(field(1, "created_at"), m_records.at(1).createdAt.toString(Qt::ISODateWithMs));
    QCOMPARE(field(1, "total_tokens").toLongLong(), m_records.at(1).usage.totalTokens());
}

void TestRecordExporter::emptyStore()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_location = DatabaseLocation::inDataDir(m_dir->path());
    QCOMPARE(exportAs(RecordExporter::Format::JsonLines), QByteArray());
    const QByteArray csv = exportAs(RecordExporter::Format::Csv);
    QCOMPARE(csv.count("\r\n"), 1);
    QVERIFY(csv.startsWith("id,"));
}

void TestRecordExporter::writeFailureIsReported()
{
    QString error;
    QSqlDatabase db = Database::open(m_location, u"export"_s, &error);
    QBuffer readOnly;
    readOnly.open(QIODevice::ReadOnly);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"device not open|ReadOnly"_s));
    QVERIFY(!RecordExporter::exportAll(db, RecordExporter::Format::JsonLines, readOnly, &error));
    QVERIFY2(error.startsWith(u"cannot write the export"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestRecordExporter)
#include "tst_recordexporter.moc"
