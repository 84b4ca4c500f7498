// ApiClient against a real gateway: the typed answers, and views whose newer call makes the older answer
// disappear. Its errors: tst_apiclienterrors.
#include "modelstestkit.h"

using namespace Qt::StringLiterals;

class TestApiClient final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_gateway.reset(); }

    void usageTotalsAndSeries();
    void usageGroupedByKeyNamesTheKeys();
    void logsPageThroughTheCursor();
    void logsAfterAnId();
    void createKeyGivesAWorkingKeyOnce();
    void sendReachesTheRestOfTheApi();
    void me_data();
    void me();
    void status();
    void minuteBuckets();

    void newerCallForTheSameViewDropsTheOlder();
    void otherViewsAreIndependent();
    void cancelDropsTheAnswer();
    void destroyedContextDropsTheAnswer();
    void answersNeverArriveInsideTheCall();

private:
    template<class T>
    std::optional<ApiResult<T>> wait(const std::function<void(QObject *, ApiClient::Callback<T>)> &call)
    {
        return await<T>(call);
    }
    ApiClient &client() { return m_gateway->client(); }
    std::unique_ptr<ModelsGateway> m_gateway;
};

void TestApiClient::init()
{
    m_gateway = std::make_unique<ModelsGateway>();
    QString error;
    QVERIFY2(m_gateway->start(&error), qPrintable(error));
}

void TestApiClient::usageTotalsAndSeries()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 3));
    QVERIFY(m_gateway->chat(u"openai/fake-error-400"_s));
    QVERIFY(m_gateway->waitForRecords(4));

    const auto result = awaitUsage(client(), UsageQuery::last(UsageQuery::Preset::Last24Hours));
    QVERIFY(result);
    QVERIFY2(result->ok(), qPrintable(result->error.message));
    const UsageData &usage = **result;
    QCOMPARE(usage.totals.requests, 4);
    QCOMPARE(usage.totals.errors, 1);
    QVERIFY(usage.totals.promptTokens > 0);
    QVERIFY(usage.totals.completionTokens > 0);
    QVERIFY(usage.totals.costUsd > 0);
    QVERIFY(usage.totals.duration.p50.has_value());
    QVERIFY(usage.from.isValid() && usage.to > usage.from);
    QVERIFY(!usage.bucket.isEmpty());
    QVERIFY(usage.groups.isEmpty());
    qint64 inSeries = 0;
    for (const UsageData::Point &point : usage.series) {
        QVERIFY(point.start.isValid());
        QCOMPARE(point.start.timeSpec(), Qt::UTC);
        inSeries += point.totals.requests;
    }
    QCOMPARE(inSeries, 4);
}

void TestApiClient::usageGroupedByKeyNamesTheKeys()
{
    QByteArray second;
    qint64 secondId = 0;
    QString error;
    QVERIFY2(m_gateway->team().harness().createKey(u"batch jobs"_s, &second, &secondId, &error),
        qPrintable(error));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 2));
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 1, second));
    QVERIFY(m_gateway->waitForRecords(3));

    UsageQuery query = UsageQuery::last(UsageQuery::Preset::Last24Hours);
    query.setGroupBy(UsageQuery::GroupBy::Key);
    const auto result = awaitUsage(client(), query);
    QVERIFY(result && result->ok());
    QCOMPARE(result->value->groupBy, u"key"_s);
    QCOMPARE(result->value->groups.size(), 2);
    const auto batch = std::find_if(result->value->groups.cbegin(), result->value->groups.cend(),
        [&](const UsageData::Group &group) { return group.key == QString::number(secondId); });
    QVERIFY(batch != result->value->groups.cend());
    QCOMPARE(batch->label(), u"batch jobs"_s);
    QCOMPARE(batch->totals.requests, 1);

    // Filtered by that key: its request alone.
    query.setGroupBy(UsageQuery::GroupBy::None);
    query.setKeyId(secondId);
    const auto filtered = awaitUsage(client(), query);
    QVERIFY(filtered && filtered->ok());
    QCOMPARE(filtered->value->totals.requests, 1);
}

void TestApiClient::logsPageThroughTheCursor()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 3));
    QVERIFY(m_gateway->waitForRecords(3));
    LogsQuery query;
    query.limit = 2;
    const auto first = wait<LogsPage>([&](QObject *context, ApiClient::Callback<LogsPage> done) {
        client().logs(u"logs"_s, query, context, std::move(done));
    });
    QVERIFY(first && first->ok());
    QCOMPARE(first->value->records.size(), 2);
    QVERIFY(first->value->nextBefore.has_value());
    const LogRecord &newest = first->value->records.constFirst();
    QVERIFY(newest.id > first->value->records.at(1).id); // newest first
    QCOMPARE(newest.usedModel, u"gpt-4o-mini"_s);
    QCOMPARE(newest.usedProvider, u"openai"_s);
    QCOMPARE(newest.status, 200);
    QVERIFY(!newest.requestId.isEmpty());
    QVERIFY(newest.createdAt.isValid());
    QVERIFY(newest.promptTokens > 0);
    QVERIFY(newest.cost.has_value());
    QVERIFY(newest.durationMs.has_value());
    QCOMPARE(newest.json.value(u"id"_s).toInteger(), newest.id);

    query.before = first->value->nextBefore;
    const auto second = wait<LogsPage>([&](QObject *context, ApiClient::Callback<LogsPage> done) {
        client().logs(u"logs"_s, query, context, std::move(done));
    });
    QVERIFY(second && second->ok());
    QCOMPARE(second->value->records.size(), 1);
    QVERIFY(second->value->records.constFirst().id < first->value->records.at(1).id);
    QVERIFY(!second->value->nextBefore.has_value());
}

void TestApiClient::logsAfterAnId()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 3));
    const auto records = m_gateway->team().harness().waitForRecords(3);
    QCOMPARE(records.size(), 3);
    const qint64 oldest = records.constFirst().value(u"id"_s).toLongLong();
    LogsQuery query;
    query.after = oldest;
    const auto page = wait<LogsPage>([&](QObject *context, ApiClient::Callback<LogsPage> done) {
        client().logs(u"tail"_s, query, context, std::move(done));
    });
    QVERIFY(page && page->ok());
    QCOMPARE(page->value->records.size(), 2);
    for (const LogRecord &record : page->value->records)
        QVERIFY(record.id > oldest);
    // latest_id: where the next poll for new records starts.
    QCOMPARE(page->value->latestId, records.constLast().value(u"id"_s).toLongLong());
}

void TestApiClient::createKeyGivesAWorkingKeyOnce()
{
    const auto created = wait<CreatedKey>([&](QObject *context, ApiClient::Callback<CreatedKey> done) {
        client().createKey({}, u"my first key"_s, context, std::move(done));
    });
    QVERIFY(created);
    QVERIFY2(created->ok(), qPrintable(created->error.message));
    QVERIFY(created->value->id > 0);
    QCOMPARE(created->value->name, u"my first key"_s);
    QVERIFY(created->value->key.startsWith(u"llmgw_"_s));
    // The key the empty dashboard hands out works on the proxy at once.
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 1, created->value->key.toLatin1()));
}

void TestApiClient::sendReachesTheRestOfTheApi()
{
    QByteArray key;
    qint64 id = 0;
    QString error;
    QVERIFY2(m_gateway->team().harness().createKey(u"old name"_s, &key, &id, &error), qPrintable(error));
    const auto renamed = wait<QJsonDocument>([&](QObject *context, ApiClient::Callback<QJsonDocument> done) {
        client().send({}, "PATCH", u"keys/%1"_s.arg(id), {},
            QJsonDocument(QJsonObject { { u"name"_s, u"new name"_s } }), context, std::move(done));
    });
    QVERIFY(renamed);
    QVERIFY2(renamed->ok(), qPrintable(renamed->error.message));
    QCOMPARE(renamed->value->object().value(u"name"_s).toString(), u"new name"_s);
    const auto listed = wait<QJsonDocument>([&](QObject *context, ApiClient::Callback<QJsonDocument> done) {
        client().send(u"keys"_s, "GET", u"keys/%1"_s.arg(id), {}, {}, context, std::move(done));
    });
    QVERIFY(listed && listed->ok());
    QCOMPARE(listed->value->object().value(u"name"_s).toString(), u"new name"_s);
}

void TestApiClient::me_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QStringList>("may");
    QTest::addColumn<QStringList>("mayNot");
    QTest::newRow("owner") << u"owner"_s << u"all"_s
                           << QStringList { u"members.manage"_s, u"data.delete_all"_s,
                                  u"usage.group_by_member"_s, u"keys.create"_s }
                           << QStringList {};
    QTest::newRow("developer") << u"developer"_s << u"own_keys"_s
                               << QStringList { u"usage.view"_s, u"logs.view"_s }
                               << QStringList { u"members.manage"_s, u"data.delete_all"_s,
                                      u"usage.group_by_member"_s };
    QTest::newRow("restricted") << u"restricted"_s << u"own_totals"_s << QStringList { u"usage.view"_s }
                                << QStringList { u"logs.view"_s, u"keys.create"_s, u"usage.group_by_key"_s };
}

void TestApiClient::me()
{
    QFETCH(QString, role);
    QFETCH(QString, scope);
    QFETCH(QStringList, may);
    QFETCH(QStringList, mayNot);
    client().setToken(m_gateway->team().person(role).token);
    const auto result = wait<MemberSelf>([&](QObject *context, ApiClient::Callback<MemberSelf> done) {
        client().me(u"me"_s, context, std::move(done));
    });
    QVERIFY(result);
    QVERIFY2(result->ok(), qPrintable(result->error.message));
    QCOMPARE(result->value->email, m_gateway->team().person(role).email);
    QCOMPARE(result->value->role, role);
    QCOMPARE(result->value->recordScope, scope);
    for (const QString &action : may)
        QVERIFY2(result->value->may(action), qPrintable(action));
    for (const QString &action : mayNot)
        QVERIFY2(!result->value->may(action), qPrintable(action));
}

void TestApiClient::status()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 2));
    const auto records = m_gateway->team().harness().waitForRecords(2);
    QCOMPARE(records.size(), 2);
    const auto result = awaitStatus(client());
    QVERIFY(result);
    QVERIFY2(result->ok(), qPrintable(result->error.message));
    const StatusInfo &status = **result;
    QCOMPARE(status.version, QStringLiteral(APP_VERSION));
    QCOMPARE(QUrl(status.url).port(), m_gateway->url().port());
    QVERIFY(status.startedAt.isValid());
    QVERIFY(status.uptimeS >= 0);
    QCOMPARE(status.latestRecordId, records.constLast().value(u"id"_s).toLongLong());
    qint64 perMinute = 0;
    for (const StatusInfo::Minute &minute : status.requestsPerMinute)
        perMinute += minute.requests;
    QVERIFY2(perMinute >= 2, qPrintable(QString::number(perMinute)));
    QCOMPARE(status.database.engine, u"sqlite"_s);
    QVERIFY2(status.database.healthy, qPrintable(status.database.message));
    QCOMPARE(status.retentionLevel, u"retain_all"_s);
    QCOMPARE(status.logWriter.dropped, 0);
}

void TestApiClient::minuteBuckets()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s, 2));
    QVERIFY(m_gateway->waitForRecords(2));
    // A second on: the range is in whole seconds, and a record made earlier in this second would fall after
    // its end (it did, now and then, when the suites ran in parallel).
    const auto result = awaitUsage(
        client(), UsageQuery::last(UsageQuery::Preset::LastHour, QDateTime::currentDateTimeUtc().addSecs(1)));
    QVERIFY(result);
    QVERIFY2(result->ok(), qPrintable(result->error.message));
    QCOMPARE(result->value->bucket, u"minute"_s);
    QVERIFY(result->value->series.size() >= 60);
    qint64 requests = 0;
    for (const UsageData::Point &point : result->value->series) {
        QCOMPARE(point.start.time().second(), 0);
        requests += point.totals.requests;
    }
    QCOMPARE(requests, 2);

    // Minutes asked for where the server keeps none: its own advice reaches the user.
    UsageQuery lastWeek = UsageQuery::between(QDateTime::currentDateTimeUtc().addDays(-7),
        QDateTime::currentDateTimeUtc().addDays(-7).addSecs(3600));
    lastWeek.setBucket(UsageQuery::Bucket::Minute);
    const auto refused = awaitUsage(client(), lastWeek);
    QVERIFY(refused && !refused->ok());
    QCOMPARE(refused->error.httpStatus, 422);
    QVERIFY2(refused->error.message.contains(u"choose hour buckets"_s), qPrintable(refused->error.message));
}

void TestApiClient::newerCallForTheSameViewDropsTheOlder()
{
    QVERIFY(m_gateway->chat(u"openai/gpt-4o-mini"_s));
    QVERIFY(m_gateway->waitForRecords(1));
    QObject context;
    QList<QString> delivered;
    UsageQuery old = UsageQuery::last(UsageQuery::Preset::Last7Days);
    old.setModel(u"no-such-model"_s);
    client().usage(
        u"chart"_s, old, &context, [&](const ApiResult<UsageData> &) { delivered.append(u"old"_s); });
    QVERIFY(client().isLoading(u"chart"_s));
    client().usage(u"chart"_s, UsageQuery::last(UsageQuery::Preset::Last7Days), &context,
        [&](const ApiResult<UsageData> &result) {
            delivered.append(result.ok() ? u"new %1"_s.arg(result->totals.requests) : result.error.message);
        });
    QTRY_COMPARE(delivered.size(), 1);
    QCOMPARE(delivered, QList<QString> { u"new 1"_s });
    QVERIFY(!client().isLoading(u"chart"_s));
    // And the old one does not come later either: another round trip on the same connection has passed.
    QVERIFY(awaitStatus(client()));
    QCOMPARE(delivered, QList<QString> { u"new 1"_s });
}

void TestApiClient::otherViewsAreIndependent()
{
    QObject context;
    int answers = 0;
    for (const QString &view : { u"cards"_s, u"chart"_s, u"table"_s })
        client().usage(view, UsageQuery(), &context,
            [&](const ApiResult<UsageData> &result) { answers += result.ok(); });
    QTRY_COMPARE(answers, 3);
}

void TestApiClient::cancelDropsTheAnswer()
{
    QObject context;
    bool delivered = false;
    client().usage(
        u"chart"_s, UsageQuery(), &context, [&](const ApiResult<UsageData> &) { delivered = true; });
    client().cancel(u"chart"_s);
    QVERIFY(!client().isLoading(u"chart"_s));
    QVERIFY(awaitUsage(client(), UsageQuery())); // a later round trip completes …
    QVERIFY(!delivered); // … and the cancelled one never answered
}

void TestApiClient::destroyedContextDropsTheAnswer()
{
    auto page = std::make_unique<QObject>();
    bool delivered = false;
    client().usage(
        u"chart"_s, UsageQuery(), page.get(), [&](const ApiResult<UsageData> &) { delivered = true; });
    page.reset(); // the page closed while its call was in flight
    QVERIFY(awaitUsage(client(), UsageQuery()));
    QVERIFY(!delivered);
}

void TestApiClient::answersNeverArriveInsideTheCall()
{
    QObject context;
    bool returned = false;
    bool answeredAfterReturn = false;
    int answers = 0;
    const auto done = [&](const ApiResult<UsageData> &) {
        answeredAfterReturn = returned;
        ++answers;
    };
    client().usage(u"chart"_s, UsageQuery(), &context, done);
    returned = true;
    QTRY_COMPARE(answers, 1);
    QVERIFY(answeredAfterReturn);

    // Also when the call cannot even be sent …
    returned = false;
    const QUrl gateway = client().baseUrl();
    client().setBaseUrl({});
    client().usage(u"chart"_s, UsageQuery(), &context, done);
    returned = true;
    QTRY_COMPARE(answers, 2);
    QVERIFY(answeredAfterReturn);

    // … and that answer, too, is dropped when a newer call for its view follows.
    QList<QString> codes;
    client().usage(u"chart"_s, UsageQuery(), &context,
        [&](const ApiResult<UsageData> &result) { codes.append(result.error.code); });
    client().setBaseUrl(gateway);
    client().usage(u"chart"_s, UsageQuery(), &context,
        [&](const ApiResult<UsageData> &result) { codes.append(result.ok() ? u"ok"_s : result.error.code); });
    QTRY_COMPARE(codes.size(), 1);
    QVERIFY(awaitStatus(client()));
    QCOMPARE(codes, QList<QString> { u"ok"_s });
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
