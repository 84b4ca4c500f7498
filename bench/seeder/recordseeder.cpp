#include "recordseeder.h"

#include "apikeystore.h"
#include "clock.h"
#include "logwriter.h"
#include "memberstore.h"
#include "seedpayloads.h"

#include <QThread>
#include <array>
#include <cmath>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

struct Model
{
    const char *id;
    const char *provider;
    double inputPerMillion; // USD
    double outputPerMillion;
    double cachedPerMillion;
    double weight; // share of the traffic
    int ttftMs; // typical time to first token
    int tokensPerSecond; // typical output speed
};

// Prices from the providers' public price lists (per million tokens).
constexpr std::array kModels {
    Model { "gpt-4o-mini", "openai", 0.15, 0.60, 0.075, 18, 350, 85 },
    Model { "gpt-4.1", "openai", 2.00, 8.00, 0.50, 7, 520, 70 },
    Model { "gpt-5", "openai", 1.25, 10.00, 0.125, 6, 1800, 60 },
    Model { "claude-sonnet-4-5", "anthropic", 3.00, 15.00, 0.30, 14, 900, 65 },
    Model { "claude-haiku-4-5", "anthropic", 1.00, 5.00, 0.10, 9, 420, 120 },
    Model { "gemini-2.5-flash", "google", 0.30, 2.50, 0.075, 12, 380, 180 },
    Model { "gemini-2.5-pro", "google", 1.25, 10.00, 0.31, 5, 1400, 90 },
    Model { "llama-3.3-70b-versatile", "groq", 0.59, 0.79, 0, 6, 140, 280 },
    Model { "mistral-large-latest", "mistral", 2.00, 6.00, 0, 3, 600, 55 },
    Model { "deepseek-chat", "deepseek", 0.27, 1.10, 0.07, 4, 900, 40 },
    Model { "grok-4", "xai", 3.00, 15.00, 0.75, 2, 1100, 50 },
    Model { "llama3.2", "ollama", 0, 0, 0, 4, 250, 35 },
};

struct Person
{
    const char *email;
    const char *name;
    Role role;
};
constexpr std::array kTeam {
    Person { "ana@example.com", "Ana Lima", Role::Admin },
    Person { "ben@example.com", "Ben Okafor", Role::Developer },
    Person { "chen@example.com", "Chen Wei", Role::Developer },
    Person { "dia@example.com", "Dia Novak", Role::Developer },
    Person { "eli@example.com", "Eli Haddad", Role::Restricted },
};

struct Key
{
    const char *name;
    int owner; // index into kTeam
    double weight;
};
constexpr std::array kKeys {
    Key { "claude-code", 1, 16 },
    Key { "codex-cli", 2, 10 },
    Key { "ci-pipeline", 0, 12 },
    Key { "notebook", 3, 5 },
    Key { "prod-api", 0, 22 },
    Key { "staging", 2, 6 },
    Key { "ide", 3, 8 },
    Key { "support-bot", 4, 9 },
    Key { "eval-runs", 1, 7 },
    Key { "laptop", 4, 3 },
};

// xorshift64*: fast and deterministic.
class Random
{
public:
    explicit Random(quint64 seed)
        : m_state(seed * 0x9e3779b97f4a7c15ull + 1)
    { }
    quint64 next()
    {
        m_state ^= m_state >> 12;
        m_state ^= m_state << 25;
        m_state ^= m_state >> 27;
        return m_state * 2685821657736338717ull;
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    bool chance(double p) { return uniform() < p; }
    // Log-normal around `median` with spread `sigma`.
    double logNormal(double median, double sigma)
    {
        const double u1 = qMax(uniform(), 1e-12);
        const double u2 = uniform();
        const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        return median * std::exp(sigma * normal);
    }
    template<class T, size_t N> int pick(const std::array<T, N> &items)
    {
        double total = 0;
        for (const T &item : items)
            total += item.weight;
        double at = uniform() * total;
        for (size_t i = 0; i < N; ++i) {
            if ((at -= items[i].weight) < 0)
                return int(i);
        }
        return int(N - 1);
    }

private:
    quint64 m_state;
};

// How busy an hour is: working hours on weekdays, a little at night, less at weekends, and slow growth.
double busyness(const QDateTime &hour, double progress)
{
    const int h = hour.time().hour();
    const bool weekend = hour.date().dayOfWeek() >= 6;
    const double daily = h >= 8 && h < 19 ? 1.0 + 0.4 * std::sin((h - 8) * M_PI / 11)
        : h >= 19 && h < 23               ? 0.35
                                          : 0.08;
    return daily * (weekend ? 0.25 : 1.0) * (0.6 + 0.8 * progress);
}

RequestRecord makeRecord(
    Random &random, const QDateTime &at, const QList<qint64> &keyIds, qint64 serial, bool incidentHour)
{
    const Model &model = kModels[random.pick(kModels)];
    const int keyIndex = random.pick(kKeys);
    RequestRecord r;
    r.requestId = "seed-" + QByteArray::number(serial);
    r.createdAt = at;
    r.apiKeyId = keyIds.at(keyIndex);
    r.member = QString::fromLatin1(kTeam[kKeys[keyIndex].owner].email);
    r.clientIp = u"127.0.0.1"_s;
    r.userAgent = keyIndex == 0 ? u"claude-cli/2.0"_s
        : keyIndex == 1         ? u"codex_exec/0.50"_s
                                : u"OpenAI/Python 1.99"_s;
    r.endpoint = keyIndex == 0 ? u"/v1/messages"_s : u"/v1/chat/completions"_s;
    r.usedModel = QString::fromLatin1(model.id);
    r.usedProvider = QString::fromLatin1(model.provider);
    r.requestedModel = r.usedProvider + u'/' + r.usedModel;
    r.streamed = random.chance(0.62);

    // Failures: a steady trickle, and an incident now and then where one provider answers 429 and 5xx.
    const bool failed = random.chance(incidentHour ? 0.35 : 0.012);
    if (failed) {
        const double kind = random.uniform();
        r.status = kind < 0.6 ? 429 : kind < 0.85 ? 503 : 400;
        r.error = r.status == 429 ? u"rate limit reached for requests"_s
            : r.status == 503     ? u"the upstream is overloaded"_s
                                  : u"invalid request: messages must not be empty"_s;
        r.retried = r.status != 400 && random.chance(0.5);
        r.durationMs = qint64(random.logNormal(r.status == 503 ? 2500 : 180, 0.5));
        return r;
    }
    r.status = 200;
    const double kind = random.uniform();
    r.finishReason = kind < 0.82 ? u"stop"_s : kind < 0.95 ? u"tool_calls"_s : u"length"_s;
    r.cacheHit = random.chance(0.01);
    r.usage.known = true;
    r.usage.promptTokens = qint64(random.logNormal(keyIndex <= 1 ? 18'000 : 1'400, 0.9)) + 20;
    r.usage.completionTokens = qint64(random.logNormal(keyIndex <= 1 ? 900 : 320, 0.8)) + 1;
    if (model.cachedPerMillion > 0 && random.chance(keyIndex <= 1 ? 0.75 : 0.3))
        r.usage.cachedTokens = qint64(double(r.usage.promptTokens) * (0.5 + 0.45 * random.uniform()));
    if (QByteArrayView(model.id).contains("gpt-5") || QByteArrayView(model.id).contains("pro"))
        r.usage.reasoningTokens = r.usage.completionTokens / 3;
    const double uncached = double(r.usage.promptTokens - r.usage.cachedTokens);
    r.cost = r.cacheHit ? Cost {}
                        : Cost { uncached * model.inputPerMillion / 1e6,
                              double(r.usage.cachedTokens) * model.cachedPerMillion / 1e6, 0,
                              double(r.usage.completionTokens) * model.outputPerMillion / 1e6 };
    const qint64 ttft = qint64(random.logNormal(model.ttftMs, 0.45)) + 5;
    const double speed = qMax(5.0, random.logNormal(model.tokensPerSecond, 0.25));
    r.ttftMs = r.streamed ? std::optional(ttft) : std::nullopt;
    r.durationMs = ttft + qint64(double(r.usage.completionTokens) / speed * 1000.0);
    return r;
}

} // namespace

namespace RecordSeeder {

std::optional<Seeded> seed(
    const DatabaseLocation &location, const Clock &clock, const Options &options, QString *error)
{
    Seeded seeded;
    MemberStore members(location, clock);
    ApiKeyStore keys(location, clock);
    const Actor actor { 0, u"seeder"_s };
    for (const Person &person : kTeam) {
        StoreError storeError;
        const QString email = QString::fromLatin1(person.email);
        if (!members.add(actor, email, QString::fromLatin1(person.name), person.role, &storeError)
            && storeError.kind != StoreError::Kind::Conflict) {
            *error = storeError.message;
            return std::nullopt;
        }
        seeded.members.append(email);
    }
    for (const Key &key : kKeys) {
        StoreError storeError;
        const auto created = keys.create(actor, QString::fromLatin1(key.name),
            QString::fromLatin1(kTeam[key.owner].email), KeyLimits(), &storeError);
        if (!created) {
            *error = storeError.message;
            return std::nullopt;
        }
        seeded.keyIds.append(created->key.id);
    }

    LogWriter writer(location);
    if (!writer.start(error))
        return std::nullopt;
    const QDateTime end = (options.end.isValid() ? options.end : clock.now()).toUTC();
    const QDateTime start = end.addDays(-options.days);
    const qint64 hours = qMax<qint64>(1, start.secsTo(end) / 3600);

    // Spread the records over the hours by how busy each is, then evenly within each hour.
    std::vector<double> weights(size_t(hours), 0);
    double total = 0;
    for (qint64 h = 0; h < hours; ++h) {
        weights[size_t(h)] = busyness(start.addSecs(h * 3600), double(h) / double(hours));
        total += weights[size_t(h)];
    }
    Random random(options.seed);
    qint64 written = 0;
    double carried = 0;
    for (qint64 h = 0; h < hours && written < options.records; ++h) {
        carried += weights[size_t(h)] / total * double(options.records);
        qint64 inHour = qint64(carried);
        carried -= double(inHour);
        if (h == hours - 1)
            inHour = options.records - written;
        inHour = qMin(inHour, options.records - written);
        const QDateTime hourStart = start.addSecs(h * 3600);
        const bool incident = random.chance(0.004);
        for (qint64 i = 0; i < inHour; ++i) {
            const QDateTime at = hourStart.addMSecs(qint64(double(i) / double(inHour) * 3'600'000.0));
            if (at >= end)
                break;
            RequestRecord record = makeRecord(random, at, seeded.keyIds, written, incident);
            if (options.payloads)
                SeedPayloads::fill(record, options.seed ^ quint64(written));
            writer.enqueue(std::move(record));
            if (!seeded.first.isValid())
                seeded.first = at;
            seeded.last = at;
            ++written;
            // Bounded memory (well within the writer's queue limit, payloads included): let it catch up now
            // and then.
            if (written % (options.payloads ? 1'000 : 50'000) == 0) {
                writer.flush();
                if (options.progress)
                    options.progress(written);
            }
        }
    }
    writer.flush();
    writer.stop();
    if (writer.failedCount() > 0) {
        *error = u"%1 of %2 records could not be written"_s.arg(writer.failedCount()).arg(written);
        return std::nullopt;
    }
    seeded.records = written;
    if (options.progress)
        options.progress(written);
    return seeded;
}

} // namespace RecordSeeder
