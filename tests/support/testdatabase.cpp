#include "testdatabase.h"

#include <QCoreApplication>
#include <QMutex>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

// Runs `work` on a plain connection to `location` (Database::open would migrate it): empty, or the reason it
// failed.
QString onPlainConnection(const DatabaseLocation &location, const std::function<QString(QSqlQuery &)> &work)
{
    const QString connection = u"testdatabase-%1"_s.arg(QRandomGenerator::global()->generate64());
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(location.host);
        db.setPort(location.port);
        db.setUserName(location.user);
        db.setPassword(location.password);
        db.setDatabaseName(location.databaseName);
        db.setConnectOptions(location.connectOptions);
        if (!db.open()) {
            problem = u"cannot reach the PostgreSQL cluster at %1: %2"_s.arg(
                location.displayName(), db.lastError().text());
        } else {
            QSqlQuery query(db);
            problem = work(query);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return problem;
}

// Runs `statement` on the cluster's maintenance database.
QString onCluster(const DatabaseLocation &server, const QString &statement)
{
    return onPlainConnection(server, [&](QSqlQuery &query) {
        return query.exec(statement) ? QString()
                                     : u"%1 failed: %2"_s.arg(statement, query.lastError().text());
    });
}

// The databases this process created on the cluster: those no TestDatabase holds now, empty, wait in `idle`.
// All are dropped as the application ends (a post routine: the SQL driver still works then).
struct Databases
{
    QMutex mutex;
    std::optional<DatabaseLocation> server; // the cluster's maintenance database, for CREATE and DROP
    QStringList created;
    QStringList idle;
};

Databases &databases()
{
    static Databases all;
    return all;
}

void dropAll()
{
    Databases &all = databases();
    QMutexLocker locker(&all.mutex);
    for (const QString &name : std::as_const(all.created)) {
        // FORCE: a connection a test left open (a pool thread's, say) must not keep the database alive.
        const QString problem
            = onCluster(*all.server, u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(name));
        if (!problem.isEmpty())
            qWarning("test database not dropped: %s", qPrintable(problem));
    }
    all.created.clear();
    all.idle.clear();
}

// Deletes every row of every table but the schema's version, and restarts the identities.
QString emptied(const DatabaseLocation &location)
{
    return onPlainConnection(location, [](QSqlQuery &query) {
        if (!query.exec(u"SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'schema_migrations'"_s))
            return query.lastError().text();
        QStringList tables;
        while (query.next())
            tables.append(query.value(0).toString());
        if (!tables.isEmpty()
            && !query.exec(u"TRUNCATE TABLE "_s + tables.join(u", "_s) + u" RESTART IDENTITY CASCADE"_s))
            return query.lastError().text();
        return QString();
    });
}

} // namespace

TestDatabase::~TestDatabase()
{
    if (m_name.isEmpty())
        return;
    Databases &all = databases();
    if (const QString problem = emptied(m_location); !problem.isEmpty()) {
        qWarning("test database %s not emptied, not used again: %s", qPrintable(m_name), qPrintable(problem));
        return;
    }
    QMutexLocker locker(&all.mutex);
    all.idle.append(m_name);
}

bool TestDatabase::onPostgres()
{
    return qEnvironmentVariable("LLMGW_TEST_ENGINE") == "postgres"_L1;
}

QString TestDatabase::engineName()
{
    return onPostgres() ? u"postgres"_s : u"sqlite"_s;
}

bool TestDatabase::create(QString *error)
{
    if (!onPostgres() || !m_name.isEmpty())
        return true;
    const QString serverUrl = qEnvironmentVariable("LLMGW_TEST_POSTGRES_URL");
    if (serverUrl.isEmpty()) {
        *error = u"this suite is registered to run on PostgreSQL (LLMGW_TEST_ENGINE=postgres) but "
                 "LLMGW_TEST_POSTGRES_URL is not set: run it through tests/support/with-postgres.sh"_s;
        return false;
    }
    const auto server = DatabaseLocation::fromUrl(serverUrl, error);
    if (!server)
        return false;
    if (server->kind != DatabaseLocation::Kind::Postgres) {
        *error = u"LLMGW_TEST_POSTGRES_URL is not a postgres:// URL: "_s + serverUrl;
        return false;
    }
    Databases &all = databases();
    QMutexLocker locker(&all.mutex);
    if (!all.idle.isEmpty()) {
        m_name = all.idle.takeLast();
    } else {
        const QString name = u"llmgw_t%1_%2"_s.arg(QCoreApplication::applicationPid())
                                 .arg(QRandomGenerator::global()->generate64());
        if (const QString problem = onCluster(*server, u"CREATE DATABASE "_s + name); !problem.isEmpty()) {
            *error = problem;
            return false;
        }
        if (all.created.isEmpty())
            qAddPostRoutine(dropAll);
        all.server = server;
        all.created.append(name);
        m_name = name;
    }
    m_location = *server;
    m_location.databaseName = m_name;
    QUrl url(serverUrl.trimmed());
    url.setPath(u"/"_s + m_name);
    m_url = url.toString();
    return true;
}

DatabaseLocation TestDatabase::location(const QString &dataDir) const
{
    return m_name.isEmpty() ? DatabaseLocation::inDataDir(dataDir) : m_location;
}
