// GatewayHost: the gateway on a thread of its own, started and stopped without waiting, its state told by
// signals, started again in one process; and the thread that made it (the GUI thread) never held up by it.
#include "clock.h"
#include "database.h"
#include "fakeupstream.h"
#include "gateway.h"
#include "gatewayhost.h"
#include "providersettings.h"
#include "testhttp.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace {
const Actor kTester { 0, u"test"_s }; // the key changes that set the scene, audited as the test's
} // namespace
using State = GatewayHost::State;

class TestGatewayHost final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void startsWithoutWaitingAndServes();
    void stopsAndStartsAgain();
    void aTakenPortFailsWithAReasonAndCanBeRetried();
    void pausedAcceptingLeavesNewConnectionsWaiting();
    void theCallingThreadKeepsTurningWhileTheDatabaseIsLocked();
    void theCallingThreadKeepsTurningWhileTheKeychainIsSlow();

private:
    GatewayConfig config(quint16 port = 0);
    // Counts this thread's event-loop turns (a 5 ms timer) and the longest gap between them.
    struct Turns
    {
        int ticks = 0;
        qint64 longestGapMs = 0;
        QElapsedTimer sinceTick;
        QTimer timer;
    };
    void countTurns(Turns &turns);
    static QList<State> states(const QSignalSpy &spy);
    // Waits for the host to reach `state`; false when it settled elsewhere.
    static bool reach(GatewayHost &host, State state);
    quint16 portOf(const GatewayHost &host) const { return quint16(QUrl(host.url()).port()); }
    // Waits for one whole HTTP response on `socket` and returns its status line.
    static QByteArray statusLineOf(QTcpSocket &socket);

    SystemClock m_clock;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_upstream;
    QNetworkAccessManager m_nam;
};

void TestGatewayHost::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_upstream = std::make_unique<FakeUpstream>();
    QVERIFY(m_upstream->listen());
    m_upstream->setExpectedKey("sk-up");
}

void TestGatewayHost::cleanup()
{
    m_upstream.reset();
    m_dir.reset();
}

GatewayConfig TestGatewayHost::config(quint16 port)
{
    QProcessEnvironment env;
    env.insert(u"OPENAI_API_KEY"_s, u"sk-up"_s);
    env.insert(u"OPENAI_BASE_URL"_s, m_upstream->baseUrl().toString());
    QString error;
    auto config = GatewayConfig::load(m_dir->path(), QString(), env, &error);
    if (!config)
        qFatal("%s", qPrintable(error));
    config->port = port;
    config->workerThreads = 1;
    config->shutdownGraceMs = 5000;
    config->keychainService = u"llm-gateway-test-%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128));
    return *config;
}

QList<State> TestGatewayHost::states(const QSignalSpy &spy)
{
    QList<State> seen;
    for (const QList<QVariant> &arguments : spy)
        seen.append(arguments.at(0).value<State>());
    return seen;
}

bool TestGatewayHost::reach(GatewayHost &host, State state)
{
    QSignalSpy spy(&host, &GatewayHost::stateChanged);
    while (host.state() != state) {
        const State now = host.state();
        if (now != State::Starting && now != State::Stopping)
            return false; // settled somewhere else
        if (!spy.wait(30'000))
            return false;
    }
    return true;
}

QByteArray TestGatewayHost::statusLineOf(QTcpSocket &socket)
{
    QByteArray received;
    const auto complete = [&received] {
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        const qsizetype at = received.toLower().indexOf("content-length:");
        const qsizetype length = at < 0
            ? 0
            : received.mid(at + 15, received.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
        return received.size() >= headEnd + 4 + length;
    };
    while (!complete()) {
        if (!socket.waitForReadyRead(10'000))
            return {};
        received += socket.readAll();
    }
    return received.left(received.indexOf("\r\n"));
}

void TestGatewayHost::startsWithoutWaitingAndServes()
{
    GatewayHost host(config(), m_clock);
    QSignalSpy spy(&host, &GatewayHost::stateChanged);
    host.start();
    // start() returned before the gateway opened anything: the caller sees Starting, not Running.
    QCOMPARE(host.state(), State::Starting);
    QVERIFY(host.url().isEmpty());
    QVERIFY(reach(host, State::Running));
    QCOMPARE(states(spy), (QList<State> { State::Starting, State::Running }));
    QVERIFY2(host.url().startsWith(u"http://127.0.0.1:"_s), qPrintable(host.url()));
    QVERIFY(portOf(host) > 0);
    QVERIFY(host.isAccepting());

    // The gateway answers, and the local owner's token opens the management API.
    QCOMPARE(TestHttp::call(m_nam, portOf(host), "GET", u"/health"_s).status, 200);
    const QByteArray token = host.localOwnerToken();
    QVERIFY(!token.isEmpty());
    QCOMPARE(TestHttp::call(m_nam, portOf(host), "GET", u"/api/v1/members/me"_s, {},
                 { { "Authorization", "Bearer " + token } })
                 .status,
        200);
}

void TestGatewayHost::stopsAndStartsAgain()
{
    GatewayHost host(config(), m_clock);
    QString error;
    StoreError keyError;
    for (int round = 1; round <= 3; ++round) {
        QSignalSpy spy(&host, &GatewayHost::stateChanged);
        host.start();
        QVERIFY(reach(host, State::Running));
        const quint16 port = portOf(host);
        const QByteArray key = host.gateway()
                                   ->keys()
                                   .create(kTester, u"round %1"_s.arg(round), QString(), {}, &keyError)
                                   ->plaintext;
        const TestHttpResult chat = TestHttp::call(m_nam, port, "POST", u"/v1/chat/completions"_s,
            TestHttp::chatBody(u"openai/gpt-4o-mini"_s, u"Hello"_s),
            { { "Authorization", "Bearer " + key } });
        QCOMPARE(chat.status, 200);

        host.stop();
        QCOMPARE(host.state(), State::Stopping);
        QVERIFY(reach(host, State::Stopped));
        QCOMPARE(
            states(spy), (QList<State> { State::Starting, State::Running, State::Stopping, State::Stopped }));
        QVERIFY(host.gateway() == nullptr);
        QVERIFY(host.localOwnerToken().isEmpty());
        // Stopped means the port is closed, and every record of the round was written.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!socket.waitForConnected(5000) || socket.state() != QAbstractSocket::ConnectedState
            || !socket.waitForReadyRead(1000));
        QSqlDatabase db = Database::open(DatabaseLocation::inDataDir(m_dir->path()), u"check"_s, &error);
        {
            QSqlQuery count(db);
            QVERIFY(count.exec(u"SELECT COUNT(*) FROM requests"_s) && count.next());
            QCOMPARE(count.value(0).toInt(), round);
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"check"_s);
    }
}

void TestGatewayHost::aTakenPortFailsWithAReasonAndCanBeRetried()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost));
    const quint16 taken = squatter.serverPort();

    GatewayHost host(config(taken), m_clock);
    host.start();
    QVERIFY(reach(host, State::Failed));
    QVERIFY2(host.failureReason().contains(u"port %1 is taken by another program"_s.arg(taken)),
        qPrintable(host.failureReason()));
    QVERIFY(host.url().isEmpty());

    // The user frees the port (or picks another) and starts again, in the same process.
    squatter.close();
    host.start();
    QVERIFY(reach(host, State::Running));
    QCOMPARE(portOf(host), taken);
    QVERIFY(host.failureReason().isEmpty());
}

void TestGatewayHost::pausedAcceptingLeavesNewConnectionsWaiting()
{
    GatewayHost host(config(), m_clock);
    host.start();
    QVERIFY(reach(host, State::Running));
    const quint16 port = portOf(host);

    // A connection opened before the pause is served on.
    QTcpSocket before;
    before.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(before.waitForConnected(5000));
    const QByteArray health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    before.write(health);
    QCOMPARE(statusLineOf(before), "HTTP/1.1 200 OK");

    QSignalSpy accepting(&host, &GatewayHost::acceptingChanged);
    host.setAccepting(false);
    QVERIFY(accepting.wait(10'000));
    QCOMPARE(accepting.at(0).at(0).toBool(), false);
    QVERIFY(!host.isAccepting());

    QTcpSocket during;
    during.connectToHost(
        QHostAddress::LocalHost, port); // the kernel's backlog takes it; the gateway does not
    QVERIFY(during.waitForConnected(5000));
    during.write(health);
    QVERIFY(during.waitForBytesWritten(5000));
    // Causality instead of a pause: the open connection's answer comes after the new request was sent, and
    // the new one is still unanswered then.
    before.write(health);
    QCOMPARE(statusLineOf(before), "HTTP/1.1 200 OK");
    QCOMPARE(during.bytesAvailable(), 0);

    host.setAccepting(true);
    QCOMPARE(statusLineOf(during), "HTTP/1.1 200 OK");
    QTRY_VERIFY(host.isAccepting()); // told back to this thread after the gateway's thread resumed
}

void TestGatewayHost::countTurns(Turns &turns)
{
    connect(&turns.timer, &QTimer::timeout, this, [&turns] {
        if (turns.sinceTick.isValid())
            turns.longestGapMs = qMax(turns.longestGapMs, turns.sinceTick.restart());
        else
            turns.sinceTick.start();
        ++turns.ticks;
    });
    turns.timer.start(5);
}

void TestGatewayHost::theCallingThreadKeepsTurningWhileTheDatabaseIsLocked()
{
    // Another process's write transaction holds the database: the gateway's start waits on it.
    QString error;
    QSqlDatabase locker = Database::open(DatabaseLocation::inDataDir(m_dir->path()), u"locker"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QSqlQuery lock(locker);
    QVERIFY2(lock.exec(u"BEGIN EXCLUSIVE"_s), qPrintable(lock.lastError().text()));

    GatewayHost host(config(), m_clock);
    Turns turns;
    countTurns(turns);
    host.start();
    // This thread goes on turning its event loop while the gateway's start is stuck on the lock.
    QTRY_VERIFY_WITH_TIMEOUT(turns.ticks >= 40, 30'000);
    QCOMPARE(host.state(), State::Starting);

    QVERIFY(lock.exec(u"COMMIT"_s));
    QVERIFY(reach(host, State::Running));
    qInfo(
        "longest gap between the caller's 5 ms ticks while the gateway started: %lld ms", turns.longestGapMs);
    lock = QSqlQuery();
    locker = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"locker"_s);
}

void TestGatewayHost::theCallingThreadKeepsTurningWhileTheKeychainIsSlow()
{
    // A session bus that takes connections and never answers: the keychain's read of the stored OpenAI key
    // waits on it, inside the gateway's start.
    QLocalServer silentBus;
    QVERIFY(silentBus.listen(m_dir->filePath(u"bus"_s)));
    QList<QLocalSocket *> callers;
    connect(&silentBus, &QLocalServer::newConnection, this, [&] {
        while (QLocalSocket *caller = silentBus.nextPendingConnection())
            callers.append(caller);
    });
    const QByteArray savedBus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + silentBus.fullServerName().toLocal8Bit());

    QString error;
    {
        ProviderSettingsStore settings(DatabaseLocation::inDataDir(m_dir->path()));
        ProviderSettings stored;
        stored.keyStored = true;
        AuditEntry audit;
        audit.at = QDateTime::currentDateTimeUtc();
        audit.action = u"provider.update"_s;
        StoreError storeError;
        QVERIFY2(settings.write(u"openai"_s, stored, audit, &storeError), qPrintable(storeError.message));
    }

    GatewayHost host(config(), m_clock);
    Turns turns;
    countTurns(turns);
    host.start();
    QTRY_VERIFY_WITH_TIMEOUT(!callers.isEmpty(), 30'000); // the keychain is asking
    QTRY_VERIFY_WITH_TIMEOUT(turns.ticks >= 40, 30'000);
    QCOMPARE(host.state(), State::Starting);

    // The bus goes away: the read fails, and the gateway starts on the environment's key.
    qDeleteAll(callers);
    callers.clear();
    silentBus.close();
    QVERIFY(reach(host, State::Running));
    qInfo("longest gap between the caller's 5 ms ticks while the keychain stalled: %lld ms",
        turns.longestGapMs);
    if (savedBus.isNull())
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
        qputenv("DBUS_SESSION_BUS_ADDRESS", savedBus);
}

QTEST_GUILESS_MAIN(TestGatewayHost)
#include "tst_gatewayhost.moc"
