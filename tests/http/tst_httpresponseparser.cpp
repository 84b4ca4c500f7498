// The upstream response parser: framing by Content-Length, chunked coding or the close, bodiless answers,
// interim 1xx responses, errors, and that the body comes out the same however the bytes are split.

#include "httpresponseparser.h"

#include <QRandomGenerator>
#include <QTest>

namespace {

using Status = HttpResponseParser::Status;

// How a response came out of the parser after all its bytes (and, if still incomplete, the close).
struct Outcome
{
    Status status = Status::Incomplete;
    int code = 0;
    QByteArray body;
    bool keepAlive = false;
    QByteArray leftover; // bytes after the response, still in the buffer
    HttpHeaders headers;
    QByteArray error;
};

// Appends the pieces of `input` one after the other, parsing after each, then signals the close if the
// response was still incomplete and `closeAtEnd`.
Outcome run(const QByteArray &input, const QList<qsizetype> &cuts, bool headRequest, bool closeAtEnd)
{
    HttpResponseParser parser;
    parser.reset(headRequest);
    Outcome outcome;
    QByteArray buffer;
    qsizetype at = 0;
    for (const qsizetype cut : cuts) {
        buffer += input.sliced(at, cut - at);
        at = cut;
        QByteArray piece;
        outcome.status = parser.parse(buffer, &piece);
        outcome.body += piece;
        if (outcome.status != Status::Incomplete)
            break;
    }
    if (outcome.status == Status::Incomplete && closeAtEnd)
        outcome.status = parser.finishAtEof();
    outcome.code = parser.status();
    outcome.keepAlive = parser.keepAlive();
    outcome.leftover = buffer + input.sliced(at);
    outcome.headers = parser.headers();
    outcome.error = parser.errorMessage();
    return outcome;
}

QList<qsizetype> wholeCuts(qsizetype size)
{
    return { size };
}

QList<qsizetype> byteCuts(qsizetype size)
{
    QList<qsizetype> cuts;
    for (qsizetype n = 1; n <= size; ++n)
        cuts.append(n);
    return cuts;
}

QList<qsizetype> randomCuts(qsizetype size, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<qsizetype> cuts;
    qsizetype at = 0;
    while (at < size) {
        at = qMin(size, at + 1 + qsizetype(random.bounded(16)));
        cuts.append(at);
    }
    return cuts;
}

} // namespace

class TestHttpResponseParser final : public QObject
{
    Q_OBJECT

private slots:
    void responses_data();
    void responses();
    void errors_data();
    void errors();
    void bodyIsHandedOutAsItArrives();
    void nextResponseOnTheSameConnection();
};

void TestHttpResponseParser::responses_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("headRequest");
    QTest::addColumn<bool>("needsClose"); // only the close completes the body
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<QByteArray>("leftover");

    QTest::newRow("content-length") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
                                    << false << false << 200 << QByteArray("{\"ok\":true}") << true
                                    << QByteArray();
    QTest::newRow("content-length 0") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << false
                                      << false << 200 << QByteArray() << true << QByteArray();
    QTest::newRow("error status with a body")
        << QByteArray("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 4\r\n\r\nslow") << false << false
        << 429 << QByteArray("slow") << true << QByteArray();
    QTest::newRow("bytes after the body stay in the buffer")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1") << false << false << 200
        << QByteArray("ok") << true << QByteArray("HTTP/1.1");
    QTest::newRow("chunked") << QByteArray(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                             << false << false << 200 << QByteArray("hello world") << true << QByteArray();
    QTest::newRow("chunked with extension and trailer")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "17;ext=1\r\ndata: {\"choices\":[]}\n\n\r\r\n0\r\nX-Usage: 5\r\n\r\n")
        << false << false << 200 << QByteArray("data: {\"choices\":[]}\n\n\r") << true << QByteArray();
    QTest::newRow("chunked wins over content-length") << QByteArray(
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
                                                      << false << false << 200 << QByteArray("ok") << true
                                                      << QByteArray();
    QTest::newRow("delimited by the close")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\ndata: 2\n\n")
        << false << true << 200 << QByteArray("data: 1\n\ndata: 2\n\n") << false << QByteArray();
    QTest::newRow("http/1.0 closes by default")
        << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok") << false << false << 200
        << QByteArray("ok") << false << QByteArray();
    QTest::newRow("http/1.0 keep-alive")
        << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok") << false
        << false << 200 << QByteArray("ok") << true << QByteArray();
    QTest::newRow("connection close")
        << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok") << false << false
        << 200 << QByteArray("ok") << false << QByteArray();
    QTest::newRow("204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200") << false
                                     << false << 204 << QByteArray() << true << QByteArray("HTTP/1.1 200");
    QTest::newRow("304 has no body, whatever its length says")
        << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n") << false << false << 304
        << QByteArray() << true << QByteArray();
    QTest::newRow("answer to HEAD has no body")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n") << true << false << 200
        << QByteArray() << true << QByteArray();
    QTest::newRow("answer to HEAD, chunked")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") << true << false << 200
        << QByteArray() << true << QByteArray();
    QTest::newRow("100 continue is skipped")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        << false << false << 201 << QByteArray("ok") << true << QByteArray();
    QTest::newRow("two interim responses")
        << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
        << false << false << 200 << QByteArray("x") << true << QByteArray();
    QTest::newRow("status line without reason")
        << QByteArray("HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\nx") << false << false << 200
        << QByteArray("x") << true << QByteArray();
}

void TestHttpResponseParser::responses()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, headRequest);
    QFETCH(bool, needsClose);
    QFETCH(int, code);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    QFETCH(QByteArray, leftover);

    // Without the close, a close-delimited body is still incomplete.
    QCOMPARE(run(input, wholeCuts(input.size()), headRequest, false).status,
        needsClose ? Status::Incomplete : Status::Complete);

    QList<QList<qsizetype>> splits = { wholeCuts(input.size()), byteCuts(input.size()) };
    for (quint32 seed = 1; seed <= 10; ++seed)
        splits.append(randomCuts(input.size(), seed));
    for (const QList<qsizetype> &cuts : std::as_const(splits)) {
        const Outcome outcome = run(input, cuts, headRequest, true);
        QCOMPARE(outcome.status, Status::Complete);
        QCOMPARE(outcome.code, code);
        QCOMPARE(outcome.body, body);
        QCOMPARE(outcome.keepAlive, keepAlive);
        QCOMPARE(outcome.leftover, leftover);
        // Interim responses leave none of their fields behind.
        QVERIFY(Http::headerValue(outcome.headers, "link").isNull());
    }
}

void TestHttpResponseParser::errors_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("HTTP/2 status line") << QByteArray("HTTP/2 200\r\nContent-Length: 0\r\n\r\n");
    QTest::newRow("not HTTP") << QByteArray("ICY 200 OK\r\n\r\n");
    QTest::newRow("status not a number") << QByteArray("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n");
    QTest::newRow("status below 100") << QByteArray("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n");
    QTest::newRow("four-digit status") << QByteArray("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n");
    QTest::newRow("invalid content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nx");
    QTest::newRow("conflicting content-lengths")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy");
    QTest::newRow("obs-fold") << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n");
    QTest::newRow("space before colon") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n");
    QTest::newRow("bad chunk size") << QByteArray(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n0\r\n\r\n");
    QTest::newRow("chunk without CRLF after its data")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n");
    QTest::newRow("head too large") << QByteArray("HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(300 * 1024, 'b'));
    QTest::newRow("closed before the head") << QByteArray("HTTP/1.1 200 OK\r\nContent-");
    QTest::newRow("closed before anything") << QByteArray();
    QTest::newRow("closed inside a content-length body")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    QTest::newRow("closed inside a chunked body")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    QTest::newRow("closed inside the trailers")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: 1\r\n");
}

void TestHttpResponseParser::errors()
{
    QFETCH(QByteArray, input);
    QList<QList<qsizetype>> splits = { wholeCuts(input.size()) };
    if (input.size() < 4096)
        splits.append(randomCuts(input.size(), 7));
    for (const QList<qsizetype> &cuts : std::as_const(splits)) {
        const Outcome outcome = run(input, cuts, false, true);
        QCOMPARE(outcome.status, Status::Error);
        QVERIFY(!outcome.error.isEmpty());
        QVERIFY2(!outcome.keepAlive, "a connection that sent a broken response must not be reused");
    }
}

void TestHttpResponseParser::bodyIsHandedOutAsItArrives()
{
    // A stream is relayed event by event: each piece comes out of parse() as soon as its bytes are in.
    HttpResponseParser parser;
    parser.reset();
    QByteArray buffer
        = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    QByteArray body;
    QCOMPARE(parser.parse(buffer, &body), Status::Incomplete);
    QVERIFY(parser.headComplete());
    QCOMPARE(parser.status(), 200);
    QCOMPARE(parser.header("content-type"), QByteArray("text/event-stream"));
    QVERIFY(body.isEmpty());

    buffer += "f\r\ndata: {\"a\":1}\n\n\r\n";
    QCOMPARE(parser.parse(buffer, &body), Status::Incomplete);
    QCOMPARE(body, QByteArray("data: {\"a\":1}\n\n"));
    QVERIFY(buffer.isEmpty());

    // Half a chunk is handed out too: nothing waits for the chunk's end.
    body.clear();
    buffer += "f\r\ndata: {";
    QCOMPARE(parser.parse(buffer, &body), Status::Incomplete);
    QCOMPARE(body, QByteArray("data: {"));

    body.clear();
    buffer += "\"b\":2}\n\n\r\n0\r\n\r\n";
    QCOMPARE(parser.parse(buffer, &body), Status::Complete);
    QCOMPARE(body, QByteArray("\"b\":2}\n\n"));

    // The same with Content-Length.
    parser.reset();
    buffer = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    body.clear();
    QCOMPARE(parser.parse(buffer, &body), Status::Incomplete);
    QCOMPARE(body, QByteArray("01234"));
    body.clear();
    buffer += "56789";
    QCOMPARE(parser.parse(buffer, &body), Status::Complete);
    QCOMPARE(body, QByteArray("56789"));
}

void TestHttpResponseParser::nextResponseOnTheSameConnection()
{
    QByteArray buffer = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-N: 1\r\n\r\noneHTTP/1.1 404 Not Found\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n";
    HttpResponseParser parser;
    parser.reset();
    QByteArray body;
    QCOMPARE(parser.parse(buffer, &body), Status::Complete);
    QCOMPARE(body, QByteArray("one"));
    QCOMPARE(parser.header("x-n"), QByteArray("1"));

    parser.reset();
    body.clear();
    QCOMPARE(parser.parse(buffer, &body), Status::Complete);
    QCOMPARE(parser.status(), 404);
    QCOMPARE(body, QByteArray("two"));
    QVERIFY(parser.header("x-n").isNull());
    QVERIFY(buffer.isEmpty());
}

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
