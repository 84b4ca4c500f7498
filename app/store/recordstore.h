#pragma once

#include "database.h"
#include "member.h"
#include "recordexporter.h"
#include "threadconnections.h"
#include "usagereport.h"

#include <QIODevice>

#include <optional>

// A page of request records: the filter of a usage query plus the logs' own, and a cursor.
struct LogQuery
{
    RecordFilter filter; // `model` matches the requested or the used model
    std::optional<int> status;
    bool errorsOnly = false; // status 400 and above (or none)
    QString finishReason;
    qint64 beforeId = 0; // cursor: only records with a smaller id (0: from the newest)
    // Following new records: only those with a larger id; the oldest `limit` of them, so that none is skipped
    // when more arrived than a page holds (still answered newest first). Not with beforeId.
    std::optional<qint64> afterId;
    int limit = 50;
};

// A page of the logs.
struct LogPage
{
    QByteArray records; // a JSON array of records without payloads (the export's JSON fields), newest first
    qint64 nextBefore
        = 0; // the cursor to the older records; 0 on the last page, and when following (afterId)
    // Every record up to this id has been considered, so asking again with afterId = latestId misses none
    // (0: the store holds no record).
    qint64 latestId = 0;
};

// What a purge or deletion removed.
struct Removed
{
    qint64 records = 0; // rows deleted
    qint64 payloads = 0; // rows whose bodies were cleared
};

// The request records and their rollups as the management API reads and changes them: usage, logs, export,
// deletion and purging. Every change lands with its audit entry in one transaction. Failures are StoreError:
// Invalid for a range a report cannot cover (UsageReport::rangeProblem), Busy or Failed for the database,
// whose own words go to the log only. Thread-safe.
class RecordStore final
{
    Q_DISABLE_COPY_MOVE(RecordStore)
public:
    explicit RecordStore(DatabaseLocation location);

    std::optional<UsageReport> usage(const RecordFilter &filter, UsageBucket bucket, UsageDimension dimension,
        StoreError *error, UsageReport::Rows rows = UsageReport::Rows::Fewest);
    std::optional<LogPage> logPage(const LogQuery &query, StoreError *error);
    // One record as a JSON object, with its payloads when `withBodies` and retained; its owner in *member.
    // An empty result without error: no such record.
    std::optional<QByteArray> record(qint64 id, bool withBodies, QString *member, StoreError *error);
    // The highest record id stored (0: none), from the primary key's index, so that a dashboard polling it
    // often costs the database nothing; nullopt and *error when the database does not answer.
    std::optional<qint64> latestRecordId(StoreError *error);
    const DatabaseLocation &location() const { return m_connections.location(); }
    // Every record (or only a member's, when `member` is not empty) as JSON lines or CSV.
    bool exportRecords(
        RecordExporter::Format format, const QString &member, QIODevice &out, StoreError *error);

    // Removes a member's records and their usage rollups, all but their keys' spend (UsageRollups::remove);
    // `member` empty: every record and rollup.
    std::optional<Removed> deleteRecords(
        const QString &member, const Actor &actor, const QDateTime &at, StoreError *error);
    // The same within the caller's write transaction on `db`, unaudited (the caller audits): the records
    // deleted; a failure is StoreError::database(`failure`, …), in the caller's words. Call
    // Database::forgetDeleted(db) after the commit.
    static std::optional<qint64> deleteRecordsIn(
        QSqlDatabase &db, const QString &member, const QString &failure, StoreError *error);
    // Clears payloads stored before `payloadsBefore` and deletes records from before `recordsBefore` (an
    // invalid time skips that part), in chunks of kChunkRows. The rollups stay, so usage charts keep their
    // history; only minute rows older than UsageRollups::kMinuteHours before `at` go. Audited when any record
    // or payload went.
    std::optional<Removed> purge(const QDateTime &payloadsBefore, const QDateTime &recordsBefore,
        const Actor &actor, const QDateTime &at, StoreError *error);

    // Rows per transaction when purging: the log writer, which needs the same write lock, never waits long.
    static constexpr int kChunkRows = 2000;

private:
    // Runs `statement` (with %1 for the chunk size and one placeholder for `before`) until a run changes
    // fewer than a chunk's rows, one transaction each; the rows changed in all.
    static std::optional<qint64> inChunks(QSqlDatabase &db, const QString &statement, const QString &before,
        const QString &failure, StoreError *error);

    ThreadConnections m_connections;
};
