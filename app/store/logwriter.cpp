#include "logwriter.h"

#include "sqliterecordinserter.h"
#include "storelog.h"
#include "usagerollups.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <iterator>

using namespace Qt::StringLiterals;

namespace {

constexpr const char *kColumns[] = {
    "request_id", "created_at", "api_key_id", "member", "client_ip", "user_agent", "endpoint", "requested_model",
    "used_model", "used_provider", "streamed", "status", "finish_reason", "error", "prompt_tokens",
    "completion_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens", "total_tokens", "usage_estimated",
    "cost", "cost_input", "cost_cached_input", "cost_cache_write", "cost_output", "duration_ms", "ttft_ms",
    "request_body", "response_body", "attempt", "cache_hit", "retried",
};
constexpr int kColumnCount = int(std::size(kColumns));

// Rows per INSERT on PostgreSQL: one round trip per statement instead of one per record.
constexpr int kRowsPerStatement = 100;

// The INSERT for `rows` rows, with positional placeholders (SQLite's C API and PostgreSQL bind by position;
// Qt's named binding compares each name with every other, quadratic in a multi-row statement).
struct InsertStatement
{
    QString sql;
    explicit InsertStatement(int rows)
    {
        QStringList columns;
        for (const char *column : kColumns)
            columns.append(QLatin1String(column));
        const QString tuple = u'(' + QStringList(kColumnCount, u"?"_s).join(u", "_s) + u')';
        sql = u"INSERT INTO requests ("_s + columns.join(u", "_s) + u") VALUES "_s
            + QStringList(rows, tuple).join(u", "_s);
    }
};

const InsertStatement &insertStatement(int rows)
{
    static const InsertStatement one(1);
    static const InsertStatement full(kRowsPerStatement);
    Q_ASSERT(rows == 1 || rows == kRowsPerStatement);
    return rows == 1 ? one : full;
}

enum class Outcome { Ok, Retry, Failed };

QVariant nullOf(QMetaType type)
{
    return QVariant(type);
}

// The drivers bind a null QString as NULL; the text columns are NOT NULL with '' for "none".
QString text(const QString &value)
{
    static const QString empty = u""_s;
    return value.isNull() ? empty : value;
}

// Binds `r` to the placeholders of one row of a statement, the first of them at `first`.
void bindRecord(QSqlQuery &query, const RequestRecord &r, int first)
{
    // A record without a time gets the time it is written: a NULL would drop it from every time range.
    const QDateTime created = r.createdAt.isValid() ? r.createdAt : QDateTime::currentDateTimeUtc();
    const QVariant nullDouble = nullOf(QMetaType::fromType<double>());
    int i = first;
    query.bindValue(i++, text(QString::fromUtf8(r.requestId)));
    query.bindValue(i++, created.toUTC().toString(Qt::ISODateWithMs));
    query.bindValue(i++, r.apiKeyId > 0 ? QVariant(r.apiKeyId) : nullOf(QMetaType::fromType<qint64>()));
    query.bindValue(i++, text(r.member));
    query.bindValue(i++, text(r.clientIp));
    query.bindValue(i++, text(r.userAgent));
    query.bindValue(i++, text(r.endpoint));
    query.bindValue(i++, text(r.requestedModel));
    query.bindValue(i++, text(r.usedModel));
    query.bindValue(i++, text(r.usedProvider));
    query.bindValue(i++, int(r.streamed));
    query.bindValue(i++, r.status);
    query.bindValue(i++, text(r.finishReason));
    query.bindValue(i++, text(r.error));
    query.bindValue(i++, r.usage.promptTokens);
    query.bindValue(i++, r.usage.completionTokens);
    query.bindValue(i++, r.usage.cachedTokens);
    query.bindValue(i++, r.usage.cacheWriteTokens);
    query.bindValue(i++, r.usage.reasoningTokens);
    query.bindValue(i++, r.usage.totalTokens());
    query.bindValue(i++, int(r.usage.estimated));
    query.bindValue(i++, r.cost ? QVariant(r.cost->total()) : nullDouble);
    query.bindValue(i++, r.cost ? QVariant(r.cost->input) : nullDouble);
    query.bindValue(i++, r.cost ? QVariant(r.cost->cachedInput) : nullDouble);
    query.bindValue(i++, r.cost ? QVariant(r.cost->cacheWrite) : nullDouble);
    query.bindValue(i++, r.cost ? QVariant(r.cost->output) : nullDouble);
    query.bindValue(i++, r.durationMs);
    query.bindValue(i++, r.ttftMs ? QVariant(*r.ttftMs) : nullOf(QMetaType::fromType<qint64>()));
    // An empty body means "not retained" (metadata-only policy, or nothing to keep): NULL, not ''.
    const QVariant nullBytes = nullOf(QMetaType::fromType<QByteArray>());
    query.bindValue(i++, r.requestBody.isEmpty() ? nullBytes : QVariant(r.requestBody));
    query.bindValue(i++, r.responseBody.isEmpty() ? nullBytes : QVariant(r.responseBody));
    query.bindValue(i++, r.attempt);
    query.bindValue(i++, int(r.cacheHit));
    query.bindValue(i++, int(r.retried));
    Q_ASSERT(i == first + kColumnCount);
}

// Worth one more attempt: SQLite still busy after its timeout, a PostgreSQL serialization failure or a
// dropped connection (the server restarted).
bool isTransient(const QSqlDatabase &db, const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    if (db.driverName() == "QSQLITE"_L1)
        return code == "5"_L1 || code == "6"_L1 || code == "261"_L1 || code == "517"_L1; // BUSY, LOCKED, extended BUSY
    return error.type() == QSqlError::ConnectionError || code.startsWith("08"_L1) || code.startsWith("57P"_L1)
        || code == "40001"_L1 || code == "40P01"_L1;
}

Outcome insertAll(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
                  std::vector<RequestRecord>::const_iterator end, QString *error)
{
    if (!db.transaction()) {
        *error = db.lastError().text();
        return isTransient(db, db.lastError()) ? Outcome::Retry : Outcome::Failed;
    }
    QSqlError failure;
    QString sqliteError;
    auto sqlite = SqliteRecordInserter::create(db, insertStatement(1).sql.toUtf8().constData(), &sqliteError);
    if (sqlite) {
        int code = 0;
        for (auto it = begin; it != end; ++it) {
            if (!sqlite->insert(*it, &sqliteError, &code)) {
                sqlite.reset();
                db.rollback();
                *error = sqliteError;
                const int primary = code & 0xff;
                return primary == 5 || primary == 6 ? Outcome::Retry : Outcome::Failed; // BUSY, LOCKED
            }
        }
        sqlite.reset(); // finalized before the commit, so nothing holds the transaction open
    } else {
        // Full statements of kRowsPerStatement rows, then the rest one by one.
        QSqlQuery full(db);
        QSqlQuery single(db);
        for (auto it = begin; it != end && !failure.isValid();) {
            const bool many = end - it >= kRowsPerStatement;
            const InsertStatement &statement = insertStatement(many ? kRowsPerStatement : 1);
            QSqlQuery &query = many ? full : single;
            if (query.lastQuery().isEmpty() && !query.prepare(statement.sql)) {
                failure = query.lastError();
                break;
            }
            for (int row = 0; row < (many ? kRowsPerStatement : 1); ++row, ++it)
                bindRecord(query, *it, row * kColumnCount);
            if (!query.exec())
                failure = query.lastError();
        }
    }
    QString rollupError;
    if (!failure.isValid() && !UsageRollups::add(db, begin, end, &rollupError))
        failure = db.lastError().isValid() ? db.lastError() : QSqlError(rollupError, {}, QSqlError::StatementError);
    if (!failure.isValid() && db.commit())
        return Outcome::Ok;
    if (!failure.isValid())
        failure = db.lastError();
    db.rollback();
    *error = failure.text();
    return isTransient(db, failure) ? Outcome::Retry : Outcome::Failed;
}

} // namespace

LogWriter::LogWriter(DatabaseLocation location, QObject *parent)
    : QObject(parent)
    , m_location(std::move(location))
    , m_connectionName(u"gateway.logwriter.%1"_s.arg(quintptr(this), 0, 16))
{
}

LogWriter::~LogWriter()
{
    stop();
}

bool LogWriter::start(QString *error)
{
    QMutexLocker locker(&m_mutex);
    if (m_thread)
        return true;
    m_stopping = false;
    m_startDone = false;
    m_startError.clear();
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(u"gateway.logwriter"_s);
    m_thread->start();
    while (!m_startDone)
        m_started.wait(&m_mutex);
    if (m_running)
        return true;
    *error = m_startError;
    QThread *thread = std::exchange(m_thread, nullptr);
    locker.unlock();
    thread->wait();
    delete thread;
    return false;
}

void LogWriter::enqueue(RequestRecord record)
{
    QMutexLocker locker(&m_mutex);
    if (m_stopping && !m_running) {
        ++m_enqueued;
        ++m_done;
        ++m_failed;
        locker.unlock();
        qCWarning(lcStore).noquote() << "request record" << record.requestId
                                     << "arrived after the log writer stopped; not written";
        return;
    }
    m_queue.push_back(std::move(record));
    ++m_enqueued;
    // Waking on every record would cost a context switch each; the writer only needs to hear about the
    // first one (to start gathering) and about a full batch (to stop gathering).
    if (m_queue.size() == 1 || m_queue.size() == size_t(kMaxBatch))
        m_wake.wakeOne();
}

void LogWriter::flush()
{
    QMutexLocker locker(&m_mutex);
    if (!m_running || QThread::currentThread() == m_thread)
        return;
    const quint64 target = m_enqueued;
    ++m_flushWaiters;
    m_wake.wakeOne();
    while (m_done < target && m_running)
        m_flushed.wait(&m_mutex);
    --m_flushWaiters;
}

void LogWriter::stop()
{
    QMutexLocker locker(&m_mutex);
    if (m_thread && QThread::currentThread() == m_thread) {
        qCWarning(lcStore) << "LogWriter::stop() called from its own thread (a direct connection to "
                              "recordsWritten?); ignored";
        return;
    }
    m_stopping = true;
    if (!m_thread) {
        failPendingLocked("the log writer was never started");
        return;
    }
    QThread *thread = std::exchange(m_thread, nullptr);
    m_wake.wakeAll();
    locker.unlock();
    thread->wait();
    delete thread;
    locker.relock();
    failPendingLocked("the log writer stopped"); // only if the writer died without draining
}

qint64 LogWriter::writtenCount() const
{
    QMutexLocker locker(&m_mutex);
    return m_written;
}

qint64 LogWriter::failedCount() const
{
    QMutexLocker locker(&m_mutex);
    return m_failed;
}

void LogWriter::failPendingLocked(const char *why)
{
    if (m_queue.empty())
        return;
    const auto count = qint64(m_queue.size());
    m_queue.clear();
    m_failed += count;
    m_done += quint64(count);
    m_flushed.wakeAll();
    qCWarning(lcStore).nospace().noquote() << count << " request records were not written: " << why;
}

void LogWriter::run()
{
    QString error;
    {
        QSqlDatabase db = Database::open(m_location, m_connectionName, &error);
        if (error.isEmpty() && db.driverName() == "QSQLITE"_L1) {
            QSqlQuery cache(db);
            cache.exec(u"PRAGMA cache_size=-1000"_s); // 1 MiB: the recent index pages it inserts into
        }
    }
    {
        QMutexLocker locker(&m_mutex);
        m_startError = error;
        m_running = error.isEmpty();
        m_startDone = true;
        m_started.wakeAll();
        if (!m_running)
            return; // open() already removed the connection
    }

    QMutexLocker locker(&m_mutex);
    for (;;) {
        while (m_queue.empty() && !m_stopping)
            m_wake.wait(&m_mutex);
        if (m_queue.empty()) { // stopping, and everything is written
            m_running = false;
            m_flushed.wakeAll();
            break;
        }
        if (!m_stopping && m_flushWaiters == 0 && m_queue.size() < size_t(kMaxBatch)) {
            const QDeadlineTimer gather(kGatherMs);
            while (!m_stopping && m_flushWaiters == 0 && m_queue.size() < size_t(kMaxBatch) && !gather.hasExpired())
                m_wake.wait(&m_mutex, gather);
        }
        std::vector<RequestRecord> taken;
        taken.swap(m_queue);
        locker.unlock();

        for (size_t first = 0; first < taken.size(); first += size_t(kMaxBatch)) {
            const size_t last = std::min(taken.size(), first + size_t(kMaxBatch));
            std::vector<RequestRecord> batch(std::make_move_iterator(taken.begin() + qsizetype(first)),
                                             std::make_move_iterator(taken.begin() + qsizetype(last)));
            const int count = int(batch.size());
            const int written = writeBatch(batch) ? int(batch.size()) : 0;
            locker.relock();
            m_written += written;
            m_failed += count - written;
            m_done += quint64(count);
            m_flushed.wakeAll();
            locker.unlock();
            if (written > 0)
                emit recordsWritten(written);
        }
        locker.relock();
    }
    locker.unlock();

    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool LogWriter::writeBatch(std::vector<RequestRecord> &batch)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QString error;
    Outcome outcome = insertAll(db, batch.cbegin(), batch.cend(), &error);
    if (outcome == Outcome::Retry) {
        qCWarning(lcStore).noquote() << "writing" << batch.size() << "request records failed, retrying once:" << error;
        if (db.driverName() == "QPSQL"_L1) { // the connection may be gone; a fresh one costs little here
            db.close();
            db.open();
        }
        outcome = insertAll(db, batch.cbegin(), batch.cend(), &error);
    }
    if (outcome == Outcome::Ok)
        return true;
    if (batch.size() > 1) {
        // One bad record must not take its batch down with it: write them one by one, keep what goes in.
        std::vector<RequestRecord> kept;
        QString firstError;
        for (auto it = batch.begin(); it != batch.end(); ++it) {
            QString rowError;
            if (insertAll(db, it, it + 1, &rowError) == Outcome::Ok)
                kept.push_back(std::move(*it));
            else if (firstError.isEmpty())
                firstError = rowError;
        }
        if (!kept.empty()) {
            qCWarning(lcStore).nospace().noquote() << "could not write " << batch.size() - kept.size() << " of "
                                         << batch.size() << " request records: " << firstError;
            batch.swap(kept);
            return true;
        }
    }
    qCWarning(lcStore).nospace().noquote() << "could not write " << batch.size() << " request records to "
                                 << m_location.displayName() << ": " << error;
    return false;
}
