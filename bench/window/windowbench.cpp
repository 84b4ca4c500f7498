// The window's figures, measured on the real window over a store of N records (bench/window.sh runs it):
//   open     window shown and first data painted (the Dashboard's cards, then all four charts);
//   change   a range change and a grouping change on the Usage page, answered and repainted;
//   stall    the longest gap of the GUI thread's event loop (a 5 ms timer) while `hey` sends a steady load
//            through the gateway hosted in this process, with the Dashboard live.
// Usage: bench_window --data-dir DIR [--load-seconds S --load-rate R --hey PATH]
// Prints one JSON object per figure on stdout. The gateway's upstream comes from the environment
// (OPENAI_BASE_URL, OPENAI_API_KEY), e.g. bench/mockupstream.
#include "apiclient.h"
#include "clock.h"
#include "dashboard/dashboardfeed.h"
#include "dashboard/dashboardpage.h"
#include "dashboardwindow.h"
#include "gateway.h"
#include "gatewayhost.h"
#include "mainwindow.h"
#include "usage/usagefeed.h"
#include "usage/usagepage.h"
#include "windowdriver.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

using namespace WindowDriver;

namespace {

void report(const QJsonObject &figure)
{
    std::printf("%s\n", QJsonDocument(figure).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

// The GUI thread's turns: a 5 ms timer, and the gaps between its ticks.
class TurnMeter final
{
public:
    TurnMeter()
    {
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (m_since.isValid()) {
                m_gaps.append(m_since.restart());
                if (m_gaps.constLast() > 20 && qEnvironmentVariableIsSet("BENCH_WINDOW_GAPS"))
                    qInfo("gap of %lld ms", m_gaps.constLast());
            } else
                m_since.start();
        });
        m_timer.start(5);
    }
    qint64 longest() const { return m_gaps.isEmpty() ? 0 : *std::max_element(m_gaps.begin(), m_gaps.end()); }
    qint64 percentile(double q) const
    {
        if (m_gaps.isEmpty())
            return 0;
        QList<qint64> sorted = m_gaps;
        std::sort(sorted.begin(), sorted.end());
        return sorted.at(qMin(sorted.size() - 1, qsizetype(q * double(sorted.size()))));
    }
    qsizetype ticks() const { return m_gaps.size(); }

private:
    QTimer m_timer;
    QElapsedTimer m_since;
    QList<qint64> m_gaps;
};

// Paints now, so that the figure includes putting the data on screen.
qint64 paintedAt(MainWindow &window, const QElapsedTimer &clock)
{
    window.repaint();
    return clock.elapsed();
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
        qputenv("QT_LOGGING_RULES", "gateway.*.debug=false");
    qputenv("QT_NO_THREADED_GLIB", "1"); // as main.cpp does for the window
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        { u"data-dir"_s, u"A store (bench_seed fills one)."_s, u"dir"_s },
        { u"load-seconds"_s, u"How long to send load for the stall figure (0: no load)."_s, u"s"_s, u"0"_s },
        { u"load-rate"_s, u"Requests per second of that load."_s, u"r"_s, u"1000"_s },
        { u"hey"_s, u"The hey load generator."_s, u"path"_s, u"hey"_s },
    });
    parser.process(app);
    QString error;
    auto config = GatewayConfig::load(
        parser.value(u"data-dir"_s), QString(), QProcessEnvironment::systemEnvironment(), &error);
    if (!config) {
        std::fprintf(stderr, "bench_window: %s\n", qPrintable(error));
        return 2;
    }
    config->port = 0;
    QTemporaryDir settingsDir; // a fresh window: no remembered page or range
    SystemClock clock;
    DashboardWindow dashboard(std::move(*config), clock, settingsDir.filePath(u"window.conf"_s));
    MainWindow &window = dashboard.window();
    window.resize(1280, 800);
    auto *dashboardPage = pageOf<DashboardPage>(window);
    auto *usagePage = pageOf<UsagePage>(window);
    if (!dashboardPage || !usagePage) {
        std::fprintf(stderr, "bench_window: the window has no Dashboard or Usage page\n");
        return 1;
    }
    window.setCurrentPage(dashboardPage);

    // Open: the window, then the cards, then every chart.
    QElapsedTimer opened;
    opened.start();
    dashboard.open();
    const qint64 shown = paintedAt(window, opened);
    if (!waitFor(&dashboardPage->feed(), &DashboardFeed::cardsArrived))
        return 1;
    const qint64 cards = paintedAt(window, opened);
    if (!waitFor(&dashboardPage->feed(), &DashboardFeed::costArrived))
        return 1;
    const qint64 charts = paintedAt(window, opened);
    report({ { u"figure"_s, u"open"_s },
        { u"process_to_shown_ms"_s, sinceStart.elapsed() - opened.elapsed() + shown },
        { u"shown_ms"_s, shown }, { u"cards_painted_ms"_s, cards }, { u"all_charts_painted_ms"_s, charts } });

    // Range and grouping changes on the Usage page.
    window.setCurrentPage(usagePage);
    UsageFeed &feed = usagePage->feed();
    waitFor(&feed, &UsageFeed::loaded);
    const auto timeChange = [&](const QString &name, const std::function<void()> &change) {
        QElapsedTimer timer;
        timer.start();
        change();
        if (!waitFor(&feed, &UsageFeed::loaded))
            return;
        report({ { u"figure"_s, u"change"_s }, { u"change"_s, name },
            { u"repainted_ms"_s, paintedAt(window, timer) } });
    };
    const auto range = [&](UsageQuery::Preset preset) {
        UsageQuery query = UsageQuery::last(preset);
        query.setGroupBy(feed.query().groupBy());
        feed.setQuery(query);
    };
    const auto group = [&](UsageQuery::GroupBy groupBy) {
        UsageQuery query = feed.query();
        query.setGroupBy(groupBy);
        feed.setQuery(query);
    };
    timeChange(u"range to 7 days"_s, [&] { range(UsageQuery::Preset::Last7Days); });
    timeChange(u"range to 90 days"_s, [&] { range(UsageQuery::Preset::Last90Days); });
    timeChange(u"group by model"_s, [&] { group(UsageQuery::GroupBy::Model); });
    timeChange(u"group by key"_s, [&] { group(UsageQuery::GroupBy::Key); });
    timeChange(u"range to 24 hours"_s, [&] { range(UsageQuery::Preset::Last24Hours); });
    timeChange(u"range to 1 hour"_s, [&] { range(UsageQuery::Preset::LastHour); });

    // The GUI thread under load: first with the window hidden (no page active: what the gateway alone costs
    // this process's GUI thread on a loaded machine), then with the Dashboard shown and following it live.
    const int loadSeconds = parser.value(u"load-seconds"_s).toInt();
    if (loadSeconds > 0) {
        StoreError keyError;
        const auto key = dashboard.host().gateway()->keys().create(
            Actor { 0, u"bench"_s }, u"bench load"_s, QString(), KeyLimits(), &keyError);
        if (!key) {
            std::fprintf(stderr, "bench_window: %s\n", qPrintable(keyError.message));
            return 1;
        }
        const int rate = parser.value(u"load-rate"_s).toInt();
        const auto underLoad = [&](const QString &window) -> bool {
            const int workers = 20;
            QProcess hey;
            hey.setProcessChannelMode(QProcess::MergedChannels);
            const QString body
                = uR"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]})"_s;
            TurnMeter meter;
            hey.start(parser.value(u"hey"_s),
                { u"-z"_s, u"%1s"_s.arg(loadSeconds), u"-c"_s, QString::number(workers), u"-q"_s,
                    QString::number(qMax(1, rate / workers)), u"-m"_s, u"POST"_s, u"-T"_s,
                    u"application/json"_s, u"-H"_s,
                    u"Authorization: Bearer "_s + QString::fromLatin1(key->plaintext), u"-d"_s, body,
                    dashboard.host().url() + u"/v1/chat/completions"_s });
            if (!hey.waitForStarted(10'000)) {
                std::fprintf(stderr, "bench_window: cannot run hey: %s\n", qPrintable(hey.errorString()));
                return false;
            }
            if (!waitFor(&hey, &QProcess::finished, (loadSeconds + 60) * 1000)) {
                std::fprintf(stderr, "bench_window: hey did not finish\n");
                return false;
            }
            const QString summary = QString::fromUtf8(hey.readAll());
            const QRegularExpressionMatch rps
                = QRegularExpression(u"Requests/sec:\\s*([0-9.]+)"_s).match(summary);
            report({ { u"figure"_s, u"stall"_s }, { u"window"_s, window }, { u"load_seconds"_s, loadSeconds },
                { u"target_rate"_s, rate },
                { u"achieved_rate"_s, rps.hasMatch() ? rps.captured(1).toDouble() : 0.0 },
                { u"gui_ticks"_s, meter.ticks() }, { u"longest_gap_ms"_s, meter.longest() },
                { u"p99_gap_ms"_s, meter.percentile(0.99) } });
            return true;
        };
        window.hide();
        if (!underLoad(u"hidden"_s))
            return 1;
        // Shown again, the Dashboard reloads and repaints the whole window once; the figure is the live
        // page's.
        window.setCurrentPage(dashboardPage);
        window.show();
        if (!waitFor(&dashboardPage->feed(), &DashboardFeed::costArrived))
            return 1;
        if (!underLoad(u"dashboard live"_s))
            return 1;
    }
    return 0;
}
