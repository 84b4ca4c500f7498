#include "migrations.h"

#include "database.h"
#include "sqlexec.h"
#include "storelog.h"
#include "usagerollups.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

// Any constant will do; every gateway build must use the same one so that they exclude each other.
constexpr qint64 kPostgresMigrationLock = 0x6c6c6d6777u; // "llmgw"

// The statements of every migration, with {id} and {blob} standing for the dialect's spelling. Append new
// migrations at the end; never edit one that has shipped.
struct Source
{
    const char *description;
    QStringList statements;
};

// The logs' pages filtered by model, member or key, read in id order from an index (LogSelection). An SQLite
// index's entries end in the rowid, so (used_model), (member) and (api_key_id) already give a column's
// records in id order there, and only requested_model needs one. PostgreSQL's do not: each gets a (column,
// id) index that replaces the single-column one. The old ones are dropped last, because DROP INDEX locks the
// table against readers until the migration commits, where CREATE INDEX holds back only writers.
QStringList logPageIndexes(DatabaseLocation::Kind kind)
{
    if (kind == DatabaseLocation::Kind::Sqlite)
        return { u"CREATE INDEX idx_requests_requested_model ON requests (requested_model)"_s };
    QStringList statements;
    for (const QString &column : { u"requested_model"_s, u"used_model"_s, u"member"_s, u"api_key_id"_s })
        statements.append(u"CREATE INDEX idx_requests_%1_id ON requests (%1, id)"_s.arg(column));
    // A filter's errors (status=error), few among many records: PostgreSQL plans as if they were spread
    // evenly and walks the primary key back from the newest record, through hundreds of thousands of records
    // for a member's errors of a week at 10 million; an index of the errors alone (about 1 % of the records,
    // LogSelection's errors clause) holds just what the page reads. SQLite, walking a column's index, met the
    // target without them (bench/README.md, figures at team scale), so its writer is spared them.
    for (const QString &column : { u"requested_model"_s, u"used_model"_s, u"member"_s })
        statements.append(
            u"CREATE INDEX idx_requests_%1_errors ON requests (%1, id) WHERE status >= 400 OR status = 0"_s
                .arg(column));
    statements.append(u"DROP INDEX idx_requests_used_model, idx_requests_member, idx_requests_api_key_id"_s);
    return statements;
}

std::vector<Source> sources(DatabaseLocation::Kind kind)
{
    std::vector<Source> list;
    list.push_back({ "api keys, request records, settings",
        {
            uR"(CREATE TABLE api_keys (
    id {id},
    name TEXT NOT NULL,
    member_email TEXT NOT NULL DEFAULT '',
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
))"_s,
            // No foreign key to api_keys: deleting a key must keep the history of its requests.
            uR"(CREATE TABLE requests (
    id {id},
    request_id TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    api_key_id BIGINT NULL,
    member TEXT NOT NULL DEFAULT '',
    client_ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    endpoint TEXT NOT NULL DEFAULT '',
    requested_model TEXT NOT NULL DEFAULT '',
    used_model TEXT NOT NULL DEFAULT '',
    used_provider TEXT NOT NULL DEFAULT '',
    streamed INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL DEFAULT 0,
    finish_reason TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    cached_tokens BIGINT NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    usage_estimated INTEGER NOT NULL DEFAULT 0,
    cost DOUBLE PRECISION NULL,
    cost_input DOUBLE PRECISION NULL,
    cost_cached_input DOUBLE PRECISION NULL,
    cost_cache_write DOUBLE PRECISION NULL,
    cost_output DOUBLE PRECISION NULL,
    duration_ms BIGINT NOT NULL DEFAULT 0,
    ttft_ms BIGINT NULL,
    request_body {blob} NULL,
    response_body {blob} NULL
))"_s,
            u"CREATE INDEX idx_requests_created_at ON requests (created_at)"_s,
            u"CREATE INDEX idx_requests_api_key_id ON requests (api_key_id)"_s,
            u"CREATE INDEX idx_requests_used_model ON requests (used_model)"_s,
            u"CREATE INDEX idx_requests_used_provider ON requests (used_provider)"_s,
            u"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL DEFAULT '')"_s,
        } });
    // Retries and fallbacks: every attempt of one request is a record of its own, under the same request id.
    list.push_back(
        { "request attempts", { u"ALTER TABLE requests ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1"_s } });
    // Answers served from the gateway's response cache: no upstream call, no cost.
    list.push_back({ "response cache hits",
        { u"ALTER TABLE requests ADD COLUMN cache_hit INTEGER NOT NULL DEFAULT 0"_s } });
    // The management API: members and roles, personal access tokens (hashed), the audit log of every change.
    list.push_back({ "members, access tokens, audit log",
        {
            uR"(CREATE TABLE members (
    id {id},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'restricted')),
    password_hash TEXT NULL,
    created_at TEXT NOT NULL,
    key_budget_usd DOUBLE PRECISION NULL
))"_s,
            uR"(CREATE TABLE access_tokens (
    id {id},
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
))"_s,
            u"CREATE INDEX idx_access_tokens_member_id ON access_tokens (member_id)"_s,
            // No foreign key to members: the history outlives the people in it.
            uR"(CREATE TABLE audit_log (
    id {id},
    at TEXT NOT NULL,
    actor_member_id BIGINT NULL,
    actor_email TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    before_json TEXT NULL,
    after_json TEXT NULL
))"_s,
        } });
    // Gateway API key limits: expiry, all-time and per-period spend limits, allowed/denied models and
    // providers (JSON arrays of patterns; '[]' is no restriction).
    list.push_back({ "api key limits",
        {
            u"ALTER TABLE api_keys ADD COLUMN expires_at TEXT NULL"_s,
            u"ALTER TABLE api_keys ADD COLUMN spend_limit_usd DOUBLE PRECISION NULL"_s,
            u"ALTER TABLE api_keys ADD COLUMN period_limit_usd DOUBLE PRECISION NULL"_s,
            u"ALTER TABLE api_keys ADD COLUMN limit_period TEXT NULL"_s,
            u"ALTER TABLE api_keys ADD COLUMN allowed_models TEXT NOT NULL DEFAULT '[]'"_s,
            u"ALTER TABLE api_keys ADD COLUMN denied_models TEXT NOT NULL DEFAULT '[]'"_s,
            u"ALTER TABLE api_keys ADD COLUMN allowed_providers TEXT NOT NULL DEFAULT '[]'"_s,
            u"ALTER TABLE api_keys ADD COLUMN denied_providers TEXT NOT NULL DEFAULT '[]'"_s,
        } });
    // Hourly usage rollups (filled from the records already stored) and the retried flag they need.
    list.push_back({ "usage rollups", UsageRollups::migrationStatements() });
    // Usage by the minute for the last two days (the wall clock bounds the backfill: it only saves work).
    list.push_back(
        { "minute usage rollups", UsageRollups::minuteMigrationStatements(QDateTime::currentDateTimeUtc()) });
    // An email is one person in any case (Emails::normalized): key owners as entered before, and so the
    // member of their records and rollups, lower-cased as members' emails always were. A key's records all
    // carry its one owner, so no two rollup rows (bucket, key, member, model, provider) fall together.
    QStringList lowerCased;
    for (const auto &[table, column] : { std::pair { "api_keys", "member_email" },
             std::pair { "requests", "member" }, std::pair { "usage_rollups", "member" },
             std::pair { "usage_rollups_daily", "member" }, std::pair { "usage_rollups_minute", "member" } })
        lowerCased.append(u"UPDATE %1 SET %2 = LOWER(%2) WHERE %2 <> LOWER(%2)"_s.arg(
            QLatin1StringView(table), QLatin1StringView(column)));
    list.push_back({ "emails in lower case", lowerCased });
    // Usage rows per bucket and single dimension (and the total), summed from the full rows.
    list.push_back({ "usage rollup slices", UsageRollups::sliceMigrationStatements() });
    list.push_back({ "log page indexes", logPageIndexes(kind) });
    // The rollups' latency histograms packed into one column each (RollupSchema::Layout): a report's row is
    // read as 18 values instead of 145.
    list.push_back({ "packed latency histograms", UsageRollups::packingMigrationStatements(kind) });
    return list;
}

// Takes the migration lock for the rest of the transaction; both dialects wait for a concurrent migrator.
bool beginLocked(QSqlDatabase &db, QString *error)
{
    if (Database::isPostgres(db)) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        QSqlQuery lock(db);
        if (!Sql::exec(lock, u"SELECT pg_advisory_xact_lock(?)"_s, { kPostgresMigrationLock }, error)) {
            db.rollback();
            return false;
        }
        return true;
    }
    // IMMEDIATE takes SQLite's write lock now (waiting up to busy_timeout), so that two processes cannot
    // both read "version 0" and then both try to create the tables.
    return Sql::exec(db, u"BEGIN IMMEDIATE"_s, error);
}

bool commit(QSqlDatabase &db, QString *error)
{
    if (Database::isPostgres(db)) {
        if (db.commit())
            return true;
        *error = db.lastError().text();
        return false;
    }
    return Sql::exec(db, u"COMMIT"_s, error);
}

void rollback(QSqlDatabase &db)
{
    if (Database::isPostgres(db)) {
        db.rollback();
        return;
    }
    QString ignored;
    Sql::exec(db, u"ROLLBACK"_s, &ignored);
}

QString newerSchemaMessage(int found)
{
    return u"database schema version %1 is newer than this build supports (%2); upgrade llm-gateway"_s
        .arg(found)
        .arg(Migrations::latestVersion());
}

} // namespace

namespace Migrations {

std::vector<Migration> all(DatabaseLocation::Kind kind)
{
    const bool pg = kind == DatabaseLocation::Kind::Postgres;
    const QString id = pg ? u"BIGSERIAL PRIMARY KEY"_s : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s;
    const QString blob = pg ? u"BYTEA"_s : u"BLOB"_s;
    std::vector<Migration> result;
    int version = 0;
    for (const Source &source : sources(kind)) {
        Migration m;
        m.version = ++version;
        m.description = QString::fromUtf8(source.description);
        for (QString statement : source.statements)
            m.statements.append(statement.replace("{id}"_L1, id).replace("{blob}"_L1, blob));
        result.push_back(std::move(m));
    }
    return result;
}

int latestVersion()
{
    return int(sources(DatabaseLocation::Kind::Sqlite).size()); // the same number on both engines
}

int currentVersion(QSqlDatabase &db, QString *error)
{
    QSqlQuery query(db);
    const QString exists = Database::isPostgres(db)
        ? u"SELECT to_regclass('schema_migrations') IS NOT NULL"_s
        : u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"_s;
    if (!query.exec(exists) || !query.next()) {
        *error = u"cannot read the schema version: "_s + query.lastError().text();
        return -1;
    }
    if (!query.value(0).toBool())
        return 0;
    if (!query.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s) || !query.next()) {
        *error = u"cannot read the schema version: "_s + query.lastError().text();
        return -1;
    }
    return query.value(0).toInt();
}

bool apply(QSqlDatabase &db, QString *error)
{
    const int latest = latestVersion();
    // Fast path without a write lock: the usual case is a database that is already current.
    const int seen = currentVersion(db, error);
    if (seen < 0)
        return false;
    if (seen > latest) {
        *error = newerSchemaMessage(seen);
        return false;
    }
    if (seen == latest)
        return true;

    const auto kind
        = Database::isPostgres(db) ? DatabaseLocation::Kind::Postgres : DatabaseLocation::Kind::Sqlite;
    const std::vector<Migration> migrations = all(kind);
    for (;;) {
        QString sqlError;
        if (!beginLocked(db, &sqlError)) {
            *error = u"cannot lock the database to update its schema: "_s + sqlError;
            return false;
        }
        // A concurrent process may have migrated while we waited for the lock: decide again under it.
        if (!Sql::exec(db,
                u"CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"_s,
                &sqlError)) {
            rollback(db);
            *error = u"cannot create the schema_migrations table: "_s + sqlError;
            return false;
        }
        const int version = currentVersion(db, error);
        if (version < 0 || version > latest) {
            rollback(db);
            if (version > latest)
                *error = newerSchemaMessage(version);
            return false;
        }
        if (version == latest) {
            rollback(db);
            return true;
        }
        const Migration &migration = migrations[size_t(version)];
        for (const QString &statement : migration.statements) {
            if (!Sql::exec(db, statement, &sqlError)) {
                rollback(db);
                *error = u"database migration %1 (%2) failed: %3"_s.arg(migration.version)
                             .arg(migration.description, sqlError);
                return false;
            }
        }
        QSqlQuery record(db);
        if (!Sql::exec(record, u"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"_s,
                { migration.version, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
                &sqlError)) {
            record.finish();
            rollback(db);
            *error = u"cannot record database migration %1: %2"_s.arg(migration.version).arg(sqlError);
            return false;
        }
        if (!commit(db, &sqlError)) {
            rollback(db);
            *error = u"cannot commit database migration %1: %2"_s.arg(migration.version).arg(sqlError);
            return false;
        }
        qCInfo(lcStore) << "applied database migration" << migration.version << migration.description;
        if (migration.version == latest)
            return true;
    }
}

} // namespace Migrations
