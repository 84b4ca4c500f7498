// ApiClient's errors, each a sentence a user can act on: the gateway's own reason for 401, 403 and 422, and
// ours when no gateway answers (refused, silent, not an LLM Gateway at all).
#include "modelstestkit.h"
#include "reservedport.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

class TestApiClientErrors final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_gateway.reset(); }

    void unreachable();
    void noAddress();
    void unauthorizedSaysSignInAgain();
    void forbiddenCarriesTheApisReason();
    void invalidCarriesTheApisReason();
    void timeout();
    void notJson();

private:
    ApiClient &client() { return m_gateway->client(); }
    std::unique_ptr<ModelsGateway> m_gateway;
};

void TestApiClientErrors::init()
{
    m_gateway = std::make_unique<ModelsGateway>();
    QString error;
    QVERIFY2(m_gateway->start(&error), qPrintable(error));
}

void TestApiClientErrors::unreachable()
{
    const ReservedPort closed; // refused, and no suite running beside this one can listen there meanwhile
    QVERIFY2(closed.isValid(), qPrintable(closed.errorString()));
    const quint16 port = closed.port();
    const QString where = u"http://127.0.0.1:%1"_s.arg(port);
    client().setBaseUrl(QUrl(where));
    const auto result = awaitUsage(client(), UsageQuery());
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.httpStatus, 0);
    QCOMPARE(result->error.code, u"unreachable"_s);
    QVERIFY2(
        result->error.message.startsWith(u"cannot reach the gateway at %1: connection refused"_s.arg(where)),
        qPrintable(result->error.message));
}

void TestApiClientErrors::noAddress()
{
    client().setBaseUrl({});
    const auto result = awaitUsage(client(), UsageQuery());
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.code, u"no_address"_s);
    QCOMPARE(client().requestCount(), 0);
}

void TestApiClientErrors::unauthorizedSaysSignInAgain()
{
    QSignalSpy unauthorized(&client(), &ApiClient::unauthorized);
    client().setToken("llmgw_pat_1_not-a-real-secret");
    const auto result = awaitUsage(client(), UsageQuery());
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.httpStatus, 401);
    QVERIFY(result->error.isUnauthorized());
    QVERIFY2(result->error.message.startsWith(u"your session is no longer valid"_s),
        qPrintable(result->error.message));
    QCOMPARE(unauthorized.size(), 1);
}

void TestApiClientErrors::forbiddenCarriesTheApisReason()
{
    client().setToken(m_gateway->team().restricted.token);
    UsageQuery query;
    query.setGroupBy(UsageQuery::GroupBy::Model);
    const auto result = awaitUsage(client(), query);
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.httpStatus, 403);
    // The gateway's own sentence, which names the role: the window shows it as it is.
    const TestHttpResult direct = m_gateway->team().call(
        m_gateway->team().restricted.token, "GET", u"/api/v1/usage?group_by=model"_s);
    QCOMPARE(direct.status, 403);
    QCOMPARE(result->error.message, errorMessage(direct));
    QVERIFY(!result->error.message.isEmpty());
    QCOMPARE(result->error.code, direct.json().value(u"error"_s)[u"code"_s].toString());
}

void TestApiClientErrors::invalidCarriesTheApisReason()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto result = awaitUsage(client(), UsageQuery::between(now, now.addDays(-1)));
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.httpStatus, 422);
    QCOMPARE(result->error.code, u"invalid"_s);
    QVERIFY2(
        result->error.message.contains(u"'from' must be before 'to'"_s), qPrintable(result->error.message));
}

void TestApiClientErrors::timeout()
{
    // Something that accepts the connection and never answers (a hung process, a proxy in between).
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    client().setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(silent.serverPort())));
    client().setTimeoutMs(300);
    const auto result = awaitUsage(client(), UsageQuery());
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.code, u"timeout"_s);
    QVERIFY2(
        result->error.message.contains(u"did not answer within 0.3 s"_s), qPrintable(result->error.message));
}

void TestApiClientErrors::notJson()
{
    // Another web server on the port the user typed.
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost));
    connect(&other, &QTcpServer::newConnection, &other, [&other] {
        QTcpSocket *socket = other.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->write(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>");
            socket->disconnectFromHost();
        });
    });
    client().setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(other.serverPort())));
    const auto result = awaitUsage(client(), UsageQuery());
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error.code, u"bad_answer"_s);
    QVERIFY2(result->error.message.contains(u"not JSON"_s), qPrintable(result->error.message));
}

QTEST_GUILESS_MAIN(TestApiClientErrors)
#include "tst_apiclienterrors.moc"
