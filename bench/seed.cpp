// Fills a gateway's store with realistic request records (RecordSeeder), fast: for the window's figures and
// screenshots, and for trying the dashboard at scale.
// Usage: bench_seed --data-dir DIR | --database postgres://… [--records N] [--days D] [--seed S] [--payloads]
#include "benchrecords.h"
#include "clock.h"
#include "recordseeder.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Writes realistic request records into an LLM Gateway store."_s);
    parser.addHelpOption();
    BenchRecords::addStoreOptions(parser);
    parser.addOptions({
        { u"records"_s, u"How many records (default 100000)."_s, u"n"_s, u"100000"_s },
        { u"days"_s, u"Over how many days up to now (default 90)."_s, u"d"_s, u"90"_s },
        { u"seed"_s, u"The random seed (default 1)."_s, u"s"_s, u"1"_s },
        { u"payloads"_s, u"Keep request and response bodies with each record, as under Retain All Data."_s },
    });
    parser.process(app);
    QString error;
    const std::optional<DatabaseLocation> location = BenchRecords::storeFromOptions(parser, &error);
    if (!location) {
        std::fprintf(stderr, "bench_seed: %s\n", qPrintable(error));
        return 2;
    }
    RecordSeeder::Options options;
    options.records = parser.value(u"records"_s).toLongLong();
    options.days = parser.value(u"days"_s).toInt();
    options.seed = parser.value(u"seed"_s).toULongLong();
    options.payloads = parser.isSet(u"payloads"_s);
    QElapsedTimer timer;
    timer.start();
    options.progress
        = [&](qint64 written) { std::fprintf(stderr, "\r%lld records", static_cast<long long>(written)); };
    SystemClock clock;
    const auto seeded = RecordSeeder::seed(*location, clock, options, &error);
    if (!seeded) {
        std::fprintf(stderr, "\nbench_seed: %s\n", qPrintable(error));
        return 1;
    }
    const double seconds = double(timer.elapsed()) / 1000.0;
    std::printf("\nseeded %lld records from %s to %s in %.1f s (%.0f records/s)\n",
        static_cast<long long>(seeded->records), qPrintable(seeded->first.toString(Qt::ISODate)),
        qPrintable(seeded->last.toString(Qt::ISODate)), seconds, double(seeded->records) / seconds);
    return 0;
}
