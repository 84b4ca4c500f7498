#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

// Where the gateway keeps its records: an SQLite file (default) or a team's PostgreSQL database.
struct DatabaseLocation
{
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString path; // SQLite file
    QString host, user, password, databaseName;
    int port = 5432;

    // "sqlite:///abs/path.db" or "postgres://user:password@host:port/db"; nullopt and *error when malformed.
    static std::optional<DatabaseLocation> fromUrl(const QString &url, QString *error);
    // The default: gateway.db in the data dir.
    static DatabaseLocation inDataDir(const QString &dataDir);
};

// Opens connections and keeps the schema current. Each thread uses its own named connection.
namespace Database {
// Opens (creating the SQLite file and folder if needed) a connection named `connectionName` for the calling
// thread, sets WAL mode and a busy timeout on SQLite, and applies pending migrations. Empty error = success.
QSqlDatabase open(const DatabaseLocation &location, const QString &connectionName, QString *error);
// The schema version stored in the database (0 for an empty one).
int schemaVersion(QSqlDatabase &db);
// The version this build's migrations lead to.
int latestSchemaVersion();
} // namespace Database
