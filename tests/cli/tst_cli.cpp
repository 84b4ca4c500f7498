// The command line as users and scripts meet it: the real llm-gateway binary, its exit codes and output.

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QStringList &arguments,
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(LLM_GATEWAY_BIN), arguments);
    if (!process.waitForFinished(20000)) {
        process.kill();
        process.waitForFinished();
    }
    return { process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
        process.readAllStandardOutput(), process.readAllStandardError() };
}
} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private slots:
    void helpAndVersion();
    void badArguments_data();
    void badArguments();
    void keysCreatePrintsTheKeyLast();
    void exportOfAnEmptyStore();
    void serveListensAndStopsOnSigterm();
    void serveOverHttps();
    void servePlainOnEveryInterfaceWarns();
    void serveRefusesAnExpiredCertificate();
    void noCommandWithoutADisplaySaysItServes();
    void noCommandOpensTheWindowWithTheGatewayBesideIt();
    void membersAddPrintsATokenLast();
    void membersAddRefusesABadRole();
    void membersAddRefusesADuplicateEmail();
};

void TestCli::helpAndVersion()
{
    const Run help = run({ u"--help"_s });
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.startsWith("Usage: llm-gateway"));
    for (const char *command : { "serve", "keys create", "export" })
        QVERIFY2(help.out.contains(command), command);
    const Run version = run({ u"--version"_s });
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(QRegularExpression(u"^llm-gateway \\d+\\.\\d+\\.\\d+\n$"_s)
                 .match(QString::fromUtf8(version.out))
                 .hasMatch(),
        version.out.constData());
}

void TestCli::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown command") << QStringList { u"frobnicate"_s } << u"unknown command 'frobnicate'"_s;
    QTest::newRow("keys without --name") << QStringList { u"keys"_s, u"create"_s } << u"needs --name"_s;
    QTest::newRow("port not a number")
        << QStringList { u"serve"_s, u"--port"_s, u"abc"_s } << u"--port must be"_s;
    QTest::newRow("port too big") << QStringList { u"serve"_s, u"--port=70000"_s } << u"--port must be"_s;
    QTest::newRow("export format") << QStringList { u"export"_s, u"--format"_s, u"xml"_s }
                                   << u"--format must be"_s;
    QTest::newRow("option of another command")
        << QStringList { u"export"_s, u"--name"_s, u"x"_s } << u"unknown option --name"_s;
    QTest::newRow("option without value") << QStringList { u"serve"_s, u"--port"_s } << u"needs a value"_s;
    QTest::newRow("bad database URL")
        << QStringList { u"export"_s, u"--database"_s, u"mysql://x"_s } << u"database"_s;
    QTest::newRow("certificate without key") << QStringList { u"serve"_s, u"--tls-cert"_s, u"cert.pem"_s }
                                             << u"a TLS certificate is given without its key"_s;
    QTest::newRow("key without certificate") << QStringList { u"serve"_s, u"--tls-key"_s, u"key.pem"_s }
                                             << u"a TLS key is given without its certificate"_s;
}

void TestCli::badArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    // One line on stderr, naming the problem.
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY2(result.err.startsWith("llm-gateway: ") && result.err.contains(message.toUtf8()),
        result.err.constData());
}

void TestCli::keysCreatePrintsTheKeyLast()
{
    QTemporaryDir dir;
    const Run created
        = run({ u"keys"_s, u"create"_s, u"--name"_s, u"laptop"_s, u"--data-dir"_s, dir.path() });
    QCOMPARE(created.exitCode, 0);
    const QByteArray key = created.out.trimmed().split('\n').last();
    QVERIFY2(QRegularExpression(u"^llmgw_\\d+_[A-Za-z0-9]{32}$"_s).match(QString::fromLatin1(key)).hasMatch(),
        key.constData());
    // Shown once, stored hashed: the key is nowhere in the data dir.
    QFile database(dir.filePath(u"gateway.db"_s));
    QVERIFY(database.open(QIODevice::ReadOnly));
    QVERIFY(!database.readAll().contains(key.sliced(key.lastIndexOf('_') + 1)));
    database.close();

    // Audited like `members add`: by "cli", with the key's fields and never its secret.
    const QByteArray id = key.split('_').at(1);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"audit"_s);
        db.setDatabaseName(dir.filePath(u"gateway.db"_s));
        QVERIFY(db.open());
        QSqlQuery audit(db);
        QVERIFY(
            audit.exec(u"SELECT actor_member_id, actor_email, action, target, after_json FROM audit_log"_s));
        QVERIFY(audit.next());
        QVERIFY(audit.value(0).isNull()); // no member: a local command
        QCOMPARE(audit.value(1).toString(), u"cli"_s);
        QCOMPARE(audit.value(2).toString(), u"key.create"_s);
        QCOMPARE(audit.value(3).toString(), u"key:"_s + QString::fromLatin1(id));
        QVERIFY2(audit.value(4).toString().contains(u"\"name\":\"laptop\""_s),
            qPrintable(audit.value(4).toString()));
        QVERIFY(!audit.next());
    }
    QSqlDatabase::removeDatabase(u"audit"_s);
}

void TestCli::exportOfAnEmptyStore()
{
    QTemporaryDir dir;
    const Run jsonl = run({ u"export"_s, u"--data-dir"_s, dir.path() });
    QCOMPARE(jsonl.exitCode, 0);
    QCOMPARE(jsonl.out, QByteArray());
    const Run csv = run({ u"export"_s, u"--format"_s, u"csv"_s, u"--data-dir"_s, dir.path() });
    QCOMPARE(csv.exitCode, 0);
    QVERIFY2(csv.out.startsWith("id,request_id,created_at,"), csv.out.constData()); // the header row alone
    QCOMPARE(csv.out.count('\n'), 1);
}

void TestCli::serveListensAndStopsOnSigterm()
{
    QTemporaryDir dir;
    QProcess serve;
    serve.start(
        QStringLiteral(LLM_GATEWAY_BIN), { u"serve"_s, u"--port"_s, u"0"_s, u"--data-dir"_s, dir.path() });
    QVERIFY(serve.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine(), 10000);
    const QByteArray line = serve.readLine();
    QVERIFY2(QRegularExpression(u"^Listening on http://127\\.0\\.0\\.1:\\d+\n$"_s)
                 .match(QString::fromUtf8(line))
                 .hasMatch(),
        line.constData());
    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(10000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);
}

void TestCli::serveOverHttps()
{
    QTemporaryDir dir;
    QProcess serve;
    serve.start(QStringLiteral(LLM_GATEWAY_BIN),
        { u"serve"_s, u"--port"_s, u"0"_s, u"--data-dir"_s, dir.path(), u"--tls-cert"_s,
            QStringLiteral(TLS_TEST_CERTS "/gateway-a.pem"), u"--tls-key"_s,
            QStringLiteral(TLS_TEST_CERTS "/gateway-a.key") });
    QVERIFY(serve.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine(), 10000);
    const QByteArray line = serve.readLine();
    QVERIFY2(QRegularExpression(u"^Listening on https://127\\.0\\.0\\.1:\\d+\n$"_s)
                 .match(QString::fromUtf8(line))
                 .hasMatch(),
        line.constData());
    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(10000));
    QCOMPARE(serve.exitCode(), 0);
    QVERIFY2(!serve.readAllStandardError().contains("WARNING"), "a loopback listener is not exposed");
}

void TestCli::servePlainOnEveryInterfaceWarns()
{
    QTemporaryDir dir;
    QProcess serve;
    serve.start(QStringLiteral(LLM_GATEWAY_BIN),
        { u"serve"_s, u"--host"_s, u"0.0.0.0"_s, u"--port"_s, u"0"_s, u"--data-dir"_s, dir.path() });
    QVERIFY(serve.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine(), 10000);
    QVERIFY(serve.readLine().startsWith("Listening on http://0.0.0.0:"));
    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(10000));
    const QByteArray err = serve.readAllStandardError();
    QVERIFY2(
        err.contains("WARNING: the gateway listens on 0.0.0.0, which other machines can reach, in plain HTTP")
            && err.contains("--tls-cert FILE --tls-key FILE"),
        err.constData());
}

void TestCli::serveRefusesAnExpiredCertificate()
{
    QTemporaryDir dir;
    const QString certificate = QStringLiteral(TLS_TEST_CERTS "/expired.pem");
    const Run result = run({ u"serve"_s, u"--port"_s, u"0"_s, u"--data-dir"_s, dir.path(), u"--tls-cert"_s,
        certificate, u"--tls-key"_s, QStringLiteral(TLS_TEST_CERTS "/expired.key") });
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.contains("has expired") && result.err.contains(certificate.toUtf8()),
        result.err.constData());
}

void TestCli::noCommandWithoutADisplaySaysItServes()
{
    QTemporaryDir dir;
    QProcess gateway;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : { u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s })
        env.remove(name);
    gateway.setProcessEnvironment(env);
    gateway.start(QStringLiteral(LLM_GATEWAY_BIN), { u"--port"_s, u"0"_s, u"--data-dir"_s, dir.path() });
    QVERIFY(gateway.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(gateway.canReadLine(), 10000);
    QVERIFY(gateway.readLine().startsWith("Listening on http://127.0.0.1:"));
    QByteArray err;
    QTRY_VERIFY2((err += gateway.readAllStandardError()).contains("no display"), err.constData());
    QVERIFY2(err.contains("running 'serve'"), err.constData());
    ::kill(pid_t(gateway.processId()), SIGTERM);
    QVERIFY(gateway.waitForFinished(10000));
    QCOMPARE(gateway.exitCode(), 0);
}

void TestCli::noCommandOpensTheWindowWithTheGatewayBesideIt()
{
    // The window on the offscreen platform (the suite's QT_QPA_PLATFORM): the gateway it hosts serves on the
    // port given, and SIGTERM closes the window and stops the gateway cleanly.
#ifndef GATEWAY_WITH_WINDOW
    QSKIP("built with GATEWAY_BUILD_WINDOW=OFF: there is no window to open");
#endif
    QTemporaryDir dir;
    quint16 port = 0;
    {
        QTcpServer reserve;
        QVERIFY(reserve.listen(QHostAddress::LocalHost));
        port = reserve.serverPort();
    }
    QProcess window;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path()); // the window's own settings land here, not in the user's
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    window.setProcessEnvironment(env);
    window.start(QStringLiteral(LLM_GATEWAY_BIN),
        { u"--port"_s, QString::number(port), u"--data-dir"_s, dir.filePath(u"data"_s) });
    QVERIFY(window.waitForStarted());
    QNetworkAccessManager nam;
    const auto healthy = [&] {
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/health"_s.arg(port))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        const bool ok
            = done.wait(5000) && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
        reply->deleteLater();
        return ok;
    };
    QTRY_VERIFY_WITH_TIMEOUT(healthy(), 20000);
    const QByteArray out = window.readAllStandardOutput();
    QVERIFY2(!out.contains("Listening on"), out.constData()); // a window, not serve
    QVERIFY(QFile::exists(dir.filePath(u"data/gateway.db"_s)));
    ::kill(pid_t(window.processId()), SIGTERM);
    QVERIFY(window.waitForFinished(20000));
    QCOMPARE(window.exitStatus(), QProcess::NormalExit);
    QCOMPARE(window.exitCode(), 0);
    QVERIFY(QFile::exists(dir.filePath(u"config/llm-gateway/window.ini"_s))); // geometry and last page kept
}

void TestCli::membersAddPrintsATokenLast()
{
    QTemporaryDir dir;
    const Run added = run({ u"members"_s, u"add"_s, u"--email"_s, u"Ada@Example.org"_s, u"--name"_s, u"Ada"_s,
        u"--role"_s, u"owner"_s, u"--data-dir"_s, dir.path() });
    QCOMPARE(added.exitCode, 0);
    QVERIFY2(added.out.contains("ada@example.org"), added.out.constData()); // emails are kept lower-cased
    const QByteArray token = added.out.trimmed().split('\n').last();
    QVERIFY2(QRegularExpression(u"^llmgw_pat_\\d+_[A-Za-z0-9]{32}$"_s)
                 .match(QString::fromLatin1(token))
                 .hasMatch(),
        token.constData());
    // Shown once, stored hashed: the secret is nowhere in the data dir's files.
    const QByteArray secret = token.sliced(token.lastIndexOf('_') + 1);
    for (const QString &name : QDir(dir.path()).entryList(QDir::Files)) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(secret), qPrintable(name));
    }
    const Run help = run({ u"--help"_s });
    QVERIFY(help.out.contains("members add"));
}

void TestCli::membersAddRefusesABadRole()
{
    QTemporaryDir dir;
    const Run result = run({ u"members"_s, u"add"_s, u"--email"_s, u"bob@example.org"_s, u"--name"_s,
        u"Bob"_s, u"--role"_s, u"superuser"_s, u"--data-dir"_s, dir.path() });
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY2(result.err.contains("--role must be owner, admin, developer or restricted, not 'superuser'"),
        result.err.constData());
    const Run missing
        = run({ u"members"_s, u"add"_s, u"--email"_s, u"bob@example.org"_s, u"--data-dir"_s, dir.path() });
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("needs --name"), missing.err.constData());
}

void TestCli::membersAddRefusesADuplicateEmail()
{
    QTemporaryDir dir;
    const QStringList add { u"members"_s, u"add"_s, u"--email"_s, u"eve@example.org"_s, u"--name"_s, u"Eve"_s,
        u"--role"_s, u"developer"_s, u"--data-dir"_s, dir.path() };
    QCOMPARE(run(add).exitCode, 0);
    const Run again = run(add);
    QCOMPARE(again.exitCode, 1);
    QCOMPARE(again.err.count('\n'), 1);
    QVERIFY2(again.err.contains("eve@example.org is already a member"), again.err.constData());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
