// Management calls run off the proxy's worker threads: a long one (an export of a big store) does not hold up
// the model requests that the same worker serves.
#include "apiteam.h"

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiConcurrency final : public QObject
{
    Q_OBJECT

private slots:
    void aLongExportDoesNotHoldUpTheProxy();
};

void TestApiConcurrency::aLongExportDoesNotHoldUpTheProxy()
{
    ApiTeam team;
    ProxyHarness::Options options;
    options.workerThreads = 1; // the export and the chat meet on the same worker
    QString error;
    QVERIFY2(team.start(options, &error), qPrintable(error));
    // Enough stored payloads that exporting them takes a good while.
    const QByteArray payload = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":")"
        + QByteArray(2000, 'x') + R"("}]})";
    for (int i = 0; i < 30'000; ++i) {
        RequestRecord r;
        r.requestId = "bulk-" + QByteArray::number(i);
        r.createdAt = QDateTime::currentDateTimeUtc();
        r.status = 200;
        r.requestBody = payload;
        r.responseBody = payload;
        team.gateway().logWriter().enqueue(std::move(r));
    }
    team.gateway().logWriter().flush();
    const QByteArray key = team.keyFor(team.owner, &error);
    QVERIFY2(!key.isEmpty(), qPrintable(error));

    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/export"_s.arg(team.harness().port())));
    request.setRawHeader("authorization", "Bearer " + team.owner.token);
    QNetworkReply *exportReply = team.harness().nam().get(request);
    QTRY_VERIFY_WITH_TIMEOUT(exportReply->bytesAvailable() > 0, 10'000); // the export is under way
    const TestHttpResult chat = team.chat(key, u"openai/gpt-4o-mini"_s);
    QCOMPARE(chat.status, 200);
    QVERIFY2(!exportReply->isFinished(), "the chat waited for the whole export");
    QTRY_VERIFY_WITH_TIMEOUT(exportReply->isFinished(), 60'000);
    QCOMPARE(exportReply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    // Every stored record (the chat's own may have come after the export's snapshot).
    QVERIFY(exportReply->readAll().count('\n') >= 30'000);
    exportReply->deleteLater();
}

QTEST_GUILESS_MAIN(TestApiConcurrency)
#include "tst_apiconcurrency.moc"
