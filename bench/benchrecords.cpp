#include "benchrecords.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

struct Model
{
    const char *id;
    const char *provider;
    double inputPrice; // USD per token
    double outputPrice;
};
constexpr Model kModels[] = {
    { "gpt-4o-mini", "openai", 0.15e-6, 0.6e-6 },
    { "gpt-4.1", "openai", 2e-6, 8e-6 },
    { "claude-sonnet-4-5", "anthropic", 3e-6, 15e-6 },
    { "claude-haiku-4-5", "anthropic", 1e-6, 5e-6 },
    { "gemini-2.5-flash", "google", 0.3e-6, 2.5e-6 },
    { "gemini-2.5-pro", "google", 1.25e-6, 10e-6 },
    { "llama-3.3-70b-versatile", "groq", 0.59e-6, 0.79e-6 },
    { "llama3.2", "ollama", 0, 0 },
};

// A xorshift generator; its state is the bench's only mutable global, so that runs repeat exactly.
quint64 g_state = 0x9e3779b97f4a7c15ull;
quint32 next()
{
    g_state ^= g_state << 13;
    g_state ^= g_state >> 7;
    g_state ^= g_state << 17;
    return quint32(g_state);
}

} // namespace

namespace BenchRecords {

RequestRecord record(qint64 i, qint64 total, const QDateTime &start, int spreadHours)
{
    RequestRecord r;
    r.requestId = "b" + QByteArray::number(i);
    r.createdAt = start.addMSecs(qint64(double(i) / double(total) * spreadHours * 3'600'000.0));
    const Model &model = kModels[next() % std::size(kModels)];
    r.usedModel = QString::fromLatin1(model.id);
    r.requestedModel = r.usedModel;
    r.usedProvider = QString::fromLatin1(model.provider);
    r.apiKeyId = 1 + next() % 10;
    r.member = u"member%1@example.com"_s.arg(r.apiKeyId % 5);
    r.endpoint = u"/v1/chat/completions"_s;
    r.streamed = next() % 2;
    r.retried = next() % 50 == 0;
    r.status = r.retried || next() % 40 == 0 ? 429 : 200;
    r.usage.promptTokens = 50 + next() % 4000;
    r.usage.completionTokens = 10 + next() % 800;
    r.usage.cachedTokens = next() % 3 == 0 ? r.usage.promptTokens / 2 : 0;
    r.usage.known = true;
    r.cost = Cost { double(r.usage.promptTokens) * model.inputPrice, 0, 0,
        double(r.usage.completionTokens) * model.outputPrice };
    r.durationMs = 80 + next() % 6000;
    r.ttftMs = 20 + next() % 900;
    return r;
}

double medianMs(int runs, const std::function<bool()> &work)
{
    std::vector<double> times;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        if (!work())
            return -1;
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

std::optional<DatabaseLocation> storeAt(const QString &databaseUrl, const QString &tempDir, QString *error)
{
    if (databaseUrl.isEmpty())
        return DatabaseLocation::inDataDir(tempDir);
    return DatabaseLocation::fromUrl(databaseUrl, error);
}

void addStoreOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        { u"data-dir"_s, u"The gateway's data dir (gateway.db in it)."_s, u"dir"_s },
        { u"database"_s, u"A postgres:// URL instead of the data dir's SQLite file."_s, u"url"_s },
    });
}

std::optional<DatabaseLocation> storeFromOptions(const QCommandLineParser &parser, QString *error)
{
    if (parser.isSet(u"database"_s))
        return DatabaseLocation::fromUrl(parser.value(u"database"_s), error);
    if (!parser.isSet(u"data-dir"_s)) {
        *error = u"give --data-dir or --database"_s;
        return std::nullopt;
    }
    QDir().mkpath(parser.value(u"data-dir"_s));
    return DatabaseLocation::inDataDir(parser.value(u"data-dir"_s));
}

} // namespace BenchRecords
