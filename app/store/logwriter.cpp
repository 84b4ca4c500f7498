#include "logwriter.h"

#include "database.h"
#include "pgrecordcopier.h"
#include "sqliterecordinserter.h"
#include "storelog.h"
#include "usagerollups.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <iterator>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

enum class Outcome { Ok, Retry, Failed };

// What a queued record holds in memory, roughly.
qint64 footprint(const RequestRecord &r)
{
    return 512 + r.requestBody.size() + r.responseBody.size();
}

qint64 footprint(const std::vector<RequestRecord> &records)
{
    qint64 bytes = 0;
    for (const RequestRecord &r : records)
        bytes += footprint(r);
    return bytes;
}

// Worth one more attempt: SQLite still busy after its timeout, a PostgreSQL serialization failure or a
// dropped connection (the server restarted).
bool isTransient(const QSqlDatabase &db, const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    if (Database::isSqlite(db))
        return code == "5"_L1 || code == "6"_L1 || code == "261"_L1
            || code == "517"_L1; // BUSY, LOCKED, extended BUSY
    return error.type() == QSqlError::ConnectionError || Database::isTransientPostgresState(code.toLatin1())
        || Database::isConnectionLost(db);
}

Outcome insertAll(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
    std::vector<RequestRecord>::const_iterator end, QString *error, UsageRollups::PreparedUpserts *upserts)
{
    if (!db.transaction()) {
        *error = db.lastError().text();
        return isTransient(db, db.lastError()) ? Outcome::Retry : Outcome::Failed;
    }
    QString sqliteError;
    auto sqlite = SqliteRecordInserter::create(db, &sqliteError);
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
        const PgCopy::Outcome copied = PgRecordCopier::copy(db, begin, end, error);
        if (copied != PgCopy::Outcome::Ok) {
            db.rollback();
            return copied == PgCopy::Outcome::Transient ? Outcome::Retry : Outcome::Failed;
        }
    }
    bool transient = false;
    if (!UsageRollups::add(db, begin, end, error, &transient, upserts)) {
        db.rollback();
        transient = transient || isTransient(db, QSqlError()); // or the connection went away meanwhile
        return transient ? Outcome::Retry : Outcome::Failed;
    }
    if (db.commit())
        return Outcome::Ok;
    const QSqlError failure = db.lastError();
    db.rollback();
    *error = failure.text();
    return isTransient(db, failure) ? Outcome::Retry : Outcome::Failed;
}

} // namespace

LogWriter::LogWriter(DatabaseLocation location, QObject *parent)
    : QObject(parent)
    , m_location(std::move(location))
    , m_connectionName(u"gateway.logwriter.%1"_s.arg(quintptr(this), 0, 16))
{ }

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
    const qint64 bytes = footprint(record);
    if (m_queuedBytes + bytes > m_queueLimitBytes) {
        ++m_enqueued;
        ++m_done;
        ++m_failed;
        if (!std::exchange(m_refusing, true)) {
            const qint64 waitingKiB = m_queuedBytes / 1024;
            locker.unlock();
            qCWarning(lcStore).nospace() << "the database has not taken the request records for a while and "
                                         << waitingKiB << " KiB of them wait: new ones are not kept until it "
                                         << "takes them";
        }
        return;
    }
    m_queuedBytes += bytes;
    m_queue.push_back(std::move(record));
    ++m_enqueued;
    // Waking on every record would cost a context switch each; the writer only needs to hear about the
    // first one (to start gathering) and about a full batch (to stop gathering).
    if (m_queue.size() == 1 || m_queue.size() == size_t(kMaxBatch))
        m_wake.wakeOne();
}

bool LogWriter::flush(QDeadlineTimer deadline)
{
    QMutexLocker locker(&m_mutex);
    if (!m_running || QThread::currentThread() == m_thread)
        return true;
    const quint64 target = m_enqueued;
    ++m_flushWaiters;
    m_wake.wakeOne();
    while (m_done < target && m_running) {
        if (!m_flushed.wait(&m_mutex, deadline))
            break;
    }
    --m_flushWaiters;
    return m_done >= target || !m_running;
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

LogWriter::Health LogWriter::health() const
{
    QMutexLocker locker(&m_mutex);
    return { qint64(m_enqueued - m_done), m_queuedBytes, m_failedBatches, m_failed, m_writeError };
}

qint64 LogWriter::queueLimitBytes() const
{
    QMutexLocker locker(&m_mutex);
    return m_queueLimitBytes;
}

void LogWriter::setQueueLimitBytes(qint64 bytes)
{
    QMutexLocker locker(&m_mutex);
    m_queueLimitBytes = bytes;
}

void LogWriter::failPendingLocked(const char *why)
{
    if (m_queue.empty())
        return;
    const auto count = qint64(m_queue.size());
    m_queuedBytes -= footprint(m_queue);
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
        if (error.isEmpty() && Database::isSqlite(db)) {
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

    // The connection's rollup upserts, prepared once (SQLite); gone before the connection closes.
    auto upserts = std::make_unique<UsageRollups::PreparedUpserts>();
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
            while (!m_stopping && m_flushWaiters == 0 && m_queue.size() < size_t(kMaxBatch)
                && !gather.hasExpired())
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
            const qint64 bytes = footprint(batch);
            const int written = writeBatch(batch, upserts.get()) ? int(batch.size()) : 0;
            locker.relock();
            m_written += written;
            m_failed += count - written;
            m_done += quint64(count);
            m_queuedBytes -= bytes;
            if (written > 0)
                m_refusing = false;
            m_flushed.wakeAll();
            locker.unlock();
            if (written > 0)
                emit recordsWritten(written);
        }
        locker.relock();
    }
    locker.unlock();
    upserts.reset();

    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool LogWriter::writeBatch(std::vector<RequestRecord> &batch, UsageRollups::PreparedUpserts *upserts)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QString error;
    Outcome outcome = insertAll(db, batch.cbegin(), batch.cend(), &error, upserts);
    if (outcome != Outcome::Ok) {
        QMutexLocker locker(&m_mutex);
        ++m_failedBatches;
        m_writeError = error;
    }
    // The database went away or is busy: wait for it, as long as the gateway runs.
    int attempts = 0;
    while (outcome == Outcome::Retry) {
        if (attempts++ == 0)
            qCWarning(lcStore).noquote()
                << "writing" << batch.size()
                << "request records failed; trying again until the database takes them:" << error;
        {
            QMutexLocker locker(&m_mutex);
            m_writeError = error;
            if (m_stopping && !m_givingUpAt)
                m_givingUpAt.emplace(kStopRetryMs);
            if (m_givingUpAt && m_givingUpAt->hasExpired())
                break;
            m_wake.wait(&m_mutex, QDeadlineTimer(std::min(kRetryPauseMaxMs, 100 << std::min(attempts, 6))));
        }
        if (Database::isPostgres(db)) { // the connection may be gone; a fresh one costs little here
            db.close();
            if (!db.open()) {
                error = db.lastError().text();
                continue; // still down
            }
        }
        outcome = insertAll(db, batch.cbegin(), batch.cend(), &error, upserts);
    }
    if (outcome == Outcome::Ok) {
        {
            QMutexLocker locker(&m_mutex); // once per batch: nothing beside the transaction's cost
            m_writeError.clear();
        }
        if (attempts > 0)
            qCInfo(lcStore).noquote() << "the database took the" << batch.size() << "request records after"
                                      << attempts << "more attempts";
        return true;
    }
    if (batch.size() > 1) {
        // One bad record must not take its batch down with it: write them one by one, keep what goes in.
        std::vector<RequestRecord> kept;
        QString firstError;
        for (auto it = batch.begin(); it != batch.end(); ++it) {
            QString rowError;
            if (insertAll(db, it, it + 1, &rowError, upserts) == Outcome::Ok)
                kept.push_back(std::move(*it));
            else if (firstError.isEmpty())
                firstError = rowError;
        }
        if (!kept.empty()) {
            qCWarning(lcStore).nospace().noquote()
                << "could not write " << batch.size() - kept.size() << " of " << batch.size()
                << " request records: " << firstError;
            batch.swap(kept);
            return true;
        }
    }
    qCWarning(lcStore).nospace().noquote() << "could not write " << batch.size() << " request records to "
                                           << m_location.displayName() << ": " << error;
    return false;
}
