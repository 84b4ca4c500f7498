// The key store's side of key limits, on a real database (SQLite, and PostgreSQL under
// tst_keystore_postgres): limits stored and read back by another store (another process), roll, disable,
// expiry and delete as authentication sees them, and spend totals seeded from the usage rollups (so a purge
// does not reopen a limit) and carried across a period boundary by the clock.
#include "apikeystore.h"
#include "database.h"
#include "logwriter.h"
#include "testclock.h"
#include "testdatabase.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {
const Actor kTester { 0, u"test"_s }; // the key changes that set the scene, audited as the test's

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi), Qt::UTC);
}

RequestRecord spendRecord(qint64 keyId, const QDateTime &at, std::optional<double> cost)
{
    RequestRecord r;
    r.requestId = "req-" + QByteArray::number(at.toMSecsSinceEpoch());
    r.createdAt = at;
    r.apiKeyId = keyId;
    r.endpoint = u"/v1/chat/completions"_s;
    r.status = 200;
    if (cost)
        r.cost = Cost { *cost, 0, 0, 0 };
    return r;
}

KeyLimits sampleLimits()
{
    KeyLimits limits;
    limits.expiresAt = utc(2025, 6, 30, 23, 59);
    limits.spendLimitUsd = 100;
    limits.periodLimitUsd = 2.5;
    limits.period = LimitPeriod::Week;
    limits.allowedModels = { u"gpt-4o*"_s, u"anthropic/claude-*"_s };
    limits.deniedModels = { u"gpt-4o"_s };
    limits.allowedProviders = { u"openai"_s, u"anthropic"_s };
    limits.deniedProviders = { u"google"_s };
    return limits;
}
} // namespace

class TestKeyStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void limitsAreStoredAndReadBack();
    void invalidLimitsAreRefused();
    void rollReplacesTheSecretAtOnce();
    void disabledAndExpiredKeysAreIdentifiedButNotAuthenticated();
    void removeForgetsTheKeyButKeepsItsRecords();
    void spendIsSeededFromTheRollupsAndOutlivesThePurge();
    void spendCrossesADayBoundary();
    void spendOfOtherInstancesIsCaughtUp();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestDatabase> m_database; // a fresh one per test
    DatabaseLocation m_location;
    TestClock m_clock;
};

void TestKeyStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_database = std::make_unique<TestDatabase>();
    QString error;
    QVERIFY2(m_database->create(&error), qPrintable(error));
    m_location = m_database->location(m_dir->path());
    m_clock.setNow(utc(2025, 1, 15, 12)); // a Wednesday
}

void TestKeyStore::limitsAreStoredAndReadBack()
{
    ApiKeyStore store(m_location, m_clock);
    QString error;
    StoreError keyError;
    const auto created = store.create(kTester, u"ci"_s, u"dev@example.com"_s, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    QCOMPARE(created->key.limits, KeyLimits()); // a new key has no limits

    QVERIFY2(store.update(kTester, created->key.id, { {}, {}, sampleLimits() }, &keyError),
        qPrintable(keyError.message));
    QCOMPARE(store.find(created->key.id)->limits, sampleLimits());
    QCOMPARE(store.authenticate(created->plaintext)->limits, sampleLimits());

    ApiKeyStore other(m_location, m_clock); // another process on the same database
    const auto listed = other.list(&keyError);
    QVERIFY2(listed, qPrintable(keyError.message));
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().limits, sampleLimits());

    // Clearing every limit stores NULLs and empty lists, not stale values.
    QVERIFY2(store.update(kTester, created->key.id, { {}, {}, KeyLimits() }, &keyError),
        qPrintable(keyError.message));
    QVERIFY2(other.refresh(&keyError), qPrintable(keyError.message));
    QCOMPARE(other.find(created->key.id)->limits, KeyLimits());

    QVERIFY(!store.update(kTester, 9999, { {}, {}, sampleLimits() }, &keyError));
    QCOMPARE(keyError.message, u"there is no API key with id 9999"_s);
}

void TestKeyStore::invalidLimitsAreRefused()
{
    ApiKeyStore store(m_location, m_clock);
    QString error;
    StoreError keyError;
    const auto created = store.create(kTester, u"ci"_s, {}, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    QVERIFY(store.update(kTester, created->key.id, { {}, {}, sampleLimits() }, &keyError));
    KeyLimits bad = sampleLimits();
    bad.period = LimitPeriod::None;
    QVERIFY(!store.update(kTester, created->key.id, { {}, {}, bad }, &keyError));
    QCOMPARE(keyError.message, u"a period spend limit needs its period: hour, day, week or month"_s);
    ApiKeyStore other(m_location, m_clock);
    QCOMPARE(other.list(&keyError)->first().limits, sampleLimits()); // unchanged
}

void TestKeyStore::rollReplacesTheSecretAtOnce()
{
    ApiKeyStore store(m_location, m_clock);
    ApiKeyStore other(m_location, m_clock);
    QString error;
    StoreError keyError;
    const auto created = store.create(kTester, u"ci"_s, u"dev@example.com"_s, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    QVERIFY(store.update(kTester, created->key.id, { {}, {}, sampleLimits() }, &keyError));
    QVERIFY(other.authenticate(created->plaintext));

    const auto rolled = store.roll(kTester, created->key.id, &keyError);
    QVERIFY2(rolled, qPrintable(keyError.message));
    QVERIFY(rolled->plaintext != created->plaintext);
    QVERIFY(rolled->plaintext.startsWith(QByteArray("llmgw_" + QByteArray::number(created->key.id) + '_')));
    QCOMPARE(rolled->key.id, created->key.id);
    QCOMPARE(rolled->key.name, u"ci"_s);
    QCOMPARE(rolled->key.member, u"dev@example.com"_s);
    QCOMPARE(rolled->key.limits, sampleLimits());

    QVERIFY(!store.identify(created->plaintext));
    QVERIFY(!store.authenticate(created->plaintext));
    QCOMPARE(store.authenticate(rolled->plaintext)->id, created->key.id);

    // Another process knew the old secret: it stops working there after refresh().
    QVERIFY(other.refresh(&keyError));
    QVERIFY(!other.authenticate(created->plaintext));
    QCOMPARE(other.authenticate(rolled->plaintext)->id, created->key.id);

    QVERIFY(!store.roll(kTester, 9999, &keyError));
    QCOMPARE(keyError.message, u"there is no API key with id 9999"_s);
}

void TestKeyStore::disabledAndExpiredKeysAreIdentifiedButNotAuthenticated()
{
    ApiKeyStore store(m_location, m_clock);
    QString error;
    StoreError keyError;
    const auto created = store.create(kTester, u"ci"_s, {}, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));

    QVERIFY(store.update(kTester, created->key.id, { {}, true, {} }, &keyError));
    QVERIFY(!store.authenticate(created->plaintext));
    QVERIFY(store.identify(created->plaintext));
    QVERIFY(store.identify(created->plaintext)->disabled);
    QVERIFY(store.update(kTester, created->key.id, { {}, false, {} }, &keyError));

    KeyLimits limits;
    limits.expiresAt = m_clock.now().addSecs(60);
    QVERIFY(store.update(kTester, created->key.id, { {}, {}, limits }, &keyError));
    QVERIFY(store.authenticate(created->plaintext));
    m_clock.advance(60s); // the exact instant of expiry
    QVERIFY(!store.authenticate(created->plaintext));
    QCOMPARE(store.identify(created->plaintext)->limits.expiresAt, limits.expiresAt);
}

void TestKeyStore::removeForgetsTheKeyButKeepsItsRecords()
{
    ApiKeyStore store(m_location, m_clock);
    QString error;
    StoreError keyError;
    const auto created = store.create(kTester, u"ci"_s, {}, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    {
        LogWriter writer(m_location);
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.enqueue(spendRecord(created->key.id, m_clock.now(), 0.5));
    }
    QVERIFY(store.remove(kTester, created->key.id, &keyError));
    QVERIFY(!store.identify(created->plaintext));
    QVERIFY(!store.find(created->key.id));
    QVERIFY(!store.remove(kTester, created->key.id, &keyError));

    QSqlDatabase db = Database::open(m_location, u"check"_s, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    {
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT COUNT(*) FROM requests WHERE api_key_id = %1"_s.arg(created->key.id)));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 1);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"check"_s);
}

void TestKeyStore::spendIsSeededFromTheRollupsAndOutlivesThePurge()
{
    QString error;
    StoreError keyError;
    qint64 keyId = 0;
    qint64 otherId = 0;
    {
        ApiKeyStore creator(m_location, m_clock);
        keyId = creator.create(kTester, u"ci"_s, {}, {}, &keyError)->key.id;
        otherId = creator.create(kTester, u"other"_s, {}, {}, &keyError)->key.id;
    }
    {
        LogWriter writer(m_location);
        QVERIFY2(writer.start(&error), qPrintable(error));
        writer.enqueue(spendRecord(keyId, utc(2024, 12, 31, 23, 59), 8.0)); // last month
        writer.enqueue(spendRecord(keyId, utc(2025, 1, 12, 23, 59), 4.0)); // this month, last week (Sunday)
        writer.enqueue(spendRecord(keyId, utc(2025, 1, 13), 2.0)); // this week (Monday 00:00)
        writer.enqueue(spendRecord(keyId, utc(2025, 1, 15, 11, 59), 1.0)); // today, last hour
        writer.enqueue(spendRecord(keyId, utc(2025, 1, 15, 12), 0.5)); // this hour
        writer.enqueue(spendRecord(keyId, utc(2025, 1, 15, 12, 1), std::nullopt)); // price unknown
        writer.enqueue(spendRecord(otherId, utc(2025, 1, 15, 12), 100.0)); // another key
    }
    {
        // The retention policy deletes the records; what they spent still counts against the limits.
        QSqlDatabase db = Database::open(m_location, u"purger"_s, &error);
        QSqlQuery purge(db);
        QVERIFY2(purge.exec(u"DELETE FROM requests"_s), qPrintable(purge.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"purger"_s);

    ApiKeyStore store(m_location, m_clock);
    QVERIFY2(store.refresh(&keyError), qPrintable(keyError.message)); // a store starts with an empty cache
    QVERIFY(store.find(keyId));
    ApiKey key = *store.find(keyId);
    const auto spendIn = [&](LimitPeriod period) {
        key.limits.period = period;
        return store.spend(key);
    };
    QCOMPARE(spendIn(LimitPeriod::None).allTime, 15.5);
    QCOMPARE(spendIn(LimitPeriod::Hour).period, 0.5);
    QCOMPARE(spendIn(LimitPeriod::Day).period, 1.5);
    QCOMPARE(spendIn(LimitPeriod::Week).period, 3.5);
    QCOMPARE(spendIn(LimitPeriod::Month).period, 7.5);
    QCOMPARE(spendIn(LimitPeriod::Week).periodEnd, utc(2025, 1, 20));

    // From now on the totals are kept in memory: rows written behind the store's back are not re-read.
    store.recordSpend(keyId, 0.25, m_clock.now());
    QCOMPARE(spendIn(LimitPeriod::Hour).period, 0.75);
    QCOMPARE(spendIn(LimitPeriod::None).allTime, 15.75);
}

void TestKeyStore::spendCrossesADayBoundary()
{
    ApiKeyStore store(m_location, m_clock);
    QString error;
    StoreError keyError;
    const auto created = store.create(kTester, u"ci"_s, {}, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    KeyLimits limits;
    limits.periodLimitUsd = 1;
    limits.period = LimitPeriod::Day;
    QVERIFY(store.update(kTester, created->key.id, { {}, {}, limits }, &keyError));
    const ApiKey key = *store.find(created->key.id);

    m_clock.setNow(utc(2025, 1, 15, 23, 59));
    store.recordSpend(key.id, 0.75, m_clock.now());
    QCOMPARE(store.spend(key).period, 0.75);
    QCOMPARE(store.spend(key).periodEnd, utc(2025, 1, 16));
    m_clock.advance(1min); // midnight UTC
    QCOMPARE(store.spend(key).period, 0.0);
    QCOMPARE(store.spend(key).allTime, 0.75);
    QCOMPARE(store.spend(key).periodEnd, utc(2025, 1, 17));
    store.recordSpend(key.id, 0.5, m_clock.now());
    QCOMPARE(store.spend(key).period, 0.5);
}

// Two gateways share the database, each with its key store and log writer: each one's totals catch up with
// the other's spend at a sync, and its own spend counts once.
void TestKeyStore::spendOfOtherInstancesIsCaughtUp()
{
    QString error;
    StoreError keyError;
    ApiKeyStore here(m_location, m_clock);
    const qint64 keyId = here.create(kTester, u"shared"_s, {}, {}, &keyError)->key.id;
    ApiKeyStore there(m_location, m_clock);
    QVERIFY2(there.refresh(&keyError), qPrintable(keyError.message));
    LogWriter hereLog(m_location);
    LogWriter thereLog(m_location);
    QVERIFY2(hereLog.start(&error) && thereLog.start(&error), qPrintable(error));
    ApiKey key = *here.find(keyId);
    key.limits.period = LimitPeriod::Day;
    QCOMPARE(here.spend(key).allTime, 0.0); // seeded: nothing spent yet

    // The other instance spends 3.0 (its store counts it, its writer writes it); this one spends 1.0.
    const auto spendThrough = [&](ApiKeyStore &store, LogWriter &log, double cost, int n) {
        RequestRecord r = spendRecord(keyId, m_clock.now(), cost);
        r.requestId += "-" + QByteArray::number(n);
        store.recordSpend(keyId, cost, r.createdAt);
        log.enqueue(r);
    };
    spendThrough(there, thereLog, 3.0, 1);
    spendThrough(here, hereLog, 1.0, 2);
    QCOMPARE(here.spend(key).allTime, 1.0); // not seen yet
    thereLog.flush();

    // The sync as the gateway runs it: mark, write what was recorded before, read. A request that finishes
    // meanwhile, its record not yet written, counts once.
    here.beginSpendSync();
    hereLog.flush();
    RequestRecord late = spendRecord(keyId, m_clock.now(), 0.5);
    late.requestId += "-late";
    here.recordSpend(keyId, 0.5, late.createdAt);
    QVERIFY2(here.completeSpendSync(&error), qPrintable(error));
    QCOMPARE(here.spend(key).allTime, 4.5);
    QCOMPARE(here.spend(key).period, 4.5);
    hereLog.enqueue(late);
    hereLog.flush();
    here.beginSpendSync();
    QVERIFY2(here.completeSpendSync(&error), qPrintable(error));
    QCOMPARE(here.spend(key).allTime, 4.5); // the same, now all from the database
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"
