// The logs query a page keeps: filters and the two cursors, as the API reads them.
#include "logsquery.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestLogsQuery final : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAskForTheNewestPage();
    void filtersAndCursors();
};

void TestLogsQuery::defaultsAskForTheNewestPage()
{
    const QUrlQuery url = LogsQuery().toUrlQuery();
    QCOMPARE(url.queryItems().size(), 1);
    QCOMPARE(url.queryItemValue(u"limit"_s), u"50"_s);
}

void TestLogsQuery::filtersAndCursors()
{
    LogsQuery query;
    query.from = QDateTime(QDate(2026, 12, 1), QTime(0, 0), Qt::UTC);
    query.model = u"openai/gpt-4o-mini"_s;
    query.provider = u"openai"_s;
    query.keyId = 7;
    query.member = u"a+b@example.org"_s;
    query.status = u"error"_s;
    query.finishReason = u"length"_s;
    query.limit = 10;
    query.after = 41;
    const QUrlQuery url = query.toUrlQuery();
    QCOMPARE(url.queryItemValue(u"from"_s), u"2026-12-01T00:00:00Z"_s);
    QVERIFY(!url.hasQueryItem(u"to"_s));
    QCOMPARE(url.queryItemValue(u"model"_s, QUrl::FullyDecoded), u"openai/gpt-4o-mini"_s);
    QCOMPARE(url.queryItemValue(u"member"_s, QUrl::FullyDecoded), u"a+b@example.org"_s);
    QCOMPARE(url.queryItemValue(u"key"_s), u"7"_s);
    QCOMPARE(url.queryItemValue(u"status"_s), u"error"_s);
    QCOMPARE(url.queryItemValue(u"finish_reason"_s), u"length"_s);
    QCOMPARE(url.queryItemValue(u"limit"_s), u"10"_s);
    QCOMPARE(url.queryItemValue(u"after"_s), u"41"_s);
    QVERIFY(!url.hasQueryItem(u"before"_s));
}

QTEST_GUILESS_MAIN(TestLogsQuery)
#include "tst_logsquery.moc"
