#pragma once

#include "clock.h"
#include "fakechatcompletion.h"
#include "fakehttprequest.h"
#include "gateway.h"
#include "reservedport.h"
#include "testdatabase.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QVariantMap>
#include <memory>
#include <optional>

class FakeUpstream;
class FakeUpstreamThread;
struct TestHttpResult;

// A real Gateway in this process, in front of a FakeUpstream playing OpenAI (on a thread of its own), with
// its own data dir, its own database (SQLite in the data dir, or PostgreSQL under a suite's postgres
// registration: TestDatabase) and a gateway API key: what the proxy's integration suites drive. Reads the
// stored records back with SQL.
class ProxyHarness final
{
    Q_DISABLE_COPY_MOVE(ProxyHarness)

public:
    struct Options
    {
        RetentionLevel retention = RetentionLevel::RetainAll;
        int upstreamTimeoutMs = 5000;
        int connectTimeoutMs = 2000;
        int streamIdleTimeoutMs = 5000;
        qint64 maxBodyBytes = 256 * 1024;
        bool upstreamReachable
            = true; // false: OPENAI_BASE_URL names a port nobody listens on (held reserved)
        // Also configure the anthropic and google providers (ANTHROPIC_/GEMINI_ BASE_URL and API_KEY), both
        // served by the same fake upstream with their own keys (anthropicUpstreamKey, geminiUpstreamKey).
        bool translatingProviders = false;
        // More environment for the gateway; "{closed}" in a value stands for a port nobody listens on,
        // "{upstream}" for the fake upstream's root URL (http://127.0.0.1:PORT).
        QList<QPair<QString, QString>> extraEnvironment;
        QString catalogFile; // a user model catalog merged over the built-in one
        // The gateway's clock (e.g. a TestClock the test steps; change it only while no request is in
        // flight); null: the system clock. Must outlive the harness.
        const Clock *clock = nullptr;
        bool responseCache = false;
        int workerThreads = 2;
        int localModelsRefreshMs = 60'000; // how often local servers are asked for their models again
        int poolThreadExpiryMs
            = 30'000; // how long the gateway's idle pool threads (and their connections) live
    };

    // The provider keys the gateway is given, and that the fake upstream requires, per API.
    static constexpr const char *openAIUpstreamKey = "sk-up";
    static constexpr const char *anthropicUpstreamKey = "sk-ant-up";
    static constexpr const char *geminiUpstreamKey = "gm-up";

    ProxyHarness();
    ~ProxyHarness();

    bool start(const Options &options, QString *error);
    bool start(QString *error) { return start(Options(), error); }

    FakeUpstream &upstream() { return *m_upstream; }
    Gateway &gateway() { return *m_gateway; }
    quint16 port() const { return m_gateway->port(); }
    QByteArray apiKey() const { return m_apiKey; }
    qint64 apiKeyId() const { return m_apiKeyId; }
    QPair<QByteArray, QByteArray> authHeader() const { return { "authorization", "Bearer " + m_apiKey }; }
    // A second key, to tell records of different keys apart.
    bool createKey(const QString &name, QByteArray *plaintext, qint64 *id, QString *error);
    QNetworkAccessManager &nam() { return m_nam; }
    // Where the gateway keeps its records (for tests that read or change rows themselves).
    DatabaseLocation databaseLocation() const { return m_database.location(m_dir.path()); }

    // POST /v1/chat/completions with this harness's key (plus `headers`), waiting for the answer.
    TestHttpResult chat(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers = {});
    // POST /v1/messages (Anthropic Messages) with this harness's key as x-api-key (plus `headers`).
    TestHttpResult messages(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers = {});

    // The test's own connection to the gateway's database (on the calling thread), to look at rows or to set
    // up a failure; invalid and *error when it cannot be opened.
    QSqlDatabase database(QString *error);
    // Waits for the log writer, then returns the rows of `requests` (column name → value), oldest first.
    QList<QVariantMap> records(const QString &where = {}, const QVariantList &binds = {});
    // The exchange hands its record to the log writer just after it wrote the response, so a client can
    // see the answer a moment before the record is queued: these wait (up to 5 s) for the rows to appear.
    std::optional<QVariantMap> record(const QByteArray &requestId);
    QList<QVariantMap> waitForRecords(
        qsizetype count, const QString &where = {}, const QVariantList &binds = {}, int timeoutMs = 5000);

    // Every record as `llm-gateway export` writes it (JSON lines, one object per record), after a flush.
    QList<QJsonObject> exportedRecords();

    // The last chat request the upstream received, or nullopt.
    std::optional<FakeHttpRequest> lastUpstreamChat() const;
    // The last request the upstream received whose path starts with `pathPrefix`, or nullopt.
    std::optional<FakeHttpRequest> lastUpstreamRequest(const QByteArray &pathPrefix) const;

private:
    QTemporaryDir m_dir;
    TestDatabase m_database; // outlives the gateway, which is reset first
    SystemClock m_clock;
    ReservedPort
        m_closedPort; // where "unreachable" points: refused, and no one else's for the harness's life
    // The fake answers on a thread of its own, so the gateway's stop() can wait for requests in flight
    // without running this thread's events.
    std::unique_ptr<FakeUpstreamThread> m_upstreamThread;
    FakeUpstream *m_upstream = nullptr; // m_upstreamThread's
    std::unique_ptr<Gateway> m_gateway;
    QNetworkAccessManager m_nam;
    QByteArray m_apiKey;
    qint64 m_apiKeyId = 0;
    QString m_connectionName;
};

// What the fake upstream sent for a chat completion, rebuilt from the request it received (the fake is
// deterministic), so that tests can compare the gateway's relay byte for byte.
namespace UpstreamReplay {
// The whole (non-stream) body. `id` and `created` are taken from the relayed answer.
QByteArray body(const QJsonObject &upstreamRequest, const QByteArray &id, qint64 created,
    FakeChatCompletion::Kind kind = FakeChatCompletion::Kind::Echo);
// The stream events, each "data: …\n\n". `includeUsage` overrides the request's stream_options, so that the
// events a client that did not ask for usage should see can be built too.
QByteArrayList streamEvents(const QJsonObject &upstreamRequest, const QByteArray &id, qint64 created,
    bool includeUsage, FakeChatCompletion::Kind kind = FakeChatCompletion::Kind::Echo);
// Prompt and completion tokens the fake counts for a request with these messages.
QPair<int, int> tokens(const QJsonObject &request);
} // namespace UpstreamReplay

namespace Sse {
// Splits an event-stream body into events, each with its terminating blank line.
QByteArrayList events(const QByteArray &body);
// The JSON object of one "data: {…}\n\n" event (empty when it is not one).
QJsonObject json(const QByteArray &event);
// The text an OpenAI chat stream delivered: its content deltas joined.
QString content(const QByteArray &body);
} // namespace Sse

// usage.cost the gateway must add: the catalog price of openai/gpt-4o-mini applied to the tokens.
double expectedCost(const Gateway &gateway, qint64 promptTokens, qint64 completionTokens);
// Relative comparison for money computed two ways.
bool sameMoney(double a, double b);
