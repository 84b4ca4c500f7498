// The providers' settings rows in the database's settings table, on SQLite and
// (tst_providersettings_postgres, through tests/support/with-postgres.sh) on PostgreSQL: written with their
// audit row in one transaction, replaced, removed when empty, and the month's spend per provider summed from
// the records.

#include "database.h"
#include "logwriter.h"
#include "providersettings.h"
#include "testdatabase.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProviderSettings final : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip();

private:
    QTemporaryDir m_dir;
    TestDatabase m_database;
};

void TestProviderSettings::roundTrip()
{
    QString error;
    QVERIFY2(m_database.create(&error), qPrintable(error));
    const std::optional<DatabaseLocation> where = m_database.location(m_dir.path());
    ProviderSettingsStore store(*where);
    StoreError storeError;
    AuditEntry audit;
    audit.at = QDateTime(QDate(2026, 11, 3), QTime(8, 0), Qt::UTC);
    audit.actorEmail = u"owner@example.org"_s;
    audit.action = u"provider.update"_s;
    audit.target = u"provider:groq"_s;

    ProviderSettings groq;
    groq.baseUrl = u"http://127.0.0.1:8000/v1"_s;
    groq.spendLimitUsd = 20;
    QVERIFY2(store.write(u"groq"_s, groq, audit, &storeError), qPrintable(storeError.message));
    groq.allowedModels = { u"llama*"_s };
    groq.keyStored = true;
    QVERIFY2(store.write(u"groq"_s, groq, audit, &storeError),
        qPrintable(storeError.message)); // replaced, not added
    QVERIFY2(
        store.write(u"openai"_s, ProviderSettings(), audit, &storeError), qPrintable(storeError.message));
    auto all = store.readAll(&storeError);
    QVERIFY2(all, qPrintable(storeError.message));
    QCOMPARE(all->size(), 1);
    QCOMPARE(all->value(u"groq"_s), groq);
    QVERIFY2(store.write(u"groq"_s, ProviderSettings(), audit, &storeError),
        qPrintable(storeError.message)); // empty: removed
    QVERIFY(store.readAll(&storeError)->isEmpty());

    // Four writes, four audit rows, each in the transaction of the row it describes.
    StoreError auditError;
    const auto log = AuditLog(*where).page(0, 10, &auditError);
    QVERIFY2(log, qPrintable(auditError.message));
    QCOMPARE(log->size(), 4);

    LogWriter writer(*where);
    QVERIFY2(writer.start(&error), qPrintable(error));
    for (const auto &[provider, cost, day] :
        { std::tuple { u"groq"_s, 0.25, 2 }, std::tuple { u"groq"_s, 0.5, 20 },
            std::tuple { u"openai"_s, 1.0, 5 }, std::tuple { u"groq"_s, 7.0, -3 } }) {
        RequestRecord record;
        record.requestId = QByteArray::number(QRandomGenerator::global()->generate());
        record.createdAt = QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC).addDays(day);
        record.usedProvider = provider;
        record.cost = Cost {};
        record.cost->input = cost;
        writer.enqueue(std::move(record));
    }
    writer.stop();
    const auto spend = store.spendSince(QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC), &storeError);
    QVERIFY2(spend, qPrintable(storeError.message));
    QCOMPARE(spend->value(u"groq"_s), 0.75); // the one of October does not count
    QCOMPARE(spend->value(u"openai"_s), 1.0);
}

QTEST_GUILESS_MAIN(TestProviderSettings)
#include "tst_providersettings.moc"
