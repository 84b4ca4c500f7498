// DashboardCardsModel over real reports: a test clock puts two requests in yesterday and five today, so
// the cards compare today against yesterday as the dashboard does.
#include "dashboardcardsmodel.h"
#include "formatting.h"
#include "modelstestkit.h"
#include "testclock.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Qt::StringLiterals;
using Card = DashboardCardsModel::Card;
using Meaning = DashboardCardsModel::ChangeMeaning;

namespace {
const QDateTime kToday(QDate(2026, 11, 30), QTime(0, 0), Qt::UTC);
}

class TestDashboardCardsModel final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void beforeAnyAnswer();
    void currentPeriodAlone();
    void changeAgainstThePreviousPeriod();
    void topModel();
    void emptyPreviousPeriodHasNoChange();
    void rowsNeverChangeOnlyTheirData();

private:
    UsageData fetch(const UsageQuery &query);
    QVariant card(Card which, int role) const { return m_model->index(int(which)).data(role); }

    std::unique_ptr<TestClock> m_clock;
    std::unique_ptr<ModelsGateway> m_gateway;
    std::unique_ptr<DashboardCardsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    UsageQuery m_today;
};

// Yesterday 10:00: two requests for gpt-4o-mini. Today 10:00: four for gpt-4o-mini, one refused upstream.
void TestDashboardCardsModel::init()
{
    m_clock = std::make_unique<TestClock>(kToday.addSecs(-14 * 3600));
    m_gateway = std::make_unique<ModelsGateway>();
    ProxyHarness::Options options;
    options.clock = m_clock.get();
    QString error;
    QVERIFY2(m_gateway->start(options, &error), qPrintable(error));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 2));
    m_clock->setNow(kToday.addSecs(10 * 3600));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 4));
    QVERIFY(m_gateway->chat(u"openai/fake-error-400"_s));
    QVERIFY(m_gateway->waitForRecords(7));
    m_today = UsageQuery::between(kToday, kToday.addDays(1));
    m_model = std::make_unique<DashboardCardsModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestDashboardCardsModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_gateway.reset();
    m_clock.reset();
}

UsageData TestDashboardCardsModel::fetch(const UsageQuery &query)
{
    const auto result = awaitUsage(m_gateway->client(), query);
    if (!result || !result->ok()) {
        qWarning() << "usage failed:" << (result ? result->error.message : u"no answer"_s);
        return {};
    }
    return *result->value;
}

void TestDashboardCardsModel::beforeAnyAnswer()
{
    QCOMPARE(m_model->rowCount(), DashboardCardsModel::kCardCount);
    QCOMPARE(card(Card::Requests, Qt::DisplayRole).toString(), u"Requests"_s);
    QCOMPARE(card(Card::TopModel, Qt::DisplayRole).toString(), u"Top model"_s);
    QCOMPARE(card(Card::Cost, DashboardCardsModel::CardRole).toInt(), int(Card::Cost));
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row);
        QCOMPARE(index.data(DashboardCardsModel::ValueTextRole).toString(), u"\u2013"_s);
        QVERIFY(!index.data(DashboardCardsModel::ValueRole).isValid());
        QVERIFY(!index.data(DashboardCardsModel::ChangeRole).isValid());
        QCOMPARE(index.data(DashboardCardsModel::ChangeMeaningRole).toInt(), int(Meaning::None));
    }
}

void TestDashboardCardsModel::currentPeriodAlone()
{
    const UsageData today = fetch(m_today);
    m_model->setCurrent(today);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ValueTextRole).toString(), u"5"_s);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ValueRole).toDouble(), 5.0);
    QCOMPARE(card(Card::ErrorRate, DashboardCardsModel::ValueTextRole).toString(), u"20%"_s);
    QCOMPARE(card(Card::ErrorRate, DashboardCardsModel::DetailRole).toString(), u"1 errors"_s);
    QCOMPARE(card(Card::Cost, DashboardCardsModel::ValueTextRole).toString(),
        Formatting::usd(today.totals.costUsd));
    QCOMPARE(card(Card::OutputTokens, DashboardCardsModel::ValueRole).toDouble(),
        double(today.totals.completionTokens));
    QVERIFY(card(Card::LatencyP50, DashboardCardsModel::ValueTextRole).toString().contains(u's'));
    QCOMPARE(card(Card::Requests, DashboardCardsModel::PreviousTextRole).toString(), u"\u2013"_s);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::DetailRole).toString(),
        u"0% answered from the response cache"_s);
    QVERIFY(!card(Card::Requests, DashboardCardsModel::ChangeRole).isValid());
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ChangeTextRole).toString(), QString());
}

void TestDashboardCardsModel::changeAgainstThePreviousPeriod()
{
    const UsageData today = fetch(m_today);
    QCOMPARE(m_today.previousPeriod().from(), kToday.addDays(-1));
    const UsageData yesterday = fetch(m_today.previousPeriod());
    QCOMPARE(yesterday.totals.requests, 2);
    m_model->setCurrent(today);
    m_model->setPrevious(yesterday);

    // 5 against 2: more traffic is neither good nor bad.
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ChangeRole).toDouble(), 150.0);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ChangeTextRole).toString(), u"+150%"_s);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::PreviousTextRole).toString(), u"2"_s);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::UpIsGoodRole).toInt(), 0);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ChangeMeaningRole).toInt(), int(Meaning::Neutral));

    // Four priced requests against two: cost doubled, and more cost is bad news.
    QCOMPARE(card(Card::Cost, DashboardCardsModel::ChangeRole).toDouble(),
        (today.totals.costUsd - yesterday.totals.costUsd) / yesterday.totals.costUsd * 100);
    QVERIFY(qAbs(card(Card::Cost, DashboardCardsModel::ChangeRole).toDouble() - 100.0) < 1e-6);
    QCOMPARE(card(Card::Cost, DashboardCardsModel::UpIsGoodRole).toInt(), -1);
    QCOMPARE(card(Card::Cost, DashboardCardsModel::ChangeMeaningRole).toInt(), int(Meaning::Bad));

    // 20 % errors against none: against zero there is no percentage to give.
    QVERIFY(!card(Card::ErrorRate, DashboardCardsModel::ChangeRole).isValid());
    QCOMPARE(card(Card::ErrorRate, DashboardCardsModel::PreviousTextRole).toString(), u"0%"_s);
    QCOMPARE(card(Card::ErrorRate, DashboardCardsModel::ChangeMeaningRole).toInt(), int(Meaning::None));

    // Latency: whichever way it moved, faster is good.
    const QVariant latency = card(Card::LatencyP50, DashboardCardsModel::ChangeRole);
    if (latency.isValid() && qAbs(latency.toDouble()) >= 0.05)
        QCOMPARE(card(Card::LatencyP50, DashboardCardsModel::ChangeMeaningRole).toInt(),
            int(latency.toDouble() < 0 ? Meaning::Good : Meaning::Bad));
    QCOMPARE(card(Card::CachedTokens, DashboardCardsModel::UpIsGoodRole).toInt(), 1);
    QVERIFY(card(Card::Cost, Qt::ToolTipRole).toString().contains(u"previous period"_s));
}

void TestDashboardCardsModel::topModel()
{
    m_model->setCurrent(fetch(m_today));
    QCOMPARE(card(Card::TopModel, DashboardCardsModel::ValueTextRole).toString(), u"\u2013"_s);
    UsageQuery byModel = m_today;
    byModel.setGroupBy(UsageQuery::GroupBy::Model);
    m_model->setByModel(fetch(byModel));
    QCOMPARE(card(Card::TopModel, DashboardCardsModel::ValueTextRole).toString(), u"gpt-4o-mini"_s);
    QCOMPARE(card(Card::TopModel, DashboardCardsModel::ValueRole).toDouble(), 4.0);
    QCOMPARE(card(Card::TopModel, DashboardCardsModel::DetailRole).toString(), u"80% of requests"_s);
    QVERIFY(!card(Card::TopModel, DashboardCardsModel::ChangeRole).isValid());
}

void TestDashboardCardsModel::emptyPreviousPeriodHasNoChange()
{
    const UsageQuery lastWeek = UsageQuery::between(kToday.addDays(-9), kToday.addDays(-8));
    m_model->setCurrent(fetch(m_today));
    m_model->setPrevious(fetch(lastWeek));
    QCOMPARE(card(Card::Requests, DashboardCardsModel::PreviousTextRole).toString(), u"0"_s);
    QVERIFY(!card(Card::Requests, DashboardCardsModel::ChangeRole).isValid());
    QVERIFY(!card(Card::Cost, DashboardCardsModel::ChangeRole).isValid());
    QCOMPARE(card(Card::LatencyP95, DashboardCardsModel::PreviousTextRole).toString(), u"\u2013"_s);
}

void TestDashboardCardsModel::rowsNeverChangeOnlyTheirData()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setCurrent(fetch(m_today));
    m_model->setPrevious(fetch(m_today.previousPeriod()));
    UsageQuery byModel = m_today;
    byModel.setGroupBy(UsageQuery::GroupBy::Model);
    m_model->setByModel(fetch(byModel));
    QCOMPARE(changed.size(), 3);
    QCOMPARE(changed.at(2).at(0).value<QModelIndex>().row(), int(Card::TopModel));
    m_model->clear();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(m_model->rowCount(), DashboardCardsModel::kCardCount);
    QCOMPARE(card(Card::Requests, DashboardCardsModel::ValueTextRole).toString(), u"\u2013"_s);
}

QTEST_GUILESS_MAIN(TestDashboardCardsModel)
#include "tst_dashboardcardsmodel.moc"
