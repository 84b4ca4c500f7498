// The management API's thread pool, sized from a measurement: a dashboard page fires about a dozen queries at
// once (usage for this and the previous period, four charts, the logs, status, who am I). This starts a real
// Gateway on a store of N records (the last 29 days), fires such a batch of 12 requests at once, each on its
// own connection, and reports the wall time of the batch (median of B batches after one warm-up) for each
// pool size. Usage: bench_apipool [--records N] [--batches B] [--pools 2,4,8]
#include "benchrecords.h"
#include "gateway.h"
#include "logwriter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// The dozen calls of a dashboard's first paint.
QStringList batch(const QDateTime &now)
{
    const auto iso = [](const QDateTime &at) {
        return QString::fromLatin1(QUrl::toPercentEncoding(at.toString(Qt::ISODate)));
    };
    const QString month = u"from=%1&to=%2"_s.arg(iso(now.addDays(-30)), iso(now));
    const QString before = u"from=%1&to=%2"_s.arg(iso(now.addDays(-60)), iso(now.addDays(-30)));
    return {
        u"/api/v1/usage?"_s + month, // the cards: this period …
        u"/api/v1/usage?"_s + before, // … against the previous one
        u"/api/v1/usage?group_by=model&"_s + month, // four charts
        u"/api/v1/usage?group_by=provider&"_s + month,
        u"/api/v1/usage?group_by=key&"_s + month,
        u"/api/v1/usage?group_by=member&"_s + month,
        u"/api/v1/usage?from=%1&to=%2"_s.arg(iso(now.addDays(-1)), iso(now)), // the last day by the hour
        u"/api/v1/usage?from=%1&to=%2"_s.arg(
            iso(now.addSecs(-6 * 3600)), iso(now)), // six hours by the minute
        u"/api/v1/usage?bucket=hour&from=%1&to=%2"_s.arg(
            iso(now.addDays(-7)), iso(now)), // the week by the hour
        u"/api/v1/logs?limit=50"_s,
        u"/api/v1/status"_s,
        u"/api/v1/members/me"_s,
    };
}

// One GET on a connection of its own; the status code, or 0.
int get(quint16 port, const QString &path, const QByteArray &token)
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, port);
    if (!socket.waitForConnected(10'000))
        return 0;
    socket.write("GET " + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(60'000))
        answer += socket.readAll();
    answer += socket.readAll();
    return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
}

// One batch, all requests at once: when each call was answered, in ms from the start (the last one is the
// batch's wall time); empty when one failed.
std::vector<double> runBatch(quint16 port, const QStringList &paths, const QByteArray &token)
{
    std::vector<int> statuses(size_t(paths.size()));
    std::vector<double> answered(size_t(paths.size()));
    std::vector<std::thread> threads;
    QElapsedTimer timer;
    timer.start();
    for (qsizetype i = 0; i < paths.size(); ++i) {
        threads.emplace_back([&, i] {
            statuses[size_t(i)] = get(port, paths[i], token);
            answered[size_t(i)] = double(timer.nsecsElapsed()) / 1e6;
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (qsizetype i = 0; i < paths.size(); ++i) {
        if (statuses[size_t(i)] != 200) {
            std::fprintf(stderr, "%s answered %d\n", qPrintable(paths[i]), statuses[size_t(i)]);
            return {};
        }
    }
    return answered;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? -1 : values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 records = 1'000'000;
    int batches = 7;
    QList<int> pools { 2, 4, 8 };
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == "--records"_L1 && i + 1 < args.size()) {
            records = args[++i].toLongLong();
        } else if (args[i] == "--batches"_L1 && i + 1 < args.size()) {
            batches = qMax(1, args[++i].toInt());
        } else if (args[i] == "--pools"_L1 && i + 1 < args.size()) {
            pools.clear();
            for (const QString &size : args[++i].split(u','))
                pools.append(qMax(1, size.toInt()));
        } else {
            std::fprintf(stderr, "usage: bench_apipool [--records N] [--batches B] [--pools 2,4,8]\n");
            return 2;
        }
    }

    QTemporaryDir dir;
    QString error;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    {
        // Inside the retention periods, so that the gateway's purge at start finds nothing to do.
        LogWriter writer(DatabaseLocation::inDataDir(dir.path()));
        if (!writer.start(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        for (qint64 i = 0; i < records; ++i) {
            writer.enqueue(BenchRecords::record(i, records, now.addDays(-29), 29 * 24));
            if (i % 20'000 == 0)
                writer.flush();
        }
        writer.stop();
    }

    QByteArray token;
    std::printf("%lld records, a batch of 12 calls at once, medians of %d batches, %d usable cores\n\n"
                "| API threads | batch wall time | cards answered | status answered | me answered | slowest "
                "call alone |\n"
                "| ---: | ---: | ---: | ---: | ---: | ---: |\n",
        static_cast<long long>(records), batches, QThread::idealThreadCount());
    for (int pool : pools) {
        GatewayConfig config;
        config.dataDir = dir.path();
        config.port = 0;
        config.apiThreads = pool;
        SystemClock clock;
        Gateway gateway(config, clock);
        if (!gateway.start(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        if (token.isEmpty()) {
            StoreError storeError;
            const Actor bench { 0, u"bench"_s };
            const auto owner
                = gateway.members().add(bench, u"owner@example.com"_s, u"Owner"_s, Role::Owner, &storeError);
            const auto created = owner
                ? gateway.accessTokens().create(bench, owner->id, u"bench"_s, &storeError)
                : std::nullopt;
            if (!created) {
                std::fprintf(stderr, "%s\n", qPrintable(storeError.message));
                return 1;
            }
            token = created->plaintext;
        }
        const QStringList paths = batch(now);
        std::vector<double> wall, cards, status, me;
        double slowestAlone = 0;
        bool failed = false;
        // The clients run on their own threads while this one serves the gateway's listener.
        std::thread driver([&] {
            runBatch(gateway.port(), paths, token); // warm-up: caches, connections, the first page of each
            for (int b = 0; b < batches && !failed; ++b) {
                const std::vector<double> answered = runBatch(gateway.port(), paths, token);
                failed = answered.empty();
                if (failed)
                    break;
                wall.push_back(*std::max_element(answered.begin(), answered.end()));
                cards.push_back(std::max(answered[0], answered[1])); // both periods' totals: the cards
                status.push_back(answered[10]);
                me.push_back(answered[11]);
            }
            for (const QString &path : paths) {
                const std::vector<double> alone = runBatch(gateway.port(), { path }, token);
                slowestAlone = std::max(slowestAlone, alone.empty() ? -1 : alone.front());
            }
            QMetaObject::invokeMethod(&app, &QCoreApplication::quit, Qt::QueuedConnection);
        });
        app.exec();
        driver.join();
        gateway.stop();
        if (failed)
            return 1;
        std::printf("| %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |\n", pool, median(wall),
            median(cards), median(status), median(me), slowestAlone);
        std::fflush(stdout);
    }
    return 0;
}
