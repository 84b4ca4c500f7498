// The logs' pages (RecordStore::logPage) on SQLite and (tst_logpage_postgres, through
// tests/support/with-postgres.sh) on PostgreSQL: every filter, walked page by page with the `before` cursor
// and followed with `after`, gives exactly the records a plain reading of the filter gives, in order, none
// twice and none skipped — in particular the model filter, which matches the requested or the used model and
// is answered from two indexes (LogSelection), on records whose two models differ (fallbacks, aliases) and
// agree. And the plans: a page filtered by model or member reads those columns' indexes, not every record.

#include "database.h"
#include "fastquery.h"
#include "logselection.h"
#include "logwriter.h"
#include "recordstore.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <map>

using namespace Qt::StringLiterals;

namespace {

const QDateTime kStart(QDate(2026, 10, 1), QTime(8, 0), Qt::UTC);

// Record `i` of the suite's store: every combination of the requested and the used model a gateway writes
// (the same; a fallback to another model; an alias resolved; a provider's prefix dropped), statuses with
// and without errors, three members and keys, a minute apart.
RequestRecord record(int i)
{
    struct Models
    {
        const char *requested;
        const char *used;
    };
    static constexpr Models kModels[] = {
        { "gpt-4o", "gpt-4o" },
        { "gpt-4o", "claude-sonnet-4-5" }, // fallback
        { "claude-sonnet-4-5", "claude-sonnet-4-5" },
        { "fast", "gpt-4o-mini" }, // alias
        { "openai/gpt-4o-mini", "gpt-4o-mini" },
        { "claude-sonnet-4-5", "gpt-4o" }, // fallback the other way
        { "o'brien ? %1", "o'brien ? %1" }, // quotes, a placeholder's and an argument's characters
        { "rare", "rare" },
    };
    const Models &models = kModels[i % 7 == 3 ? 7 : (i * 5 + i / 7) % 7];
    RequestRecord r;
    r.requestId = "req-" + QByteArray::number(i);
    r.createdAt = kStart.addSecs(qint64(i) * 60);
    r.apiKeyId = 1 + i % 3;
    r.member = QStringList { u"ana@example.com"_s, u"ben@example.com"_s, u"chen@example.com"_s }.at(i % 3);
    r.requestedModel = QString::fromUtf8(models.requested);
    r.usedModel = QString::fromUtf8(models.used);
    r.usedProvider = r.usedModel.startsWith(u"claude"_s) ? u"anthropic"_s : u"openai"_s;
    static constexpr int kStatuses[] = { 200, 200, 429, 200, 500, 200, 0, 200, 200, 502, 200 };
    r.status = kStatuses[(i * 3) % std::size(kStatuses)];
    r.finishReason = r.status == 200 ? (i % 4 == 0 ? u"length"_s : u"stop"_s) : QString();
    r.error = r.status == 200 ? QString() : u"upstream failed"_s;
    r.durationMs = 100 + i;
    return r;
}

constexpr int kRecords = 240;

// What the filter of `q` lets through, as a plain reading of LogQuery's fields.
bool matches(const RequestRecord &r, const LogQuery &q)
{
    const RecordFilter &f = q.filter;
    return (!f.from.isValid() || r.createdAt >= f.from) && (!f.to.isValid() || r.createdAt < f.to)
        && (f.model.isEmpty() || r.usedModel == f.model || r.requestedModel == f.model)
        && (f.provider.isEmpty() || r.usedProvider == f.provider)
        && (!f.apiKeyId || r.apiKeyId == *f.apiKeyId) && (f.member.isEmpty() || r.member == f.member)
        && (!q.status || r.status == *q.status) && (!q.errorsOnly || r.status >= 400 || r.status == 0)
        && (q.finishReason.isEmpty() || r.finishReason == q.finishReason);
}

QList<qint64> idsOf(const LogPage &page)
{
    QList<qint64> ids;
    for (const QJsonValue &value : QJsonDocument::fromJson(page.records).array())
        ids.append(value.toObject().value(u"id"_s).toInteger());
    return ids;
}

} // namespace

Q_DECLARE_METATYPE(LogQuery)

class TestLogPage final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void pagesBackAndForth_data();
    void pagesBackAndForth();
    void filteredPagesReadAnIndex_data();
    void filteredPagesReadAnIndex();

private:
    // The ids of the suite's records that `q` matches, oldest first.
    QList<qint64> expected(const LogQuery &q) const;

    QTemporaryDir m_dir;
    TestDatabase m_database;
    std::optional<DatabaseLocation> m_location;
    std::map<qint64, RequestRecord> m_stored; // by id, as the store numbered them
};

void TestLogPage::initTestCase()
{
    QString error;
    QVERIFY2(m_database.create(&error), qPrintable(error));
    m_location = m_database.location(m_dir.path());
    LogWriter writer(*m_location);
    QVERIFY2(writer.start(&error), qPrintable(error));
    for (int i = 0; i < kRecords; ++i)
        writer.enqueue(record(i));
    writer.stop();
    QCOMPARE(writer.writtenCount(), qint64(kRecords));

    QSqlDatabase db = Database::open(*m_location, u"ids"_s, &error);
    QVERIFY2(db.isOpen(), qPrintable(error));
    {
        QSqlQuery ids(db);
        QVERIFY2(ids.exec(u"SELECT id, request_id FROM requests"_s), qPrintable(ids.lastError().text()));
        while (ids.next())
            m_stored[ids.value(0).toLongLong()] = record(ids.value(1).toString().mid(4).toInt());
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"ids"_s);
    QCOMPARE(int(m_stored.size()), kRecords);
}

QList<qint64> TestLogPage::expected(const LogQuery &q) const
{
    QList<qint64> ids;
    for (const auto &[id, r] : m_stored)
        if (matches(r, q))
            ids.append(id);
    return ids;
}

void TestLogPage::pagesBackAndForth_data()
{
    QTest::addColumn<LogQuery>("query");
    const auto add = [](const char *name, const std::function<void(LogQuery &)> &set) {
        for (const int limit : { 1, 7, 50, 500 }) {
            LogQuery q;
            q.limit = limit;
            set(q);
            QTest::addRow("%s, limit %d", name, limit) << q;
        }
    };
    add("no filter", [](LogQuery &) {});
    add("model used and requested", [](LogQuery &q) { q.filter.model = u"gpt-4o"_s; });
    add("model also a fallback's", [](LogQuery &q) { q.filter.model = u"claude-sonnet-4-5"_s; });
    add("model only used", [](LogQuery &q) { q.filter.model = u"gpt-4o-mini"_s; });
    add("model only requested (alias)", [](LogQuery &q) { q.filter.model = u"fast"_s; });
    add("model with quotes and placeholders", [](LogQuery &q) { q.filter.model = u"o'brien ? %1"_s; });
    add("model that no record has", [](LogQuery &q) { q.filter.model = u"gpt-3"_s; });
    add("rare model's errors", [](LogQuery &q) {
        q.filter.model = u"rare"_s;
        q.errorsOnly = true;
    });
    add("model's errors", [](LogQuery &q) {
        q.filter.model = u"claude-sonnet-4-5"_s;
        q.errorsOnly = true;
    });
    add("model and status", [](LogQuery &q) {
        q.filter.model = u"gpt-4o"_s;
        q.status = 429;
    });
    add("model, member, key and time", [](LogQuery &q) {
        q.filter.model = u"gpt-4o-mini"_s;
        q.filter.member = u"ben@example.com"_s;
        q.filter.from = kStart.addSecs(30 * 60);
        q.filter.to = kStart.addSecs(200 * 60);
    });
    add("model, provider and finish reason", [](LogQuery &q) {
        q.filter.model = u"claude-sonnet-4-5"_s;
        q.filter.provider = u"openai"_s;
        q.finishReason = u"stop"_s;
    });
    add("member's errors of a week", [](LogQuery &q) {
        q.filter.member = u"chen@example.com"_s;
        q.filter.from = kStart.addSecs(60 * 60);
        q.errorsOnly = true;
    });
    add("key", [](LogQuery &q) { q.filter.apiKeyId = 2; });
}

void TestLogPage::pagesBackAndForth()
{
    QFETCH(LogQuery, query);
    const QList<qint64> all = expected(query);
    const qint64 newest = m_stored.rbegin()->first;
    RecordStore store(*m_location);
    StoreError error;

    // Back from the newest with `before`, page by page: each full but the last, newest first.
    QList<qint64> back;
    LogQuery q = query;
    for (int pages = 0;; ++pages) {
        QVERIFY(pages <= kRecords);
        const auto page = store.logPage(q, &error);
        QVERIFY2(page, qPrintable(error.message));
        QCOMPARE(page->latestId, newest);
        const QList<qint64> ids = idsOf(*page);
        QVERIFY(std::is_sorted(ids.rbegin(), ids.rend()));
        back += ids;
        if (page->nextBefore == 0) {
            QVERIFY(ids.size() <= q.limit);
            break;
        }
        QCOMPARE(ids.size(), qsizetype(q.limit));
        QCOMPARE(page->nextBefore, ids.last());
        q.beforeId = page->nextBefore;
    }
    std::reverse(back.begin(), back.end());
    QCOMPARE(back, all);

    // Following with `after` from before the first record: the oldest `limit` newer ones each time, shown
    // newest first, and latest_id where to go on (the newest of the page while more remain).
    QList<qint64> forth;
    q = query;
    q.afterId = 0;
    for (int pages = 0;; ++pages) {
        QVERIFY(pages <= kRecords + 1);
        const auto page = store.logPage(q, &error);
        QVERIFY2(page, qPrintable(error.message));
        QCOMPARE(page->nextBefore, qint64(0));
        QList<qint64> ids = idsOf(*page);
        QVERIFY(std::is_sorted(ids.rbegin(), ids.rend()));
        std::reverse(ids.begin(), ids.end());
        forth += ids;
        if (ids.size() < q.limit) {
            QCOMPARE(page->latestId, newest);
            break;
        }
        QCOMPARE(page->latestId, ids.last());
        q.afterId = page->latestId;
    }
    QCOMPARE(forth, all);
}

void TestLogPage::filteredPagesReadAnIndex_data()
{
    QTest::addColumn<LogQuery>("query");
    QTest::addColumn<QStringList>("indexes"); // each must appear in the plan
    LogQuery byModel;
    byModel.filter.model = u"gpt-3"_s;
    QTest::newRow("model") << byModel
                           << QStringList { u"idx_requests_used_model"_s, u"idx_requests_requested_model"_s };
    LogQuery rareErrors = byModel;
    rareErrors.errorsOnly = true;
    rareErrors.beforeId = 10'000;
    QTest::newRow("model's errors, paging back")
        << rareErrors << QStringList { u"idx_requests_used_model"_s, u"idx_requests_requested_model"_s };
    LogQuery following = byModel;
    following.afterId = 10'000;
    QTest::newRow("model, following")
        << following << QStringList { u"idx_requests_used_model"_s, u"idx_requests_requested_model"_s };
    LogQuery memberWeek;
    memberWeek.filter.member = u"m3@example.com"_s;
    memberWeek.filter.from = kStart.addDays(-7);
    memberWeek.errorsOnly = true;
    QTest::newRow("member's errors of a week") << memberWeek << QStringList { u"idx_requests_member"_s };
    LogQuery byKey;
    byKey.filter.apiKeyId = 3;
    QTest::newRow("key") << byKey << QStringList { u"idx_requests_api_key_id"_s };
}

// The plans, on a store of its own with enough records that PostgreSQL's planner, given their statistics,
// weighs an index against reading the table: 20,000 over 100 models, 20 members and 100 keys, 1 in 47 an
// error. (Where a value is common and spread evenly, PostgreSQL rightly walks the primary key back until a
// page is full; the indexes are for the values that are not, whose records lie far apart or far back.) SQLite
// plans without statistics, as the gateway leaves it.
void TestLogPage::filteredPagesReadAnIndex()
{
    QFETCH(LogQuery, query);
    QFETCH(QStringList, indexes);
    QString error;
    TestDatabase database;
    QVERIFY2(database.create(&error), qPrintable(error));
    QTemporaryDir dir;
    const DatabaseLocation location = database.location(dir.path());
    QSqlDatabase db = Database::open(location, u"plans"_s, &error);
    QVERIFY2(db.isOpen(), qPrintable(error));
    const bool postgres = Database::isPostgres(db);
    QStringList plan;
    {
        QSqlQuery sql(db);
        QVERIFY2(
            sql.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                     "INSERT INTO requests (created_at, api_key_id, member, requested_model, used_model, "
                     "status) SELECT '2026-10-01T08:00:00.000Z', 1 + i % 100, 'm' || (i % 20) || "
                     "'@example.com', 'gpt-' || (i % 100), 'gpt-' || ((i + i / 7) % 100), "
                     "CASE WHEN i % 47 = 0 THEN 500 ELSE 200 END FROM n"_s),
            qPrintable(sql.lastError().text()));
        if (postgres)
            QVERIFY2(sql.exec(u"ANALYZE requests"_s), qPrintable(sql.lastError().text()));
        // Through the C APIs: Qt's PostgreSQL driver prepares with PREPARE, which takes no EXPLAIN.
        const RecordExporter::Selection selection = LogSelection::of(query, 20'000, location.kind);
        FastQuery explain(db);
        QVERIFY(explain.prepare((postgres ? u"EXPLAIN "_s : u"EXPLAIN QUERY PLAN "_s)
            + RecordExporter::selectStatement(selection)));
        for (int i = 0; i < selection.values.size(); ++i) {
            const QVariant &value = selection.values.at(i);
            if (value.typeId() == QMetaType::QString)
                explain.bind(i, value.toString());
            else
                explain.bind(i, value.toLongLong());
        }
        QVERIFY2(explain.exec(), qPrintable(explain.lastError()));
        while (explain.next())
            plan.append(explain.text(postgres ? 0 : 3)); // SQLite: id, parent, notused, detail
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"plans"_s);

    const QString text = plan.join(u'\n');
    for (const QString &index : indexes)
        QVERIFY2(text.contains(index), qPrintable(u"%1 unused:\n"_s.arg(index) + text));
    // Neither the whole table nor the primary key's range walked record by record (the primary key only to
    // fetch the page's records by id), nor every match of the filter read and sorted for a page.
    const QStringList scans = postgres ? QStringList { u"Seq Scan on requests"_s, u"BitmapOr"_s }
                                       : QStringList { u"SCAN requests"_s, u"PRIMARY KEY (rowid<"_s,
                                             u"PRIMARY KEY (rowid>"_s, u"USE TEMP B-TREE FOR ORDER BY"_s };
    for (const QString &scan : scans)
        QVERIFY2(!text.contains(scan), qPrintable(u"%1 in the plan:\n"_s.arg(scan) + text));
    if (postgres) {
        for (qsizetype line = 0; line < plan.size(); ++line) {
            if (!plan.at(line).contains(u"requests_pkey"_s))
                continue;
            const QString condition = line + 1 < plan.size() ? plan.at(line + 1) : QString();
            QVERIFY2(condition.contains(u"Index Cond: (id = "_s),
                qPrintable(u"the primary key read as a range:\n"_s + text));
        }
    }
}

QTEST_GUILESS_MAIN(TestLogPage)
#include "tst_logpage.moc"
