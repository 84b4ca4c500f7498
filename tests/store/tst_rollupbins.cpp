// Packed latency histograms (LatencyBins::pack), as the usage rollups store them: the bytes, their reading,
// the refusal of what is not one, and the SQL functions that add them up in the database giving the same
// bytes as the C++; on SQLite and, as tst_rollupbins_postgres, on PostgreSQL (PL/pgSQL).
#include "database.h"
#include "fastquery.h"
#include "testdatabase.h"
#include "usagetotals.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;

namespace {

LatencyBins::Counts randomCounts(QRandomGenerator &random)
{
    LatencyBins::Counts counts {};
    const int filled = random.bounded(LatencyBins::kCount + 1);
    for (int i = 0; i < filled; ++i) {
        const int bits = random.bounded(1, 61); // counts of every width, up to 60 bits: three add up
        counts[size_t(random.bounded(LatencyBins::kCount))] = qint64(random.generate64() >> (64 - bits));
    }
    return counts;
}

LatencyBins::Counts unpacked(const QByteArray &packed)
{
    LatencyBins::Counts counts {};
    if (!LatencyBins::addPacked(packed, counts))
        qWarning() << "not a packed histogram:" << packed.toHex();
    return counts;
}

LatencyBins::Counts sum(const LatencyBins::Counts &a, const LatencyBins::Counts &b)
{
    LatencyBins::Counts counts = a;
    for (size_t i = 0; i < counts.size(); ++i)
        counts[i] += b[i];
    return counts;
}

} // namespace

class TestRollupBins final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void packsTheNonZeroBins();
    void readsBackWhatItPacks();
    void refusesWhatIsNotAHistogram_data();
    void refusesWhatIsNotAHistogram();
    void sqlFunctionsGiveTheSameBytes();
    void sqlFunctionsRefuseWhatIsNotAHistogram();

private:
    QByteArray selectOne(const QString &sql, const std::vector<QByteArray> &blobs, QString *error);

    QTemporaryDir m_dir;
    TestDatabase m_database;
    QSqlDatabase m_db;
};

void TestRollupBins::init()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_database.create(&error), qPrintable(error));
    m_db = Database::open(m_database.location(m_dir.path()), u"rollupbins"_s, &error);
    QVERIFY2(m_db.isValid(), qPrintable(error));
}

void TestRollupBins::cleanup()
{
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"rollupbins"_s);
}

void TestRollupBins::packsTheNonZeroBins()
{
    LatencyBins::Counts counts {};
    QCOMPARE(LatencyBins::pack(counts), QByteArray());
    counts[1] = 5;
    counts[3] = 300; // 0b10'0101100: 0xac, then 0x02
    counts[63] = 127;
    QCOMPARE(LatencyBins::pack(counts).toHex(),
        QByteArray("0105"
                   "03ac02"
                   "3f7f"));
    counts[0] = std::numeric_limits<qint64>::max(); // 63 bits: nine bytes
    QCOMPARE(LatencyBins::pack(counts).toHex().left(20), QByteArray("00ffffffffffffffff7f"));
}

void TestRollupBins::readsBackWhatItPacks()
{
    QRandomGenerator random(20261206);
    for (int round = 0; round < 500; ++round) {
        const LatencyBins::Counts counts = randomCounts(random);
        LatencyBins::Counts read {};
        QVERIFY(LatencyBins::addPacked(LatencyBins::pack(counts), read));
        QCOMPARE(read, counts);
        // And added to what is there.
        QVERIFY(LatencyBins::addPacked(LatencyBins::pack(counts), read));
        QCOMPARE(read, sum(counts, counts));
    }
}

void TestRollupBins::refusesWhatIsNotAHistogram_data()
{
    QTest::addColumn<QByteArray>("packed");
    QTest::newRow("a bin past the last") << QByteArray::fromHex("4001");
    QTest::newRow("a count cut short") << QByteArray::fromHex("0105"
                                                              "0280");
    QTest::newRow("a bin without a count") << QByteArray::fromHex("0105"
                                                                  "02");
    QTest::newRow("a count of 64 bits") << QByteArray::fromHex("00ffffffffffffffffff01");
}

void TestRollupBins::refusesWhatIsNotAHistogram()
{
    QFETCH(QByteArray, packed);
    LatencyBins::Counts counts {};
    QVERIFY(!LatencyBins::addPacked(packed, counts));
}

QByteArray TestRollupBins::selectOne(const QString &sql, const std::vector<QByteArray> &blobs, QString *error)
{
    FastQuery query(m_db);
    // Parameters are text on PostgreSQL unless told: {blob} stands for the engine's binary type.
    if (!query.prepare(
            QString(sql).replace(u"{blob}"_s, TestDatabase::onPostgres() ? u"BYTEA"_s : u"BLOB"_s))) {
        *error = query.lastError();
        return {};
    }
    for (size_t i = 0; i < blobs.size(); ++i)
        query.bindBlob(int(i), blobs[i]);
    if (!query.exec() || !query.next()) {
        *error = query.lastError();
        return {};
    }
    return query.blob(0);
}

void TestRollupBins::sqlFunctionsGiveTheSameBytes()
{
    QRandomGenerator random(7);
    QString error;
    for (int round = 0; round < 200; ++round) {
        const LatencyBins::Counts a = randomCounts(random);
        const LatencyBins::Counts b = randomCounts(random);
        const QByteArray packedA = LatencyBins::pack(a);
        const QByteArray packedB = LatencyBins::pack(b);
        QCOMPARE(selectOne(u"SELECT llmgw_bins_add(?, ?)"_s, { packedA, packedB }, &error),
            LatencyBins::pack(sum(a, b)));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(selectOne(
                     u"SELECT llmgw_bins_sum(x) FROM (SELECT CAST(? AS {blob}) AS x UNION ALL SELECT ? UNION "
                     u"ALL SELECT ?) AS t"_s,
                     { packedA, packedB, packedA }, &error),
            LatencyBins::pack(sum(sum(a, b), a)));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList counts;
        for (qint64 count : a)
            counts.append(u"CAST(%1 AS BIGINT)"_s.arg(count));
        QCOMPARE(selectOne(u"SELECT llmgw_bins_pack(%1)"_s.arg(counts.join(u", "_s)), {}, &error), packedA);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    // An empty histogram is empty bytes, and so is the sum of no rows; adding one changes nothing.
    QCOMPARE(
        selectOne(u"SELECT llmgw_bins_add(?, ?)"_s, { QByteArray(), QByteArray() }, &error), QByteArray());
    const QByteArray some = LatencyBins::pack(randomCounts(random));
    QCOMPARE(selectOne(u"SELECT llmgw_bins_add(?, ?)"_s, { some, QByteArray() }, &error), some);
    QCOMPARE(selectOne(u"SELECT llmgw_bins_add(?, ?)"_s, { QByteArray(), some }, &error), some);
    QCOMPARE(selectOne(u"SELECT llmgw_bins_sum(x) FROM (SELECT CAST(? AS {blob}) AS x) AS t WHERE 1 = 0"_s,
                 { QByteArray() }, &error),
        QByteArray());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The few counts a record's bins give: the zeros left out (PostgreSQL's NULL, SQLite's missing
    // arguments).
    QCOMPARE(
        unpacked(selectOne(u"SELECT llmgw_bins_pack(CAST(0 AS BIGINT), CAST(2 AS BIGINT))"_s, {}, &error))[1],
        2);
}

void TestRollupBins::sqlFunctionsRefuseWhatIsNotAHistogram()
{
    QString error;
    selectOne(u"SELECT llmgw_bins_add(?, ?)"_s, { QByteArray::fromHex("0105"), QByteArray::fromHex("4001") },
        &error);
    QVERIFY2(error.contains(u"not a packed latency histogram"_s), qPrintable(error));
    error.clear();
    selectOne(u"SELECT llmgw_bins_sum(x) FROM (SELECT CAST(? AS {blob}) AS x) AS t"_s,
        { QByteArray::fromHex("0280") }, &error);
    QVERIFY2(error.contains(u"not a packed latency histogram"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestRollupBins)
#include "tst_rollupbins.moc"
