// UsageSeriesModel over real usage reports: records put at chosen times by a test clock, read back through
// /api/v1/usage, shown per metric; live refreshes keep the view's place, new queries reset it.
#include "modelstestkit.h"
#include "testclock.h"
#include "usageseriesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Qt::StringLiterals;
using Metric = UsageSeriesModel::Metric;

namespace {

const QDateTime kDay(QDate(2026, 11, 30), QTime(0, 0), Qt::UTC);
QDateTime at(int hour, int minute = 0)
{
    return kDay.addSecs(hour * 3600 + minute * 60);
}

} // namespace

class TestUsageSeriesModel final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void requests();
    void tokensAddUpToAllTokens();
    void latencyHasGapsWhereNothingWasMeasured();
    void errorRate();
    void cache();
    void costStackedByModel();
    void topEightGroupsAndOther();
    void theGroupsKeptAreThoseThatWeighMostInTheMetric();
    void liveRefreshChangesDataOnly();
    void movedWindowRemovesAndInsertsRows();
    void newQueryOrMetricResets();
    void clear();

private:
    UsageData fetch(const UsageQuery &query);
    UsageQuery morning(UsageQuery::GroupBy groupBy = UsageQuery::GroupBy::None) const;
    QVariant value(int row, int column, int role = UsageSeriesModel::ValueRole) const
    {
        return m_model->data(m_model->index(row, column), role);
    }

    std::unique_ptr<TestClock> m_clock;
    std::unique_ptr<ModelsGateway> m_gateway;
    std::unique_ptr<UsageSeriesModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

// 10:05 three requests for gpt-4o-mini; 11:10 one for gpt-4o and one the upstream refuses (400).
void TestUsageSeriesModel::init()
{
    m_clock = std::make_unique<TestClock>(at(10, 5));
    m_gateway = std::make_unique<ModelsGateway>();
    ProxyHarness::Options options;
    options.clock = m_clock.get();
    QString error;
    QVERIFY2(m_gateway->start(options, &error), qPrintable(error));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 3));
    m_clock->setNow(at(11, 10));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o"_s));
    QVERIFY(m_gateway->chat(u"openai/fake-error-400"_s));
    QVERIFY(m_gateway->waitForRecords(5));
    m_model = std::make_unique<UsageSeriesModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestUsageSeriesModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_gateway.reset(); // before the clock it reads
    m_clock.reset();
}

UsageData TestUsageSeriesModel::fetch(const UsageQuery &query)
{
    const auto result = awaitUsage(m_gateway->client(), query);
    if (!result || !result->ok()) {
        qWarning() << "usage failed:" << (result ? result->error.message : u"no answer"_s);
        return {};
    }
    return *result->value;
}

// 09:00 to 13:00 in hours: four rows, the records in the second and third.
UsageQuery TestUsageSeriesModel::morning(UsageQuery::GroupBy groupBy) const
{
    UsageQuery query = UsageQuery::between(at(9), at(13));
    query.setBucket(UsageQuery::Bucket::Hour);
    query.setGroupBy(groupBy);
    return query;
}

void TestUsageSeriesModel::requests()
{
    m_model->setReport(fetch(morning()));
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->columnCount(), 3);
    QCOMPARE(m_model->headerData(1, Qt::Horizontal).toString(), u"Requests"_s);
    QCOMPARE(m_model->headerData(2, Qt::Horizontal).toString(), u"Errors"_s);
    QCOMPARE(m_model->headerData(1, Qt::Horizontal, UsageSeriesModel::UnitRole).toString(), u"requests"_s);
    QVERIFY(!m_model->stacked());

    QCOMPARE(value(1, 0, UsageSeriesModel::BucketStartRole).toDateTime(), at(10));
    QCOMPARE(value(1, 0, UsageSeriesModel::BucketStartRole).toDateTime().timeSpec(), Qt::UTC);
    QCOMPARE(value(1, 0, Qt::DisplayRole).toString(), u"Nov 30, 10:00"_s);
    QCOMPARE(value(0, 1).toDouble(), 0.0); // an empty bucket is zero requests, not a gap
    QCOMPARE(value(1, 1).toDouble(), 3.0);
    QCOMPARE(value(1, 2).toDouble(), 0.0);
    QCOMPARE(value(2, 1).toDouble(), 2.0);
    QCOMPARE(value(2, 2).toDouble(), 1.0);
    QCOMPARE(value(2, 1, Qt::DisplayRole).toString(), u"2"_s);
    QCOMPARE(value(2, 1, UsageSeriesModel::UnitRole).toString(), u"requests"_s);
    QCOMPARE(value(2, 2, UsageSeriesModel::BucketStartRole).toDateTime(), at(11));
}

void TestUsageSeriesModel::tokensAddUpToAllTokens()
{
    m_model->setMetric(Metric::Tokens);
    const UsageData report = fetch(morning());
    m_model->setReport(report);
    QVERIFY(m_model->stacked());
    QCOMPARE(m_model->columnCount(), 4);
    QCOMPARE(m_model->headerData(3, Qt::Horizontal).toString(), u"Output"_s);
    QCOMPARE(m_model->unit(1), Formatting::Unit::Tokens);
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const UsageData::Totals &totals = report.series.at(row).totals;
        const double stack = value(row, 1).toDouble() + value(row, 2).toDouble() + value(row, 3).toDouble();
        QCOMPARE(stack, double(totals.promptTokens + totals.completionTokens));
        QCOMPARE(value(row, 3).toDouble(), double(totals.completionTokens));
    }
    QVERIFY(value(1, 3).toDouble() > 0);
}

void TestUsageSeriesModel::latencyHasGapsWhereNothingWasMeasured()
{
    m_model->setMetric(Metric::Latency);
    m_model->setReport(fetch(morning()));
    QVERIFY(!m_model->stacked());
    QCOMPARE(m_model->columnCount(), 7);
    QCOMPARE(m_model->headerData(2, Qt::Horizontal).toString(), u"Duration p95"_s);
    QCOMPARE(m_model->headerData(2, Qt::Horizontal, UsageSeriesModel::UnitRole).toString(), u"ms"_s);
    // No request at 09:00: a gap in the line, "–" in a table, never "0 ms".
    QVERIFY(!value(0, 1).isValid());
    QCOMPARE(value(0, 1, Qt::DisplayRole).toString(), u"\u2013"_s);
    const double p50 = value(1, 1).toDouble();
    const double p95 = value(1, 2).toDouble();
    const double p99 = value(1, 3).toDouble();
    QVERIFY(value(1, 1).isValid());
    QVERIFY(p50 >= 0 && p50 <= p95 && p95 <= p99);
    QVERIFY(value(1, 1, Qt::DisplayRole).toString().endsWith(u" ms"_s)
        || value(1, 1, Qt::DisplayRole).toString().endsWith(u" s"_s));
}

void TestUsageSeriesModel::errorRate()
{
    m_model->setMetric(Metric::Errors);
    m_model->setReport(fetch(morning()));
    QCOMPARE(m_model->headerData(2, Qt::Horizontal).toString(), u"Error rate"_s);
    QCOMPARE(value(2, 1).toDouble(), 1.0);
    QCOMPARE(value(2, 2).toDouble(), 50.0);
    QCOMPARE(value(2, 2, Qt::DisplayRole).toString(), u"50%"_s);
    QCOMPARE(value(2, 2, UsageSeriesModel::UnitRole).toString(), u"%"_s);
    QCOMPARE(value(1, 2).toDouble(), 0.0);
    QVERIFY(!value(0, 2).isValid()); // no requests: no rate
}

void TestUsageSeriesModel::cache()
{
    m_model->setMetric(Metric::Cache);
    const UsageData report = fetch(morning());
    m_model->setReport(report);
    QCOMPARE(m_model->columnCount(), 4);
    QCOMPARE(value(1, 1).toDouble(), double(report.series.at(1).totals.cacheHits));
    QCOMPARE(value(1, 2).toDouble(), 100.0 * double(report.series.at(1).totals.cacheHits) / 3.0);
    QCOMPARE(value(1, 3).toDouble(), double(report.series.at(1).totals.cachedTokens));
}

void TestUsageSeriesModel::costStackedByModel()
{
    m_model->setMetric(Metric::Cost);
    m_model->setReport(fetch(morning()));
    QCOMPARE(m_model->columnCount(), 2);
    QCOMPARE(m_model->headerData(1, Qt::Horizontal).toString(), u"Cost"_s);
    QVERIFY(value(1, 1).toDouble() > 0);
    QVERIFY(value(1, 1, Qt::DisplayRole).toString().startsWith(u'$'));

    const UsageData byModel = fetch(morning(UsageQuery::GroupBy::Model));
    m_model->setReport(byModel);
    QVERIFY(m_model->stacked());
    QCOMPARE(m_model->columnCount(), byModel.groups.size() + 1);
    QStringList names;
    for (int column = 1; column < m_model->columnCount(); ++column)
        names.append(m_model->headerData(column, Qt::Horizontal).toString());
    QVERIFY2(
        names.contains(u"gpt-4o"_s) && names.contains(u"gpt-4o-mini"_s), qPrintable(names.join(u", "_s)));
    // The most expensive first, and the stack is the whole cost of each hour.
    QVERIFY(byModel.groups.constFirst().totals.costUsd >= byModel.groups.constLast().totals.costUsd);
    QCOMPARE(names.constFirst(), byModel.groups.constFirst().label());
    for (int row = 0; row < m_model->rowCount(); ++row) {
        double stack = 0;
        for (int column = 1; column < m_model->columnCount(); ++column)
            stack += value(row, column).toDouble();
        QVERIFY(qAbs(stack - byModel.series.at(row).totals.costUsd) < 1e-9);
    }
}

void TestUsageSeriesModel::topEightGroupsAndOther()
{
    // Ten more keys with 1, 2, … 10 requests besides the harness's own key (the five of init(), gpt-4o among
    // them): eleven groups, of which the eight with the most requests keep a series on this requests chart
    // and the rest become "Other".
    m_clock->setNow(at(12, 0));
    for (int i = 1; i <= 10; ++i) {
        QByteArray key;
        qint64 id = 0;
        QString error;
        QVERIFY2(
            m_gateway->team().harness().createKey(u"key %1"_s.arg(i), &key, &id, &error), qPrintable(error));
        QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, i, key));
    }
    QVERIFY(m_gateway->waitForRecords(5 + 55));
    const UsageData report = fetch(morning(UsageQuery::GroupBy::Key));
    QCOMPARE(report.groups.size(), 11);
    m_model->setReport(report);
    QCOMPARE(m_model->columnCount(), 1 + UsageSeriesModel::kTopGroups + 1);
    QCOMPARE(m_model->headerData(m_model->columnCount() - 1, Qt::Horizontal).toString(), u"Other"_s);
    QVERIFY(m_model->stacked());
    double total = 0;
    double other = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        for (int column = 1; column < m_model->columnCount(); ++column)
            total += value(row, column).toDouble();
        other += value(row, m_model->columnCount() - 1).toDouble();
    }
    QCOMPARE(total, double(report.totals.requests)); // nothing lost
    // Other holds the requests of the groups outside the eight busiest (here keys 1, 2 and 3).
    double expectedOther = 0;
    QList<UsageData::Group> sorted = report.groups;
    std::stable_sort(sorted.begin(), sorted.end(),
        [](const auto &a, const auto &b) { return a.totals.requests > b.totals.requests; });
    for (qsizetype i = UsageSeriesModel::kTopGroups; i < sorted.size(); ++i)
        expectedOther += double(sorted.at(i).totals.requests);
    QCOMPARE(other, expectedOther);
    QCOMPARE(other, 6.0);
}

void TestUsageSeriesModel::theGroupsKeptAreThoseThatWeighMostInTheMetric()
{
    // Nine models in one hour: eight dear ones with few tokens, and a cheap one with the most tokens of all.
    UsageData report;
    report.from = at(10, 0);
    report.to = at(11, 0);
    report.bucket = u"hour"_s;
    report.groupBy = u"model"_s;
    const auto group = [&](const QString &model, qint64 tokens, double cost) {
        UsageData::Group g;
        g.key = model;
        g.totals.requests = 10;
        g.totals.totalTokens = tokens;
        g.totals.promptTokens = tokens;
        g.totals.costUsd = cost;
        g.series.append(UsageData::Point { report.from, g.totals });
        report.groups.append(g);
        report.totals.requests += 10;
    };
    for (int i = 1; i <= 8; ++i)
        group(u"dear-%1"_s.arg(i), 1000 * i, 10.0 * i);
    group(u"cheap"_s, 1'000'000, 0.5);
    report.series.append(UsageData::Point { report.from, report.totals });
    const auto columns = [this] {
        QStringList names;
        for (int column = 1; column < m_model->columnCount(); ++column)
            names.append(m_model->headerData(column, Qt::Horizontal).toString());
        return names;
    };

    m_model->setMetric(UsageSeriesModel::Metric::Tokens);
    m_model->setReport(report);
    QVERIFY2(
        columns().contains(u"cheap"_s), qPrintable(columns().join(u", "_s))); // the biggest user of tokens
    QVERIFY(!columns().contains(u"dear-1"_s)); // the fewest tokens: in Other

    m_model->setMetric(UsageSeriesModel::Metric::Cost);
    QVERIFY2(!columns().contains(u"cheap"_s), qPrintable(columns().join(u", "_s))); // the cheapest: in Other
    QVERIFY(columns().contains(u"dear-1"_s));
    QCOMPARE(columns().last(), u"Other"_s);
}

void TestUsageSeriesModel::liveRefreshChangesDataOnly()
{
    const UsageQuery query = morning();
    m_model->setReport(fetch(query));
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    m_clock->setNow(at(11, 20));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s));
    QVERIFY(m_gateway->waitForRecords(6));
    m_model->setReport(fetch(query));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(value(2, 1).toDouble(), 3.0);
    const auto topLeft = changed.constFirst().at(0).value<QModelIndex>();
    const auto bottomRight = changed.constFirst().at(1).value<QModelIndex>();
    QCOMPARE(topLeft.column(), 1);
    QCOMPARE(bottomRight.row(), m_model->rowCount() - 1);
    QCOMPARE(bottomRight.column(), m_model->columnCount() - 1);

    // The same answer again: nothing to repaint.
    m_model->setReport(fetch(query));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(reset.size(), 0);
}

void TestUsageSeriesModel::movedWindowRemovesAndInsertsRows()
{
    m_model->setReport(fetch(morning())); // 09:00 … 12:00
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    // An hour later, with one more request at 11:20: the range a preset follows moved by one bucket.
    m_clock->setNow(at(11, 20));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s));
    QVERIFY(m_gateway->waitForRecords(6));
    UsageQuery later = UsageQuery::between(at(10), at(14));
    later.setBucket(UsageQuery::Bucket::Hour);
    m_model->setReport(fetch(later));

    QCOMPARE(reset.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.constFirst().at(1).toInt(), 0); // first
    QCOMPARE(removed.constFirst().at(2).toInt(), 0); // last
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.constFirst().at(1).toInt(), 3);
    QCOMPARE(inserted.constFirst().at(2).toInt(), 3);
    QCOMPARE(changed.size(), 1); // 11:00 got its third request
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(value(0, 0, UsageSeriesModel::BucketStartRole).toDateTime(), at(10));
    QCOMPARE(value(0, 1).toDouble(), 3.0);
    QCOMPARE(value(1, 1).toDouble(), 3.0);
    QCOMPARE(value(3, 0, UsageSeriesModel::BucketStartRole).toDateTime(), at(13));
    QCOMPARE(value(3, 1).toDouble(), 0.0);
}

void TestUsageSeriesModel::newQueryOrMetricResets()
{
    m_model->setReport(fetch(morning()));
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    UsageQuery longer = UsageQuery::between(at(8), at(13));
    longer.setBucket(UsageQuery::Bucket::Hour);
    m_model->setReport(fetch(longer));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->rowCount(), 5);

    m_model->setMetric(Metric::Latency);
    QCOMPARE(reset.size(), 2);
    QCOMPARE(m_model->columnCount(), 7);
    m_model->setMetric(Metric::Latency); // unchanged: nothing happens
    QCOMPARE(reset.size(), 2);

    m_model->setReport(fetch(morning(UsageQuery::GroupBy::Provider)));
    QCOMPARE(reset.size(), 3);
    QCOMPARE(m_model->headerData(1, Qt::Horizontal).toString(), u"openai"_s);
    QCOMPARE(changed.size(), 0);
}

void TestUsageSeriesModel::clear()
{
    m_model->setReport(fetch(morning()));
    m_model->clear();
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->columnCount(), 1);
}

QTEST_GUILESS_MAIN(TestUsageSeriesModel)
#include "tst_usageseriesmodel.moc"
