#pragma once

#include "database.h"

#include <QSqlDatabase>
#include <QStringList>

#include <vector>

// The schema's history. Each migration is a list of statements applied in one transaction together with its
// row in schema_migrations, so a database is always at exactly one version.
namespace Migrations {
struct Migration
{
    int version = 0;
    QString description;
    QStringList statements; // already in the connection's dialect
};

// This build's migrations in the dialect of `kind`, ordered by version (1, 2, …).
std::vector<Migration> all(DatabaseLocation::Kind kind);
int latestVersion();

// The version recorded in `db` (0 when it has no schema_migrations table yet); -1 and *error on failure.
int currentVersion(QSqlDatabase &db, QString *error);

// Brings `db` to latestVersion(). Safe when several processes open the same database at once: each
// migration runs under a write lock (BEGIN IMMEDIATE on SQLite, an advisory transaction lock on PostgreSQL)
// and the version is re-read under that lock. False and *error on failure, including a database whose
// schema is newer than this build.
bool apply(QSqlDatabase &db, QString *error);
} // namespace Migrations
