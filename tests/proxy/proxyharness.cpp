#include "proxyharness.h"

#include "database.h"
#include "fakechatcompletion.h"
#include "fakeupstream.h"
#include "fakeupstreamthread.h"
#include "recordexporter.h"
#include "testhttp.h"

#include <QBuffer>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QUuid>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// The harness's keys go through the audited path like every key change, made by "test".
std::optional<ApiKeyStore::Created> createKeyIn(
    Gateway &gateway, const QString &name, const QString &memberEmail, QString *error)
{
    StoreError storeError;
    auto created = gateway.keys().create(Actor { 0, u"test"_s }, name, memberEmail, KeyLimits(), &storeError);
    if (!created)
        *error = storeError.message;
    return created;
}

} // namespace

ProxyHarness::ProxyHarness()
    : m_connectionName(u"proxyharness-%1"_s.arg(quintptr(this), 0, 16))
{ }

ProxyHarness::~ProxyHarness()
{
    m_gateway.reset(); // drains in-flight requests while the upstream still answers
    m_upstreamThread.reset();
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool ProxyHarness::start(const Options &options, QString *error)
{
    if (!m_dir.isValid()) {
        *error = u"cannot create a temporary data dir"_s;
        return false;
    }
    if (!m_database.create(error))
        return false;
    m_upstreamThread = std::make_unique<FakeUpstreamThread>();
    m_upstream = &m_upstreamThread->upstream();
    if (!m_upstreamThread->isListening()) {
        *error = m_upstream->errorString();
        return false;
    }
    m_upstream->setExpectedKey("sk-up");
    if (!m_closedPort.isValid()) {
        *error = m_closedPort.errorString();
        return false;
    }
    const QString closedPort = QString::number(m_closedPort.port());

    QProcessEnvironment env;
    env.insert(u"OPENAI_API_KEY"_s, u"sk-up"_s);
    env.insert(u"OPENAI_BASE_URL"_s,
        options.upstreamReachable ? m_upstream->baseUrl().toString()
                                  : u"http://127.0.0.1:%1/v1"_s.arg(closedPort));
    if (options.translatingProviders) {
        m_upstream->setAnthropicKey(anthropicUpstreamKey);
        m_upstream->setGeminiKey(geminiUpstreamKey);
        env.insert(u"ANTHROPIC_API_KEY"_s, QString::fromLatin1(anthropicUpstreamKey));
        env.insert(u"ANTHROPIC_BASE_URL"_s, m_upstream->rootUrl().toString());
        env.insert(u"GEMINI_API_KEY"_s, QString::fromLatin1(geminiUpstreamKey));
        env.insert(u"GEMINI_BASE_URL"_s, m_upstream->rootUrl().toString());
    }
    for (const auto &[name, value] : options.extraEnvironment)
        env.insert(name,
            QString(value)
                .replace(u"{closed}"_s, closedPort)
                .replace(u"{upstream}"_s, m_upstream->rootUrl().toString()));
    auto config = GatewayConfig::load(m_dir.path(), QString(), env, error);
    if (!config)
        return false;
    config->databaseUrl = m_database.url();
    config->catalogFile = options.catalogFile;
    config->responseCacheEnabled = options.responseCache;
    config->port = 0;
    config->workerThreads = options.workerThreads;
    config->retention = options.retention;
    config->upstreamTimeoutMs = options.upstreamTimeoutMs;
    config->connectTimeoutMs = options.connectTimeoutMs;
    config->streamIdleTimeoutMs = options.streamIdleTimeoutMs;
    config->maxBodyBytes = options.maxBodyBytes;
    config->shutdownGraceMs = 5000;
    config->localModelsRefreshMs = options.localModelsRefreshMs;
    config->poolThreadExpiryMs = options.poolThreadExpiryMs;
    // Never the user's own keychain entries: a service of this harness's own.
    config->keychainService = u"llm-gateway-test-%1"_s.arg(QUuid::createUuid().toString(QUuid::Id128));

    m_gateway = std::make_unique<Gateway>(*config, options.clock ? *options.clock : m_clock);
    if (!m_gateway->start(error))
        return false;
    const auto created = createKeyIn(*m_gateway, u"proxy tests"_s, u"dev@example.com"_s, error);
    if (!created)
        return false;
    m_apiKey = created->plaintext;
    m_apiKeyId = created->key.id;
    return true;
}

bool ProxyHarness::createKey(const QString &name, QByteArray *plaintext, qint64 *id, QString *error)
{
    const auto created = createKeyIn(*m_gateway, name, QString(), error);
    if (!created)
        return false;
    *plaintext = created->plaintext;
    *id = created->key.id;
    return true;
}

TestHttpResult ProxyHarness::chat(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QList<QPair<QByteArray, QByteArray>> all { authHeader() };
    all += headers;
    return TestHttp::call(m_nam, port(), "POST", u"/v1/chat/completions"_s, body, all);
}

TestHttpResult ProxyHarness::messages(
    const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QList<QPair<QByteArray, QByteArray>> all { { "x-api-key", m_apiKey } };
    all += headers;
    return TestHttp::call(m_nam, port(), "POST", u"/v1/messages"_s, body, all);
}

QSqlDatabase ProxyHarness::database(QString *error)
{
    return Database::open(databaseLocation(), m_connectionName, error);
}

QList<QVariantMap> ProxyHarness::records(const QString &where, const QVariantList &binds)
{
    m_gateway->logWriter().flush();
    QString error;
    QSqlDatabase db = database(&error);
    QList<QVariantMap> rows;
    if (!error.isEmpty()) {
        qWarning("cannot open the gateway's database: %s", qPrintable(error));
        return rows;
    }
    QSqlQuery query(db);
    query.prepare(u"SELECT * FROM requests"_s + (where.isEmpty() ? QString() : u" WHERE "_s + where)
        + u" ORDER BY id"_s);
    for (const QVariant &bind : binds)
        query.addBindValue(bind);
    if (!query.exec()) {
        qWarning("query on requests failed: %s", qPrintable(query.lastError().text()));
        return rows;
    }
    while (query.next()) {
        QVariantMap row;
        const QSqlRecord columns = query.record();
        for (int i = 0; i < columns.count(); ++i)
            row.insert(columns.fieldName(i), query.value(i));
        rows.append(row);
    }
    return rows;
}

QList<QJsonObject> ProxyHarness::exportedRecords()
{
    m_gateway->logWriter().flush();
    QString error;
    QSqlDatabase db = database(&error);
    QList<QJsonObject> objects;
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    if (!error.isEmpty() || !RecordExporter::exportAll(db, RecordExporter::Format::JsonLines, out, &error)) {
        qWarning("cannot export the records: %s", qPrintable(error));
        return objects;
    }
    for (const QByteArray &line : out.data().split('\n')) {
        if (!line.trimmed().isEmpty())
            objects.append(QJsonDocument::fromJson(line).object());
    }
    return objects;
}

std::optional<QVariantMap> ProxyHarness::record(const QByteArray &requestId)
{
    // A request the gateway retried has a record per attempt; the last one is what the client got. An
    // attempt that failed in a retryable way (429, 5xx) before the third is followed by another.
    const QDeadlineTimer deadline(5000);
    std::optional<QVariantMap> last;
    while (!deadline.hasExpired()) {
        const QList<QVariantMap> rows = records(u"request_id = ?"_s, { QString::fromUtf8(requestId) });
        if (!rows.isEmpty()) {
            last = rows.last();
            const int status = last->value(u"status"_s).toInt();
            const int attempt = last->value(u"attempt"_s).toInt();
            if (attempt == rows.size() && (attempt >= 3 || (status != 429 && status < 500)))
                return last;
        }
        QTest::qWait(5);
    }
    return last;
}

QList<QVariantMap> ProxyHarness::waitForRecords(
    qsizetype count, const QString &where, const QVariantList &binds, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QList<QVariantMap> rows = records(where, binds);
    while (rows.size() < count && !deadline.hasExpired()) {
        QTest::qWait(5);
        rows = records(where, binds);
    }
    return rows;
}

std::optional<FakeHttpRequest> ProxyHarness::lastUpstreamChat() const
{
    const QList<FakeHttpRequest> received = m_upstream->receivedRequests();
    for (auto it = received.crbegin(); it != received.crend(); ++it) {
        if (it->path == "/v1/chat/completions")
            return *it;
    }
    return std::nullopt;
}

std::optional<FakeHttpRequest> ProxyHarness::lastUpstreamRequest(const QByteArray &pathPrefix) const
{
    const QList<FakeHttpRequest> received = m_upstream->receivedRequests();
    for (auto it = received.crbegin(); it != received.crend(); ++it) {
        if (it->path.startsWith(pathPrefix))
            return *it;
    }
    return std::nullopt;
}

QByteArray UpstreamReplay::body(
    const QJsonObject &upstreamRequest, const QByteArray &id, qint64 created, FakeChatCompletion::Kind kind)
{
    return FakeChatCompletion(upstreamRequest, kind, {}, id, created).body();
}

QByteArrayList UpstreamReplay::streamEvents(const QJsonObject &upstreamRequest, const QByteArray &id,
    qint64 created, bool includeUsage, FakeChatCompletion::Kind kind)
{
    QJsonObject request = upstreamRequest;
    request.insert(u"stream_options"_s, QJsonObject { { u"include_usage"_s, includeUsage } });
    return FakeChatCompletion(request, kind, {}, id, created).streamEvents();
}

QPair<int, int> UpstreamReplay::tokens(const QJsonObject &request)
{
    const FakeChatCompletion completion(request, FakeChatCompletion::Kind::Echo, {}, "x", 0);
    return { completion.promptTokens(), completion.completionTokens() };
}

QByteArrayList Sse::events(const QByteArray &body)
{
    QByteArrayList out;
    qsizetype pos = 0;
    while (pos < body.size()) {
        const qsizetype end = body.indexOf("\n\n", pos);
        if (end < 0) {
            out.append(body.mid(pos));
            break;
        }
        out.append(body.mid(pos, end + 2 - pos));
        pos = end + 2;
    }
    return out;
}

QJsonObject Sse::json(const QByteArray &event)
{
    if (!event.startsWith("data: "))
        return {};
    return QJsonDocument::fromJson(event.mid(6).trimmed()).object();
}

QString Sse::content(const QByteArray &body)
{
    QString text;
    for (const QByteArray &event : events(body)) {
        const QJsonArray choices = json(event).value(u"choices").toArray();
        if (!choices.isEmpty())
            text += choices.first().toObject().value(u"delta").toObject().value(u"content").toString();
    }
    return text;
}

double expectedCost(const Gateway &gateway, qint64 promptTokens, qint64 completionTokens)
{
    const ModelInfo *model = gateway.catalog().find(u"openai"_s, u"gpt-4o-mini"_s);
    if (!model || !model->price)
        return -1;
    return double(promptTokens) * model->price->input / 1e6
        + double(completionTokens) * model->price->output / 1e6;
}

bool sameMoney(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}
