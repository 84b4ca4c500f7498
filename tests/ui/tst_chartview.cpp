// ChartView over a usage series model: series and points equal the model, live updates replace points in
// place, hover and keyboard read exact values, a drag selects a range, PNG and CSV exports, the empty
// state, and colours that follow the palette. GATEWAY_UI_SHOTS=dir also saves light and dark pictures.
#include "charts/chartexport.h"
#include "charts/chartscales.h"
#include "charts/chartview.h"
#include "darkpalette.h"
#include "theme/icons.h"
#include "theme/theme.h"
#include "usagefixture.h"
#include "usageseriesmodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStyle>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QXYSeries>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);

// A plain table shaped like UsageSeriesModel, for what is not specific to it.
QStandardItemModel *plainModel(QObject *parent, int rows)
{
    auto *model = new QStandardItemModel(rows, 3, parent);
    model->setHorizontalHeaderLabels({ u"Start"_s, u"Duration p50"_s, u"Duration p95"_s });
    for (int column = 1; column < 3; ++column)
        model->setHeaderData(column, Qt::Horizontal, u"ms"_s, ChartData::kUnitRole);
    for (int row = 0; row < rows; ++row) {
        auto *start = new QStandardItem;
        start->setData(kStart.addSecs(3600LL * row), ChartData::kBucketStartRole);
        model->setItem(row, 0, start);
        for (int column = 1; column < 3; ++column) {
            auto *item = new QStandardItem;
            item->setData(100.0 * column + row, ChartData::kValueRole);
            item->setData(u"ms"_s, ChartData::kUnitRole);
            model->setItem(row, column, item);
        }
    }
    return model;
}

} // namespace

class TestChartView final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
        QApplication::setPalette(QApplication::style()->standardPalette());
    }

    void seriesAndPointsEqualTheModel()
    {
        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model);
        model.setMetric(UsageSeriesModel::Metric::Latency);
        model.setReport(UsageFixture::report(kStart, 24));
        ChartView view;
        view.setModel(&model);
        QCOMPARE(view.effectiveStyle(), ChartStyle::Lines);
        QCOMPARE(view.drawnSeriesCount(), model.columnCount() - 1);
        for (int s = 0; s < view.drawnSeriesCount(); ++s) {
            const QList<QPointF> points = view.drawnPoints(s);
            QCOMPARE(points.size(), model.rowCount());
            for (int row = 0; row < model.rowCount(); ++row) {
                const QDateTime start
                    = model.index(row, 0).data(UsageSeriesModel::BucketStartRole).toDateTime();
                QCOMPARE(points[row].x(), double(start.addSecs(1800).toMSecsSinceEpoch()));
                QCOMPARE(
                    points[row].y(), model.index(row, s + 1).data(UsageSeriesModel::ValueRole).toDouble());
            }
            QCOMPARE(view.drawnSeries(s)->name(), model.headerData(s + 1, Qt::Horizontal).toString());
        }
        QVERIFY(!view.isEmptyStateShown());
        QCOMPARE(view.plot().valueAxis()->titleText(), u"Latency"_s);
    }

    void stackedTokensAddUp()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Tokens);
        const UsageData report = UsageFixture::report(kStart, 12);
        model.setReport(report);
        ChartView view;
        view.setModel(&model);
        QCOMPARE(view.effectiveStyle(), ChartStyle::StackedAreas);
        QCOMPARE(view.drawnSeriesCount(), 3);
        // The top of the stack is every token of the bucket; areas carry an extra point at each end.
        const QList<QPointF> top = view.drawnPoints(2);
        QCOMPARE(top.size(), report.series.size() + 2);
        for (int i = 0; i < report.series.size(); ++i)
            QCOMPARE(qint64(top[i + 1].y()),
                report.series[i].totals.promptTokens + report.series[i].totals.completionTokens);
    }

    void anotherRangeGetsItsOwnTicks()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Tokens);
        model.setReport(UsageFixture::report(kStart, 8, u"day"_s));
        ChartView view;
        view.setUtc(true);
        view.resize(1100, 400);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.plot().timeAxis()->categoriesLabels().contains(u"Mar 3"_s));
        // Narrowed to three days: the axis spans those days, labelled within them.
        model.setReport(UsageFixture::report(kStart.addDays(2), 3, u"day"_s));
        QCategoryAxis *axis = view.plot().timeAxis();
        QCOMPARE(axis->min(), double(kStart.addDays(2).toMSecsSinceEpoch()));
        QCOMPARE(axis->max(), double(kStart.addDays(5).toMSecsSinceEpoch()));
        const QStringList labels = axis->categoriesLabels();
        QVERIFY2(!labels.contains(u"Mar 3"_s) || axis->endValue(u"Mar 3"_s) >= axis->min(),
            qPrintable(labels.join(u", "_s)));
        for (const QString &label : labels)
            QVERIFY2(axis->endValue(label) >= axis->min() && axis->endValue(label) <= axis->max(),
                qPrintable(label));
        if (!qEnvironmentVariableIsEmpty("GATEWAY_UI_SHOTS"))
            view.savePng(qEnvironmentVariable("GATEWAY_UI_SHOTS") + u"/chart-narrowed.png"_s);
    }

    void errorsDrawTheRateOnASecondAxis()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Errors);
        model.setReport(UsageFixture::report(kStart, 12));
        ChartView view;
        view.setModel(&model);
        QCOMPARE(view.effectiveStyle(), ChartStyle::Bars);
        QVERIFY(view.plot().secondaryAxis());
        QCOMPARE(view.plot().secondaryAxis()->titleText(), u"Percent"_s);
        QCOMPARE(view.plot().valueAxis()->titleText(), u"Requests"_s);
    }

    void dataChangedReplacesPointsInPlace()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Requests);
        model.setReport(UsageFixture::report(kStart, 24));
        ChartView view;
        view.resize(800, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setModel(&model);
        QList<QAbstractSeries *> before;
        for (int i = 0; i < view.drawnSeriesCount(); ++i)
            before.append(view.drawnSeries(i));
        view.setHoveredBucket(5);

        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setReport(UsageFixture::report(kStart, 24, u"hour"_s, {}, 3.0));
        QCOMPARE(reset.size(), 0);
        QVERIFY(changed.size() > 0);

        for (int i = 0; i < view.drawnSeriesCount(); ++i)
            QCOMPARE(view.drawnSeries(i), before[i]);
        QCOMPARE(view.hoveredBucket(), 5);
        const double requests = model.index(5, 1).data(UsageSeriesModel::ValueRole).toDouble();
        // Bars: four corners per bucket, the top two at the value.
        QCOMPARE(view.drawnPoints(0)[5 * 4 + 1].y(), requests);
        QVERIFY(view.hoverText().contains(Formatting::count(requests)));
    }

    void plainModelUpdatesOneCell()
    {
        QStandardItemModel *model = plainModel(this, 6);
        ChartView view;
        view.setModel(model);
        QCOMPARE(view.drawnSeriesCount(), 2);
        QAbstractSeries *first = view.drawnSeries(0);
        model->item(3, 1)->setData(999.0, ChartData::kValueRole);
        QCOMPARE(view.drawnSeries(0), first);
        QCOMPARE(view.drawnPoints(0)[3].y(), 999.0);
        delete model;
        QCOMPARE(view.drawnSeriesCount(), 0);
        QVERIFY(view.isEmptyStateShown());
    }

    void hoverShowsExactValues()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Latency);
        model.setReport(UsageFixture::report(kStart, 24));
        ChartView view;
        view.setUtc(true);
        view.resize(900, 420);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        const QPoint at = view.bucketPosition(7);
        QTest::mouseMove(view.viewport(), at);
        QTRY_COMPARE(view.hoveredBucket(), 7);
        const QString text = view.hoverText();
        // The bucket's range and every series with its unit.
        QVERIFY2(text.startsWith(u"Mar 2, 07:00 – 08:00 UTC"_s), qPrintable(text));
        for (int column = 1; column < model.columnCount(); ++column) {
            const QString name = model.headerData(column, Qt::Horizontal).toString();
            const QString value = model.index(7, column).data().toString();
            QVERIFY2(
                text.contains(name + u' ' + value), qPrintable(text + u" lacks "_s + name + u' ' + value));
        }
        QVERIFY(text.contains(u" ms"_s));
        // Nudged a few pixels within the bucket: still the same bucket (nearest, not exact hits on a line).
        QTest::mouseMove(view.viewport(), at + QPoint(5, 30));
        QCOMPARE(view.hoveredBucket(), 7);
    }

    void dragSelectsARange()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Requests);
        model.setReport(UsageFixture::report(kStart, 24));
        ChartView view;
        view.resize(900, 420);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy selected(&view, &ChartView::rangeSelected);

        QTest::mousePress(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(3));
        QTest::mouseMove(view.viewport(), view.bucketPosition(5));
        QTest::mouseMove(view.viewport(), view.bucketPosition(8));
        QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(8));
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected[0][0].toDateTime(), kStart.addSecs(3 * 3600));
        QCOMPARE(selected[0][1].toDateTime(), kStart.addSecs(9 * 3600));

        // Right to left gives the same range.
        QTest::mousePress(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(8));
        QTest::mouseMove(view.viewport(), view.bucketPosition(3));
        QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(3));
        QCOMPARE(selected.size(), 2);
        QCOMPARE(selected[1][0].toDateTime(), kStart.addSecs(3 * 3600));

        // A click is no range; Esc during a drag cancels it.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(4));
        QTest::mousePress(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(2));
        QTest::mouseMove(view.viewport(), view.bucketPosition(6));
        QTest::keyClick(&view, Qt::Key_Escape);
        QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, view.bucketPosition(6));
        QCOMPARE(selected.size(), 2);
    }

    void keyboardMovesTheCrosshair()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Cost);
        model.setReport(UsageFixture::report(kStart, 10));
        ChartView view;
        view.setTitle(u"Cost over time"_s);
        view.resize(800, 400);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.accessibleName(), u"Cost over time chart"_s);
        QCOMPARE(view.focusPolicy(), Qt::StrongFocus);
        view.setFocus();
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.hoveredBucket(), 0);
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.hoveredBucket(), 1);
        QTest::keyClick(&view, Qt::Key_End);
        QCOMPARE(view.hoveredBucket(), 9);
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.hoveredBucket(), 9);
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.hoveredBucket(), 8);
        QCOMPARE(view.accessibleDescription(), view.hoverText());
        QVERIFY(view.accessibleDescription().contains(model.index(8, 1).data().toString()));
    }

    void pngAndCsvAreWritten()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Latency);
        const UsageData report = UsageFixture::report(kStart, 24);
        model.setReport(report);
        ChartView view;
        view.resize(700, 360);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTemporaryDir dir;

        QString error;
        const QString png = dir.filePath(u"chart.png"_s);
        QVERIFY2(view.savePng(png, &error), qPrintable(error));
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), view.size() * view.devicePixelRatio());

        const QString csv = dir.filePath(u"chart.csv"_s);
        QVERIFY2(view.saveCsv(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), report.series.size() + 1);
        QCOMPARE(lines[0],
            u"start (UTC),end (UTC),Duration p50 (ms),Duration p95 (ms),Duration p99 (ms),"
            "First token p50 (ms),First token p95 (ms),First token p99 (ms)"_s);
        const QStringList row = lines[4].split(u',');
        QCOMPARE(row[0], u"2026-03-02T03:00:00Z"_s);
        QCOMPARE(row[1], u"2026-03-02T04:00:00Z"_s);
        QCOMPARE(row[2].toDouble(), *report.series[3].totals.duration.p50);
        QCOMPARE(row[6].toDouble(), *report.series[3].totals.ttft.p95);

        QVERIFY(!view.saveCsv(u"/nonexistent/dir/x.csv"_s, &error));
        QVERIFY(error.contains(u"/nonexistent/dir/x.csv"_s));
    }

    void emptyRangeSaysSo()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Requests);
        model.setReport(UsageFixture::report(kStart, 24, u"hour"_s, {}, 0.0));
        ChartView view;
        view.resize(600, 300);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.isEmptyStateShown());
        QCOMPARE(view.drawnSeriesCount(), 0);
        for (QAbstractAxis *axis : view.chart()->axes())
            QVERIFY(!axis->isVisible()); // no empty axes
        auto *label = view.findChild<QLabel *>(u"chartEmptyState"_s);
        QVERIFY(label && label->isVisible());
        QCOMPARE(label->text(), u"No requests in this range"_s);
        QCOMPARE(view.accessibleDescription(), u"No requests in this range."_s);

        // Requests without a single error: the Errors chart shows 0 and 0 %, it is not "no requests".
        UsageData clean = UsageFixture::report(kStart, 24);
        for (auto &point : clean.series)
            point.totals.errors = 0;
        UsageSeriesModel errors;
        errors.setMetric(UsageSeriesModel::Metric::Errors);
        errors.setReport(clean);
        ChartView errorView;
        errorView.setModel(&errors);
        QVERIFY(!errorView.isEmptyStateShown());

        // Requests arrive (a live update of the same buckets): the chart appears.
        model.setReport(UsageFixture::report(kStart, 24));
        QVERIFY(!view.isEmptyStateShown());
        QVERIFY(view.drawnSeriesCount() > 0);
        model.clear();
        QVERIFY(view.isEmptyStateShown());
    }

    void colorsFollowThePalette()
    {
        UsageSeriesModel model;
        model.setMetric(UsageSeriesModel::Metric::Requests);
        model.setReport(UsageFixture::report(kStart, 24));
        ChartView view;
        view.setModel(&model);
        view.show();
        const QColor lightBackground = view.chart()->backgroundBrush().color();
        const QColor lightLabels = view.plot().valueAxis()->labelsBrush().color();
        QVERIFY(!Theme::isDark(QApplication::palette()));

        Theme theme;
        QSignalSpy themeChanged(&theme, &Theme::changed);
        QApplication::setPalette(darkPalette());
        QVERIFY(Theme::isDark(QApplication::palette()));
        QTRY_COMPARE(themeChanged.size(), 1);
        QCOMPARE(view.chart()->backgroundBrush().color(), darkPalette().color(QPalette::Window));
        QVERIFY(view.chart()->backgroundBrush().color() != lightBackground);
        const QColor darkLabels = view.plot().valueAxis()->labelsBrush().color();
        QVERIFY(darkLabels != lightLabels);
        QVERIFY(darkLabels.lightnessF() > 0.6);
        QCOMPARE(view.chart()->legend()->labelColor(), darkPalette().color(QPalette::WindowText));
        QVERIFY(Theme::contrast(darkLabels, Theme::chartColors(darkPalette()).background) >= 4.5);
    }

    void seriesColoursAreReadableOnBothSchemes()
    {
        for (const QPalette &palette :
            QList<QPalette> { QApplication::style()->standardPalette(), darkPalette() }) {
            const Theme::ChartColors c = Theme::chartColors(palette);
            const QList<QColor> colors = Theme::seriesPalette(palette);
            QVERIFY(colors.size() >= 8);
            for (const QColor &color : colors)
                QVERIFY2(Theme::contrast(color, c.plotArea) >= 3.0, qPrintable(color.name()));
            QVERIFY(Theme::contrast(c.axisLabel, c.background) >= 4.5);
            QVERIFY(Theme::contrast(Theme::semantic(palette).error, palette.color(QPalette::Window)) >= 4.5);
        }
    }

    void scalesHaveRoundTicks()
    {
        const auto tokens = ChartScales::valueScale(0, 1234567, 5, Formatting::Unit::Tokens);
        QCOMPARE(tokens.min, 0.0);
        QCOMPARE(tokens.max, 1250000.0);
        QCOMPARE(tokens.ticks.size(), 6); // 0, 250k, … 1.25M
        const auto percent = ChartScales::valueScale(0, 97, 5, Formatting::Unit::Percent);
        QCOMPARE(percent.max, 100.0);
        // Durations on round times in one unit, not "50.0 s, 1.7 min, 2.5 min".
        const auto minutes = ChartScales::valueScale(0, 205'000, 5, Formatting::Unit::Milliseconds);
        QStringList labels;
        for (const auto &tick : minutes.ticks)
            labels.append(tick.label);
        QCOMPARE(labels, (QStringList { u"0"_s, u"1 min"_s, u"2 min"_s, u"3 min"_s, u"4 min"_s }));
        const auto seconds = ChartScales::valueScale(0, 4'200, 5, Formatting::Unit::Milliseconds);
        QCOMPARE(seconds.ticks.at(1).label, u"1 s"_s);
        QCOMPARE(seconds.max, 5'000.0);
        const auto requests = ChartScales::valueScale(0, 3, 6, Formatting::Unit::Count);
        for (const auto &tick : requests.ticks)
            QCOMPARE(tick.value, std::round(tick.value)); // no "1.5 requests"

        const auto day = ChartScales::timeScale(
            kStart.addSecs(600).toMSecsSinceEpoch(), kStart.addDays(1).toMSecsSinceEpoch(), 8, true);
        QCOMPARE(day.ticks.first().label, u"03:00"_s);
        QCOMPARE(day.ticks.last().label, u"Mar 3"_s);
        for (const auto &tick : day.ticks)
            QCOMPARE(qint64(tick.value) % (3 * 3600 * 1000), 0);
        const auto month = ChartScales::timeScale(
            kStart.toMSecsSinceEpoch(), kStart.addDays(30).toMSecsSinceEpoch(), 8, true);
        for (const auto &tick : month.ticks)
            QCOMPARE(
                QDateTime::fromMSecsSinceEpoch(qint64(tick.value), Qt::UTC).date().dayOfWeek(), 1); // Mondays
    }

    void iconsAreDrawnAtAnyScale()
    {
        for (const QString &name : { u"dashboard"_s, u"usage"_s, u"refresh"_s, u"back"_s, u"save"_s,
                 u"copy"_s, u"play"_s, u"pause"_s, u"stop"_s }) {
            const QIcon icon = Icons::icon(name);
            QVERIFY2(!icon.isNull(), qPrintable(name));
            const QImage image = icon.pixmap(QSize(24, 24), 2.0).toImage();
            QCOMPARE(image.size(), QSize(48, 48));
            QCOMPARE(icon.pixmap(QSize(24, 24), 1.0).size(), QSize(24, 24));
            int inked = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    inked += qAlpha(image.pixel(x, y)) > 128;
            QVERIFY2(inked > 60, qPrintable(name));
        }
        QTest::ignoreMessage(QtWarningMsg, "no icon named \"nope\"");
        QVERIFY(Icons::icon(u"nope"_s).isNull());
    }

    // Not a check: pictures to look at (GATEWAY_UI_SHOTS=/tmp/shots).
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("GATEWAY_UI_SHOTS");
        if (dir.isEmpty())
            QSKIP("set GATEWAY_UI_SHOTS to a directory to save pictures");
        using Metric = UsageSeriesModel::Metric;
        const QStringList models { u"gpt-4o-mini"_s, u"claude-3-5-sonnet"_s, u"gemini-1.5-flash"_s,
            u"llama3.1:8b"_s };
        struct Shot
        {
            Metric metric;
            bool grouped;
            int buckets;
            QString bucket;
        };
        const QList<Shot> shots { { Metric::Requests, false, 24, u"hour"_s },
            { Metric::Requests, true, 30, u"day"_s }, { Metric::Tokens, false, 48, u"hour"_s },
            { Metric::Cost, true, 30, u"day"_s }, { Metric::Latency, false, 24, u"hour"_s },
            { Metric::Errors, false, 7, u"day"_s }, { Metric::Cache, false, 24, u"hour"_s },
            { Metric::Latency, true, 24, u"hour"_s } };
        for (const bool dark : { false, true }) {
            QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
            for (const Shot &shot : shots) {
                UsageSeriesModel model;
                model.setMetric(shot.metric);
                model.setReport(UsageFixture::report(
                    kStart, shot.buckets, shot.bucket, shot.grouped ? models : QStringList()));
                ChartView view;
                view.setUtc(true);
                view.resize(860, 400);
                view.setModel(&model);
                view.show();
                QVERIFY(QTest::qWaitForWindowExposed(&view));
                view.setHoveredBucket(shot.buckets / 2);
                const QString name = u"%1/chart-%2%3-%4.png"_s.arg(dir,
                    QString::fromLatin1(QMetaEnum::fromType<Metric>().valueToKey(int(shot.metric))),
                    shot.grouped ? u"-grouped"_s : QString(), dark ? u"dark"_s : u"light"_s);
                QVERIFY(view.grab().save(name));
            }
            // The icons at 16, 24 and 48 px, each at the screen's ratio and at 2×.
            QImage sheet(QSize(9 * 56, 3 * 56) * 2, QImage::Format_ARGB32_Premultiplied);
            sheet.setDevicePixelRatio(2);
            sheet.fill(QApplication::palette().color(QPalette::Window));
            {
                QPainter painter(&sheet);
                const QStringList names = Icons::names();
                for (int i = 0; i < names.size(); ++i) {
                    const QIcon icon = Icons::icon(names[i]);
                    for (int row = 0; row < 3; ++row) {
                        const int side = row == 0 ? 16 : row == 1 ? 24 : 48;
                        painter.drawPixmap(
                            QPoint(i * 56 + 4, row * 56 + 4), icon.pixmap(QSize(side, side), 2.0));
                    }
                }
            }
            QVERIFY(sheet.save(u"%1/icons-%2.png"_s.arg(dir, dark ? u"dark"_s : u"light"_s)));
            UsageSeriesModel empty;
            ChartView view;
            view.resize(860, 400);
            view.setModel(&empty);
            view.show();
            QVERIFY(view.grab().save(u"%1/chart-empty-%2.png"_s.arg(dir, dark ? u"dark"_s : u"light"_s)));
        }
    }
};

QTEST_MAIN(TestChartView)
#include "tst_chartview.moc"
