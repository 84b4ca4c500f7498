#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

struct sqlite3;
struct pg_conn;

// Where the gateway keeps its records: an SQLite file (default) or a team's PostgreSQL database.
struct DatabaseLocation
{
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString path; // SQLite file
    QString host, user, password, databaseName;
    int port = 5432;
    QString connectOptions; // PostgreSQL: libpq options from the URL's query ("sslmode=require;…")

    // "sqlite:///abs/path.db" or "postgres://user:password@host:port/db" (also "postgresql://", user and
    // password percent-decoded, libpq options such as "?sslmode=require" in the query); nullopt and *error
    // when malformed.
    static std::optional<DatabaseLocation> fromUrl(const QString &url, QString *error);
    // The default: gateway.db in the data dir.
    static DatabaseLocation inDataDir(const QString &dataDir);
    // For messages and logs: the file, or user@host:port/db. Never contains the password.
    QString displayName() const;
};

// Opens connections and keeps the schema current. Each thread uses its own named connection.
namespace Database {
// How long a writer waits for another writer's lock before giving up with "busy": SQLite's busy timeout, and
// PostgreSQL's lock_timeout in a WriteTransaction.
constexpr int kLockWaitMs = 5000;
// Opens (creating the SQLite file and folder if needed) a connection named `connectionName` for the calling
// thread, sets WAL mode and a busy timeout on SQLite, and applies pending migrations. Empty error = success;
// on failure the connection is removed again and an invalid QSqlDatabase returned. An open connection of the
// same name (in this thread) is returned as it is.
QSqlDatabase open(const DatabaseLocation &location, const QString &connectionName, QString *error);
// The schema version stored in the database (0 for an empty one, -1 with a warning when it cannot be read).
int schemaVersion(QSqlDatabase &db);
// The version this build's migrations lead to.
int latestSchemaVersion();
// After deleting content (payloads, a member's records): empties SQLite's write-ahead log, whose older
// frames still hold the deleted bytes. Call outside a transaction.
void forgetDeleted(QSqlDatabase &db);
// Whether a PostgreSQL error (its SQLSTATE) is worth one more attempt: a serialization failure, a deadlock,
// the connection lost or the server shutting down.
bool isTransientPostgresState(QByteArrayView sqlState);
// Which dialect a connection speaks (the two the store supports).
bool isPostgres(const QSqlDatabase &db);
bool isSqlite(const QSqlDatabase &db);
// Whether a PostgreSQL connection is closed or broken (the server went away): a fresh one may work.
bool isConnectionLost(const QSqlDatabase &db);
// The connection's own handle, for the C APIs the hot paths use, or null when `db` is of the other kind.
sqlite3 *sqliteHandle(const QSqlDatabase &db);
pg_conn *postgresHandle(const QSqlDatabase &db);
} // namespace Database
