#pragma once

#include "database.h"

#include <QString>
#include <optional>

// The database a suite's gateway or store works on, chosen by how ctest registered the suite
// (gateway_add_test … BOTH_ENGINES): SQLite in the test's own data dir, or, under the suite's postgres
// registration (LLMGW_TEST_ENGINE=postgres), a database on the throwaway cluster that
// tests/support/with-postgres.sh starts (LLMGW_TEST_POSTGRES_URL).
// On PostgreSQL every test process works in databases of its own (CREATE DATABASE with a unique name, dropped
// when the process ends), so suites running in parallel never see each other's rows. Creating one costs a
// second on a busy machine, so a process keeps those it made: the destructor empties its database (every
// table but the schema version, identities restarted, as a new SQLite file would be) and the next create()
// takes it again; two TestDatabase objects alive at once never share one.
// Without a reachable cluster a postgres run fails: it never passes by quietly testing SQLite instead.
class TestDatabase final
{
    Q_DISABLE_COPY_MOVE(TestDatabase)
public:
    TestDatabase() = default;
    ~TestDatabase();

    // Whether ctest asked for PostgreSQL.
    static bool onPostgres();
    // The engine's name as the gateway reports it ("sqlite" or "postgres").
    static QString engineName();

    // On PostgreSQL: takes an empty database of this process, or creates one (once per object; later calls
    // return true). False and *error when the cluster is not given or cannot be reached. On SQLite there is
    // nothing to create.
    bool create(QString *error);
    // The gateway's database URL: empty for SQLite in its data dir, else postgres://…/<this database>.
    QString url() const { return m_url; }
    // Where a store should open it: the database created here, or gateway.db in `dataDir`.
    DatabaseLocation location(const QString &dataDir) const;

private:
    QString m_url;
    DatabaseLocation m_location; // valid once created on PostgreSQL
    QString m_name;
};
