// usage and logs against the role table of issue 4 ("see all usage, logs, keys", "see payloads"), through
// HTTP, over records the proxy made for keys of each member.
#include "apiteam.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

#include <limits>

using namespace Qt::StringLiterals;

class TestApiUsage final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void withoutATokenIs401_data();
    void withoutATokenIs401();
    void usageScope_data();
    void usageScope();
    void usageRefusals_data();
    void usageRefusals();
    void usageFigures();
    void usageGroups();
    void minuteBuckets();
    void defaultBucket_data();
    void defaultBucket();
    void logsScope_data();
    void logsScope();
    void logsPageWithACursor();
    void logsFilter();
    void logsFollowNewRecords();
    void logsAfterRefusals_data();
    void logsAfterRefusals();
    void recordPayloads_data();
    void recordPayloads();

private:
    QJsonObject get(const QString &actor, const QString &path);
    // from=…&to=… for [from, to), in the query string's form.
    static QString range(const QDateTime &from, const QDateTime &to);
    std::unique_ptr<ApiTeam> m_team;
    QHash<QString, qint64> m_recordOf; // a record id made by each member's key
};

// Records: admin 1, developer 2, restricted 1 (and one failed request of the developer's, model unknown).
void TestApiUsage::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
    for (const auto &[name, count] :
        { std::pair { u"admin"_s, 1 }, { u"developer"_s, 2 }, { u"restricted"_s, 1 } }) {
        const QByteArray key = m_team->keyFor(m_team->person(name), &error);
        QVERIFY2(!key.isEmpty(), qPrintable(error));
        for (int i = 0; i < count; ++i)
            QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
        if (name == "developer"_L1)
            QCOMPARE(m_team->chat(key, u"no-such-model"_s).status, 404);
    }
    const auto records = m_team->harness().waitForRecords(5);
    QCOMPARE(records.size(), 5);
    for (const QVariantMap &record : records) {
        const QString member = record.value(u"member"_s).toString();
        for (const QString &name : { u"admin"_s, u"developer"_s, u"restricted"_s }) {
            if (member == m_team->person(name).email)
                m_recordOf[name] = record.value(u"id"_s).toLongLong();
        }
    }
}

QJsonObject TestApiUsage::get(const QString &actor, const QString &path)
{
    const TestHttpResult result = m_team->call(m_team->person(actor).token, "GET", path);
    if (result.status != 200)
        qWarning() << path << result.status << result.body;
    return result.json();
}

void TestApiUsage::withoutATokenIs401_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("usage") << u"/api/v1/usage"_s;
    QTest::newRow("logs") << u"/api/v1/logs"_s;
    QTest::newRow("record") << u"/api/v1/logs/1"_s;
}

void TestApiUsage::withoutATokenIs401()
{
    QFETCH(QString, path);
    const TestHttpResult result = m_team->call({}, "GET", path);
    QCOMPARE(result.status, 401);
    QVERIFY(!result.body.contains("gpt-4o-mini"));
}

void TestApiUsage::usageScope_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("requests");
    QTest::addColumn<int>("ownRequests");
    QTest::newRow("owner: all") << u"owner"_s << 5 << 0;
    QTest::newRow("admin: all") << u"admin"_s << 5 << 1;
    QTest::newRow("developer: own keys") << u"developer"_s << 3 << 3;
    QTest::newRow("restricted: own totals") << u"restricted"_s << 1 << 1;
}

void TestApiUsage::usageScope()
{
    QFETCH(QString, actor);
    QFETCH(int, requests);
    QFETCH(int, ownRequests);
    const QJsonObject usage = get(actor, u"/api/v1/usage"_s);
    QCOMPARE(usage.value(u"totals"_s)[u"requests"_s].toInt(), requests);
    // Asking for one's own records by name: only those.
    const QJsonObject own = get(actor,
        u"/api/v1/usage?member="_s
            + QString::fromLatin1(QUrl::toPercentEncoding(m_team->person(actor).email)));
    QCOMPARE(own.value(u"totals"_s)[u"requests"_s].toInt(), ownRequests);
}

void TestApiUsage::usageRefusals_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("developer asks for another member")
        << u"developer"_s << u"member=admin%40example.org"_s << 403 << u"own keys"_s;
    QTest::newRow("developer groups by member")
        << u"developer"_s << u"group_by=member"_s << 403 << u"grouping by member"_s;
    QTest::newRow("restricted groups by model")
        << u"restricted"_s << u"group_by=model"_s << 403 << u"only the totals"_s;
    QTest::newRow("restricted asks for another member")
        << u"restricted"_s << u"member=dev%40example.org"_s << 403 << u"own keys"_s;
    QTest::newRow("unknown group") << u"owner"_s << u"group_by=colour"_s << 422 << u"'group_by'"_s;
    QTest::newRow("unknown bucket") << u"owner"_s << u"bucket=second"_s << 422
                                    << u"'bucket' must be minute, hour"_s;
    QTest::newRow("minutes of last year")
        << u"owner"_s << u"from=2025-01-01T00:00:00Z&to=2025-01-01T01:00:00Z&bucket=minute"_s << 422
        << u"minute buckets reach back 48 hours"_s;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QTest::newRow("too many minutes")
        << u"owner"_s << range(now.addSecs(-40 * 3600), now) + u"&bucket=minute"_s << 422
        << u"2000 minute buckets"_s;
    QTest::newRow("bad time") << u"owner"_s << u"from=yesterday"_s << 422 << u"'from'"_s;
    QTest::newRow("backwards") << u"owner"_s << u"from=2026-02-01&to=2026-01-01"_s << 422
                               << u"'from' must be before 'to'"_s;
    QTest::newRow("too many hours") << u"owner"_s << u"from=2025-01-01&to=2026-01-01&bucket=hour"_s << 422
                                    << u"2000 hour buckets"_s;
    QTest::newRow("bad key") << u"owner"_s << u"key=abc"_s << 422 << u"'key'"_s;
}

void TestApiUsage::usageRefusals()
{
    QFETCH(QString, actor);
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QString, message);
    const TestHttpResult result
        = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/usage?"_s + query);
    QCOMPARE(result.status, status);
    QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
}

void TestApiUsage::usageFigures()
{
    const auto records = m_team->harness().records();
    qint64 prompt = 0;
    qint64 completion = 0;
    double cost = 0;
    for (const QVariantMap &record : records) {
        prompt += record.value(u"prompt_tokens"_s).toLongLong();
        completion += record.value(u"completion_tokens"_s).toLongLong();
        cost += record.value(u"cost"_s).toDouble();
    }
    const QJsonObject usage = get(u"owner"_s, u"/api/v1/usage?bucket=hour"_s);
    const QJsonObject totals = usage.value(u"totals"_s).toObject();
    QCOMPARE(totals.value(u"prompt_tokens"_s).toInteger(), prompt);
    QCOMPARE(totals.value(u"completion_tokens"_s).toInteger(), completion);
    QVERIFY(prompt > 0 && completion > 0 && cost > 0);
    QVERIFY(std::abs(totals.value(u"cost_usd"_s).toDouble() - cost) < 1e-12);
    QCOMPARE(totals.value(u"errors"_s).toInt(), 1); // the unknown model
    for (const QString &latency : { u"duration_ms"_s, u"ttft_ms"_s }) {
        const QJsonObject percentiles = totals.value(latency).toObject();
        for (const QString &p : { u"avg"_s, u"p50"_s, u"p95"_s, u"p99"_s })
            QVERIFY2(percentiles.value(p).isDouble(), qPrintable(latency + u"."_s + p));
        QVERIFY(percentiles.value(u"p50"_s).toDouble() <= percentiles.value(u"p99"_s).toDouble());
    }
    // The last 30 days by hour: 720 or 721 points, the requests in the last ones.
    const QJsonArray series = usage.value(u"series"_s).toArray();
    QVERIFY2(series.size() >= 720 && series.size() <= 721, qPrintable(QString::number(series.size())));
    int inSeries = 0;
    for (const QJsonValue &point : series)
        inSeries += point[u"requests"_s].toInt();
    QCOMPARE(inSeries, 5);
    QVERIFY(QDateTime::fromString(series.first()[u"start"_s].toString(), Qt::ISODate).isValid());
}

void TestApiUsage::usageGroups()
{
    const QJsonObject byKey = get(u"admin"_s, u"/api/v1/usage?group_by=key&bucket=day"_s);
    QStringList names;
    for (const QJsonValue &group : byKey.value(u"groups"_s).toArray())
        names.append(group[u"name"_s].toString());
    names.sort();
    QCOMPARE(names,
        (QStringList { u"key of admin@example.org"_s, u"key of dev@example.org"_s,
            u"key of restricted@example.org"_s }));
    const QJsonObject byMember = get(u"owner"_s, u"/api/v1/usage?group_by=member"_s);
    QHash<QString, int> perMember;
    for (const QJsonValue &group : byMember.value(u"groups"_s).toArray())
        perMember[group[u"key"_s].toString()] = group[u"totals"_s][u"requests"_s].toInt();
    QCOMPARE(perMember.value(m_team->developer.email), 3);
    QCOMPARE(perMember.value(m_team->admin.email), 1);
    // A developer may group their own usage by model.
    const QJsonObject byModel = get(u"developer"_s, u"/api/v1/usage?group_by=model"_s);
    QCOMPARE(byModel.value(u"groups"_s).toArray().size(), 2); // gpt-4o-mini and the unknown model
}

QString TestApiUsage::range(const QDateTime &from, const QDateTime &to)
{
    return u"from=%1&to=%2"_s.arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate));
}

// An hour by the minute: 60 points that add up to what the hourly rollups say for the same hour.
void TestApiUsage::minuteBuckets()
{
    const auto records = m_team->harness().records();
    const QDateTime first
        = QDateTime::fromString(records.first().value(u"created_at"_s).toString(), Qt::ISODateWithMs);
    const QDateTime from = UsageBuckets::startOf(first, UsageBucket::Hour);
    const QString hour = range(from, from.addSecs(3600));
    const QJsonObject minutes = get(u"owner"_s, u"/api/v1/usage?bucket=minute&"_s + hour);
    const QJsonObject hourly = get(u"owner"_s, u"/api/v1/usage?bucket=hour&"_s + hour);
    QCOMPARE(minutes.value(u"bucket"_s).toString(), u"minute"_s);
    const QJsonArray series = minutes.value(u"series"_s).toArray();
    QCOMPARE(series.size(), 60);
    qint64 inSeries = 0;
    for (qsizetype i = 0; i < series.size(); ++i) {
        QCOMPARE(
            QDateTime::fromString(series.at(i)[u"start"_s].toString(), Qt::ISODate), from.addSecs(i * 60));
        inSeries += series.at(i)[u"requests"_s].toInteger();
    }
    QJsonObject totals = minutes.value(u"totals"_s).toObject();
    QJsonObject hourTotals = hourly.value(u"totals"_s).toObject();
    QVERIFY(totals.value(u"requests"_s).toInt() > 0);
    QCOMPARE(inSeries, totals.value(u"requests"_s).toInteger());
    QVERIFY(
        std::abs(totals.take(u"cost_usd"_s).toDouble() - hourTotals.take(u"cost_usd"_s).toDouble()) < 1e-12);
    QCOMPARE(totals, hourTotals); // every count and token, and the same percentiles from the same bins

    // Percentiles within what the records took (the bins are 25 % wide).
    qint64 shortest = std::numeric_limits<qint64>::max();
    qint64 longest = 0;
    for (const QVariantMap &record : records) {
        if (record.value(u"retried"_s).toInt() != 0)
            continue;
        shortest = std::min(shortest, record.value(u"duration_ms"_s).toLongLong());
        longest = std::max(longest, record.value(u"duration_ms"_s).toLongLong());
    }
    const QJsonObject duration = totals.value(u"duration_ms"_s).toObject();
    const double p50 = duration.value(u"p50"_s).toDouble();
    const double p95 = duration.value(u"p95"_s).toDouble();
    const double p99 = duration.value(u"p99"_s).toDouble();
    QVERIFY2(p50 <= p95 && p95 <= p99, qPrintable(u"%1 %2 %3"_s.arg(p50).arg(p95).arg(p99)));
    QVERIFY2(p50 >= double(shortest) / 1.25 - 0.1 && p99 <= double(longest) * 1.25 + 1,
        qPrintable(u"p50 %1 p99 %2, records %3 to %4 ms"_s.arg(p50).arg(p99).arg(shortest).arg(longest)));

    // Grouped and scoped as the hours are: the developer's own keys, per model.
    const QJsonObject own = get(u"developer"_s, u"/api/v1/usage?bucket=minute&group_by=model&"_s + hour);
    const QJsonObject ownHourly = get(u"developer"_s, u"/api/v1/usage?bucket=hour&group_by=model&"_s + hour);
    QCOMPARE(own.value(u"totals"_s)[u"requests"_s], ownHourly.value(u"totals"_s)[u"requests"_s]);
    QCOMPARE(own.value(u"groups"_s).toArray().size(), ownHourly.value(u"groups"_s).toArray().size());
    QVERIFY(!own.value(u"groups"_s).toArray().isEmpty());
    for (const QJsonValue &group : own.value(u"groups"_s).toArray())
        QCOMPARE(group[u"series"_s].toArray().size(), 60);
}

void TestApiUsage::defaultBucket_data()
{
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<int>("minutes");
    QTest::addColumn<QString>("bucket");
    QTest::addColumn<int>("points");
    // Minutes only within the last 48 hours, where the minute rollups are kept.
    const QDateTime recent
        = UsageBuckets::startOf(QDateTime::currentDateTimeUtc().addSecs(-8 * 3600), UsageBucket::Hour);
    const QDateTime monday(QDate(2026, 6, 1), QTime(0, 0), Qt::UTC);
    QTest::newRow("an hour") << recent << 60 << u"minute"_s << 60;
    QTest::newRow("six hours") << recent << 6 * 60 << u"minute"_s << 360;
    QTest::newRow("seven hours") << recent << 7 * 60 << u"hour"_s << 7;
    QTest::newRow("an hour, months ago") << monday << 60 << u"hour"_s << 1;
    QTest::newRow("two days") << monday << 48 * 60 << u"hour"_s << 48;
    QTest::newRow("three days") << monday << 72 * 60 << u"day"_s << 3;
    QTest::newRow("92 days") << monday << 92 * 24 * 60 << u"day"_s << 92;
    QTest::newRow("93 days") << monday << 93 * 24 * 60 << u"week"_s << 14;
}

void TestApiUsage::defaultBucket()
{
    QFETCH(QDateTime, from);
    QFETCH(int, minutes);
    QFETCH(QString, bucket);
    QFETCH(int, points);
    const QJsonObject usage
        = get(u"owner"_s, u"/api/v1/usage?"_s + range(from, from.addSecs(minutes * 60LL)));
    QCOMPARE(usage.value(u"bucket"_s).toString(), bucket);
    QCOMPARE(usage.value(u"series"_s).toArray().size(), points);
}

void TestApiUsage::logsScope_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("records");
    QTest::newRow("owner: all") << u"owner"_s << 200 << 5;
    QTest::newRow("admin: all") << u"admin"_s << 200 << 5;
    QTest::newRow("developer: own keys") << u"developer"_s << 200 << 3;
    QTest::newRow("restricted: refused") << u"restricted"_s << 403 << 0;
}

void TestApiUsage::logsScope()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    QFETCH(int, records);
    const TestHttpResult result = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/logs"_s);
    QCOMPARE(result.status, status);
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"only the totals"_s), qPrintable(errorMessage(result)));
        return;
    }
    const QJsonArray page = result.json().value(u"records"_s).toArray();
    QCOMPARE(page.size(), records);
    for (const QJsonValue &record : page) {
        QVERIFY(!record.toObject().contains(u"request_body"_s)); // pages never carry payloads
        if (actor == "developer"_L1)
            QCOMPARE(record[u"member"_s].toString(), m_team->developer.email);
    }
    QVERIFY(page.first()[u"id"_s].toInteger() > page.last()[u"id"_s].toInteger()); // newest first
}

void TestApiUsage::logsPageWithACursor()
{
    QSet<qint64> seen;
    QString path = u"/api/v1/logs?limit=4"_s;
    int pages = 0;
    for (;;) {
        const QJsonObject page = get(u"owner"_s, path);
        ++pages;
        for (const QJsonValue &record : page.value(u"records"_s).toArray())
            seen.insert(record[u"id"_s].toInteger());
        if (page.value(u"next_before"_s).isNull())
            break;
        path = u"/api/v1/logs?limit=4&before=%1"_s.arg(page.value(u"next_before"_s).toInteger());
        QVERIFY(pages < 5);
    }
    QCOMPARE(pages, 2);
    QCOMPARE(seen.size(), 5);
}

void TestApiUsage::logsFilter()
{
    const QJsonArray errors = get(u"owner"_s, u"/api/v1/logs?status=error"_s).value(u"records"_s).toArray();
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first()[u"status"_s].toInt(), 404);
    QCOMPARE(get(u"owner"_s, u"/api/v1/logs?status=200"_s).value(u"records"_s).toArray().size(), 4);
    QCOMPARE(get(u"owner"_s, u"/api/v1/logs?model=no-such-model"_s).value(u"records"_s).toArray().size(), 1);
    QCOMPARE(get(u"owner"_s, u"/api/v1/logs?member=restricted%40example.org"_s)
                 .value(u"records"_s)
                 .toArray()
                 .size(),
        1);
    QCOMPARE(
        get(u"owner"_s, u"/api/v1/logs?from=2000-01-01&to=2000-01-02"_s).value(u"records"_s).toArray().size(),
        0);
    const TestHttpResult bad = m_team->call(m_team->owner.token, "GET", u"/api/v1/logs?status=teapot"_s);
    QCOMPARE(bad.status, 422);
    QVERIFY(errorMessage(bad).contains(u"'status'"_s));
}

// A page follows new records with after=latest_id: each record once, none skipped, even when more arrived
// than a page holds.
void TestApiUsage::logsFollowNewRecords()
{
    const QJsonObject first = get(u"owner"_s, u"/api/v1/logs"_s);
    const qint64 latest = first.value(u"latest_id"_s).toInteger();
    QCOMPARE(latest, first.value(u"records"_s)[0][u"id"_s].toInteger()); // the newest record
    const QJsonObject nothingNew = get(u"owner"_s, u"/api/v1/logs?after=%1"_s.arg(latest));
    QCOMPARE(nothingNew.value(u"records"_s).toArray().size(), 0);
    QCOMPARE(nothingNew.value(u"latest_id"_s).toInteger(), latest);

    QString error;
    const QByteArray key = m_team->keyFor(m_team->developer, &error);
    QVERIFY2(!key.isEmpty(), qPrintable(error));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_team->chat(key, u"openai/gpt-4o-mini"_s).status, 200);
    QCOMPARE(m_team->harness().waitForRecords(8).size(), 8);

    const QJsonObject news = get(u"owner"_s, u"/api/v1/logs?after=%1"_s.arg(latest));
    const QJsonArray arrived = news.value(u"records"_s).toArray();
    QCOMPARE(arrived.size(), 3);
    QVERIFY(arrived.first()[u"id"_s].toInteger() > arrived.last()[u"id"_s].toInteger()); // newest first
    QVERIFY(arrived.last()[u"id"_s].toInteger() > latest);
    QCOMPARE(news.value(u"latest_id"_s).toInteger(), arrived.first()[u"id"_s].toInteger());
    QVERIFY(news.value(u"next_before"_s).isNull());

    // One at a time: the oldest new record first, then the next, up to the newest.
    QList<qint64> followed;
    qint64 after = latest;
    for (int call = 0; call < 4; ++call) {
        const QJsonObject page = get(u"owner"_s, u"/api/v1/logs?limit=1&after=%1"_s.arg(after));
        for (const QJsonValue &record : page.value(u"records"_s).toArray())
            followed.append(record[u"id"_s].toInteger());
        after = page.value(u"latest_id"_s).toInteger();
    }
    QCOMPARE(followed,
        (QList<qint64> { arrived.at(2)[u"id"_s].toInteger(), arrived.at(1)[u"id"_s].toInteger(),
            arrived.at(0)[u"id"_s].toInteger() }));

    // The same filters apply: the admin's own records, none of them new.
    const QJsonObject admins
        = get(u"owner"_s, u"/api/v1/logs?member=admin%40example.org&after=%1"_s.arg(latest));
    QCOMPARE(admins.value(u"records"_s).toArray().size(), 0);
    QCOMPARE(admins.value(u"latest_id"_s).toInteger(), arrived.first()[u"id"_s].toInteger());
    // A developer follows only their own keys' records.
    const QJsonArray own
        = get(u"developer"_s, u"/api/v1/logs?after=%1"_s.arg(latest)).value(u"records"_s).toArray();
    QCOMPARE(own.size(), 3);
}

void TestApiUsage::logsAfterRefusals_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");
    QTest::newRow("with before") << u"after=1&before=9"_s << u"'after' and 'before' cannot be combined"_s;
    QTest::newRow("not a number") << u"after=latest"_s << u"'after' must be a record id"_s;
    QTest::newRow("negative") << u"after=-3"_s << u"'after' must be a record id"_s;
}

void TestApiUsage::logsAfterRefusals()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const TestHttpResult result = m_team->call(m_team->owner.token, "GET", u"/api/v1/logs?"_s + query);
    QCOMPARE(result.status, 422);
    QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
}

void TestApiUsage::recordPayloads_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("owner"); // whose key made the record
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("payloads");
    QTest::newRow("owner sees anyone's") << u"owner"_s << u"developer"_s << 200 << u"included"_s;
    QTest::newRow("admin sees anyone's") << u"admin"_s << u"restricted"_s << 200 << u"included"_s;
    QTest::newRow("developer sees own") << u"developer"_s << u"developer"_s << 200 << u"included"_s;
    QTest::newRow("developer: not others'") << u"developer"_s << u"admin"_s << 403 << QString();
    QTest::newRow("restricted: not even own") << u"restricted"_s << u"restricted"_s << 403 << QString();
}

void TestApiUsage::recordPayloads()
{
    QFETCH(QString, actor);
    QFETCH(QString, owner);
    QFETCH(int, status);
    QFETCH(QString, payloads);
    const TestHttpResult result
        = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/logs/%1"_s.arg(m_recordOf.value(owner)));
    QCOMPARE(result.status, status);
    if (status != 200) {
        QVERIFY(!result.body.contains("Hello"));
        QVERIFY(!errorMessage(result).isEmpty());
        return;
    }
    const QJsonObject record = result.json();
    QCOMPARE(record.value(u"payloads"_s).toString(), payloads);
    QCOMPARE(record.value(u"member"_s).toString(), m_team->person(owner).email);
    QVERIFY(QJsonDocument(record.value(u"request_body"_s).toObject()).toJson().contains("Hello"));
    QVERIFY(record.contains(u"response_body"_s));
    QCOMPARE(m_team->call(m_team->person(actor).token, "GET", u"/api/v1/logs/999999"_s).status, 404);
}

QTEST_GUILESS_MAIN(TestApiUsage)
#include "tst_apiusage.moc"
