// UsageGroupsModel over real grouped usage: one row per model, numbers that sort as numbers behind a
// QSortFilterProxyModel, and live refreshes that keep the rows where they are.
#include "modelstestkit.h"
#include "usagegroupsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>

using namespace Qt::StringLiterals;
using Column = UsageGroupsModel::Column;

class TestUsageGroupsModel final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void oneRowPerGroup();
    void numbersSortAsNumbers();
    void missingValuesSortLowest();
    void liveRefreshKeepsRows();
    void newGroupResets();

private:
    UsageData byModel();
    int rowOf(const QString &name) const;
    QVariant cell(int row, Column column, int role = Qt::DisplayRole) const
    {
        return m_model->data(m_model->index(row, column), role);
    }

    std::unique_ptr<ModelsGateway> m_gateway;
    std::unique_ptr<UsageGroupsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

// gpt-4o-mini: 10 requests; gpt-4o: 9. As text "10" sorts before "9"; as numbers after.
void TestUsageGroupsModel::init()
{
    m_gateway = std::make_unique<ModelsGateway>();
    QString error;
    QVERIFY2(m_gateway->start(&error), qPrintable(error));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 10));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o"_s, 9));
    QVERIFY(m_gateway->waitForRecords(19));
    m_model = std::make_unique<UsageGroupsModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestUsageGroupsModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_gateway.reset();
}

UsageData TestUsageGroupsModel::byModel()
{
    UsageQuery query = UsageQuery::last(UsageQuery::Preset::Last24Hours);
    query.setGroupBy(UsageQuery::GroupBy::Model);
    const auto result = awaitUsage(m_gateway->client(), query);
    if (!result || !result->ok()) {
        qWarning() << "usage failed:" << (result ? result->error.message : u"no answer"_s);
        return {};
    }
    return *result->value;
}

int TestUsageGroupsModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (cell(row, Column::Name).toString() == name)
            return row;
    }
    return -1;
}

void TestUsageGroupsModel::oneRowPerGroup()
{
    const UsageData report = byModel();
    m_model->setReport(report);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->columnCount(), int(Column::ColumnCount));
    QCOMPARE(
        m_model->headerData(Column::OutputTokensPerSecond, Qt::Horizontal).toString(), u"Output speed"_s);
    QCOMPARE(
        m_model->headerData(Column::Cost, Qt::Horizontal, UsageGroupsModel::UnitRole).toString(), u"USD"_s);
    // gpt-4o costs more per token: first, as the report orders groups.
    QCOMPARE(cell(0, Column::Name).toString(), u"gpt-4o"_s);
    const int mini = rowOf(u"gpt-4o-mini"_s);
    QVERIFY(mini >= 0);
    QCOMPARE(cell(mini, Column::Cost, UsageGroupsModel::GroupKeyRole).toString(), u"gpt-4o-mini"_s);
    QCOMPARE(cell(mini, Column::Requests, UsageGroupsModel::ValueRole).toDouble(), 10.0);
    QCOMPARE(cell(mini, Column::Requests).toString(), u"10"_s);
    QCOMPARE(cell(mini, Column::Errors, UsageGroupsModel::ValueRole).toDouble(), 0.0);
    QCOMPARE(cell(mini, Column::ErrorRate).toString(), u"0%"_s);
    QVERIFY(cell(mini, Column::Cost).toString().startsWith(u'$'));
    QVERIFY(cell(mini, Column::InputTokens, UsageGroupsModel::ValueRole).toDouble() > 0);
    QVERIFY(cell(mini, Column::DurationP50, UsageGroupsModel::ValueRole).isValid());
    QCOMPARE(cell(mini, Column::DurationP50, UsageGroupsModel::UnitRole).toString(), u"ms"_s);

    // Output speed: completion tokens over the time the requests took (average duration × requests).
    const UsageData::Totals &totals
        = std::find_if(report.groups.cbegin(), report.groups.cend(), [](const auto &g) {
              return g.key == "gpt-4o-mini"_L1;
          })->totals;
    if (totals.duration.avg && *totals.duration.avg > 0) {
        const double expected = double(totals.completionTokens) / (*totals.duration.avg * 10 / 1000.0);
        QCOMPARE(cell(mini, Column::OutputTokensPerSecond, UsageGroupsModel::ValueRole).toDouble(), expected);
        QVERIFY(cell(mini, Column::OutputTokensPerSecond).toString().endsWith(u"tokens/s"_s));
    }
}

void TestUsageGroupsModel::numbersSortAsNumbers()
{
    m_model->setReport(byModel());
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(m_model.get());
    proxy.setSortRole(UsageGroupsModel::SortRole);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    proxy.sort(Column::Requests, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, Column::Name).data().toString(), u"gpt-4o"_s); // 9 before 10
    QCOMPARE(proxy.index(1, Column::Name).data().toString(), u"gpt-4o-mini"_s);
    proxy.sort(Column::Requests, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, Column::Requests).data().toString(), u"10"_s);

    // Without the sort role the display text would have sorted "10" first: the test can tell the two apart.
    QSortFilterProxyModel byText;
    byText.setSourceModel(m_model.get());
    byText.sort(Column::Requests, Qt::AscendingOrder);
    QCOMPARE(byText.index(0, Column::Requests).data().toString(), u"10"_s);

    proxy.sort(Column::Name, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, Column::Name).data().toString(), u"gpt-4o"_s);
}

void TestUsageGroupsModel::missingValuesSortLowest()
{
    // A group whose requests never streamed has no time to first token: built by hand, since the fake
    // upstream always gives one. It sorts below every measured value, whichever the direction.
    UsageData report = byModel();
    UsageData::Group batch;
    batch.key = u"batch-model"_s;
    batch.totals.requests = 3;
    batch.totals.duration.p50 = 900;
    report.groups.append(batch);
    m_model->setReport(report);
    QCOMPARE(m_model->rowCount(), 3);
    const int unmeasured = rowOf(u"batch-model"_s);
    QVERIFY(unmeasured >= 0);
    QVERIFY(!cell(unmeasured, Column::TtftP50, UsageGroupsModel::ValueRole).isValid());
    QCOMPARE(cell(unmeasured, Column::TtftP50).toString(), u"\u2013"_s);

    QSortFilterProxyModel proxy;
    proxy.setSourceModel(m_model.get());
    proxy.setSortRole(UsageGroupsModel::SortRole);
    proxy.sort(Column::TtftP50, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, Column::Name).data().toString(), u"batch-model"_s);
    proxy.sort(Column::TtftP50, Qt::DescendingOrder);
    QCOMPARE(proxy.index(2, Column::Name).data().toString(), u"batch-model"_s);
}

void TestUsageGroupsModel::liveRefreshKeepsRows()
{
    m_model->setReport(byModel());
    const int mini = rowOf(u"gpt-4o-mini"_s);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 2));
    QVERIFY(m_gateway->waitForRecords(21));
    m_model->setReport(byModel());
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(rowOf(u"gpt-4o-mini"_s), mini); // the row stays where the user saw it
    QCOMPARE(cell(mini, Column::Requests, UsageGroupsModel::ValueRole).toDouble(), 12.0);
}

void TestUsageGroupsModel::newGroupResets()
{
    m_model->setReport(byModel());
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QVERIFY(m_gateway->chat(u"openai/fake-error-400"_s));
    QVERIFY(m_gateway->waitForRecords(20));
    m_model->setReport(byModel());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->rowCount(), 3);
    m_model->clear();
    QCOMPARE(reset.size(), 2);
    QCOMPARE(m_model->rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestUsageGroupsModel)
#include "tst_usagegroupsmodel.moc"
