#include "database.h"

#include "rollupbins.h"

#include "libpq.h"
#include "migrations.h"
#include "storelog.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QVariant>

#include <algorithm>

Q_LOGGING_CATEGORY(lcStore, "gateway.store")

using namespace Qt::StringLiterals;

namespace {

const QString kUrlForms
    = u"use sqlite:///absolute/path/gateway.db or postgres://user:password@host:port/database"_s;

QString percentDecoded(QStringView text)
{
    return QUrl::fromPercentEncoding(text.toUtf8());
}

bool parsePostgres(QStringView rest, DatabaseLocation *location, QString *error)
{
    // libpq's URI form: [user[:password]@]host[:port]/database[?option=value&…]
    QStringView query;
    if (const qsizetype q = rest.indexOf(u'?'); q >= 0) {
        query = rest.mid(q + 1);
        rest = rest.left(q);
    }
    const qsizetype slash = rest.indexOf(u'/');
    if (slash < 0 || slash == rest.size() - 1) {
        *error = u"the PostgreSQL URL names no database: "_s + kUrlForms;
        return false;
    }
    QStringView authority = rest.left(slash);
    location->databaseName = percentDecoded(rest.mid(slash + 1));

    // The last '@' ends the user info, so that an unencoded '@' in a password still works.
    if (const qsizetype at = authority.lastIndexOf(u'@'); at >= 0) {
        const QStringView userInfo = authority.left(at);
        authority = authority.mid(at + 1);
        const qsizetype colon = userInfo.indexOf(u':');
        location->user = percentDecoded(colon < 0 ? userInfo : userInfo.left(colon));
        if (colon >= 0)
            location->password = percentDecoded(userInfo.mid(colon + 1));
    }

    QStringView portText;
    if (authority.startsWith(u'[')) { // [IPv6]:port
        const qsizetype close = authority.indexOf(u']');
        if (close < 0) {
            *error = u"the PostgreSQL URL has an unclosed '[' in its host"_s;
            return false;
        }
        location->host = authority.mid(1, close - 1).toString();
        const QStringView after = authority.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(u':')) {
                *error = u"the PostgreSQL URL has text after its IPv6 host: "_s + kUrlForms;
                return false;
            }
            portText = after.mid(1);
        }
    } else {
        const qsizetype colon = authority.lastIndexOf(u':');
        location->host = percentDecoded(colon < 0 ? authority : authority.left(colon));
        if (colon >= 0)
            portText = authority.mid(colon + 1);
    }
    if (location->host.isEmpty()) {
        *error = u"the PostgreSQL URL names no host: "_s + kUrlForms;
        return false;
    }
    if (!portText.isNull()) {
        bool ok = false;
        const int port = portText.toInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            *error = u"the PostgreSQL URL has an invalid port \"%1\" (expected 1-65535)"_s.arg(portText);
            return false;
        }
        location->port = port;
    }

    QStringList options;
    for (const QStringView item : query.split(u'&', Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(u'=');
        const QString key = percentDecoded(eq < 0 ? item : item.left(eq));
        const QString value = eq < 0 ? QString() : percentDecoded(item.mid(eq + 1));
        const bool keyOk = !key.isEmpty()
            && std::all_of(key.begin(), key.end(), [](QChar c) { return c.isLetterOrNumber() || c == u'_'; });
        // QPSQL separates options with ';', so a value must not contain one.
        if (!keyOk || value.isEmpty() || value.contains(u';') || value.contains(u' ')) {
            *error = u"the PostgreSQL URL has an invalid option \"%1\" (expected name=value)"_s.arg(key);
            return false;
        }
        options.append(key + u'=' + value);
    }
    location->connectOptions = options.join(u';');
    return true;
}

bool execPragma(QSqlDatabase &db, const QString &sql, QString *error, QString *result = nullptr)
{
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        *error = query.lastError().text();
        return false;
    }
    if (result && query.next())
        *result = query.value(0).toString();
    return true;
}

// Two processes opening a new database at once (`serve` and `keys create`) both read it, then both want it
// alone to switch it to WAL: SQLite answers one of them "locked" at once rather than wait for a lock the
// other will never give up. That one tries again, shortly after; once switched, the file stays in WAL mode.
bool switchToWal(QSqlDatabase &db, QString *mode, QString *error)
{
    QDeadlineTimer deadline(5000);
    for (;;) {
        QSqlQuery query(db);
        if (query.exec(u"PRAGMA journal_mode=WAL"_s)) {
            if (query.next())
                *mode = query.value(0).toString();
            return true;
        }
        const QString code = query.lastError().nativeErrorCode();
        const bool busy = code == "5"_L1 || code == "6"_L1; // SQLITE_BUSY, SQLITE_LOCKED
        if (!busy || deadline.hasExpired()) {
            *error = query.lastError().text();
            return false;
        }
        QThread::msleep(10 + QRandomGenerator::global()->bounded(20));
    }
}

bool openSqlite(QSqlDatabase &db, const DatabaseLocation &location, QString *error)
{
    const QFileInfo file(location.path);
    if (!QDir().mkpath(file.absolutePath())) {
        *error = u"cannot create the folder %1 for the database"_s.arg(
            QDir::toNativeSeparators(file.absolutePath()));
        return false;
    }
    db.setDatabaseName(location.path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(Database::kLockWaitMs));
    if (!db.open()) {
        *error = u"cannot open the SQLite database %1: %2"_s.arg(
            QDir::toNativeSeparators(location.path), db.lastError().text());
        return false;
    }
    QString sqlError;
    QString mode;
    // busy_timeout first: switching to WAL and the migrations may have to wait for another process.
    if (!execPragma(db, u"PRAGMA busy_timeout=%1"_s.arg(Database::kLockWaitMs), &sqlError)
        || !switchToWal(db, &mode, &sqlError) || !execPragma(db, u"PRAGMA synchronous=NORMAL"_s, &sqlError)
        || !execPragma(db, u"PRAGMA foreign_keys=ON"_s, &sqlError)
        // Deleted payloads and records are overwritten, not left readable in free pages of the file.
        || !execPragma(db, u"PRAGMA secure_delete=ON"_s, &sqlError)
        // Every store keeps a connection per thread that uses it: small page caches (256 KiB instead of
        // 2 MiB) keep that from adding up; the log writer, which does the writing, sets a larger one.
        || !execPragma(db, u"PRAGMA cache_size=-256"_s, &sqlError)
        || !RollupBins::installSqlite(Database::sqliteHandle(db), &sqlError)) {
        *error = u"cannot use the SQLite database %1: %2"_s.arg(
            QDir::toNativeSeparators(location.path), sqlError);
        return false;
    }
    if (mode.compare("wal"_L1, Qt::CaseInsensitive) != 0)
        qCWarning(lcStore) << "SQLite refused WAL mode for" << location.path << "(journal mode" << mode
                           << "); concurrent readers will wait for writers";
    return true;
}

bool openPostgres(QSqlDatabase &db, const DatabaseLocation &location, QString *error)
{
    db.setHostName(location.host);
    db.setPort(location.port);
    db.setUserName(location.user);
    db.setPassword(location.password);
    db.setDatabaseName(location.databaseName);
    QString options = location.connectOptions;
    if (!options.contains("connect_timeout="_L1))
        options = options.isEmpty() ? u"connect_timeout=10"_s : options + u";connect_timeout=10"_s;
    db.setConnectOptions(options);
    if (!db.open()) {
        *error = u"cannot connect to PostgreSQL %1: %2"_s.arg(
            location.displayName(), db.lastError().text().trimmed());
        return false;
    }
    // libpq prints NOTICEs (such as "relation already exists, skipping") on stderr; we want only real
    // trouble.
    QString sqlError;
    if (!execPragma(db, u"SET client_min_messages TO WARNING"_s, &sqlError))
        qCWarning(lcStore) << "cannot quieten PostgreSQL notices:" << sqlError;
    return true;
}

} // namespace

std::optional<DatabaseLocation> DatabaseLocation::fromUrl(const QString &url, QString *error)
{
    const QString trimmed = url.trimmed();
    const qsizetype schemeEnd = trimmed.indexOf("://"_L1);
    if (schemeEnd <= 0) {
        *error = u"the database URL is not of a supported form: "_s + kUrlForms;
        return std::nullopt;
    }
    const QString scheme = trimmed.left(schemeEnd).toLower();
    const QStringView rest = QStringView(trimmed).mid(schemeEnd + 3);
    DatabaseLocation location;
    if (scheme == "sqlite"_L1) {
        if (!rest.startsWith(u'/')) {
            *error = u"the SQLite path in the database URL must be absolute (three slashes, as in "
                     "sqlite:///home/me/gateway.db); relative paths are not accepted"_s;
            return std::nullopt;
        }
        location.kind = Kind::Sqlite;
        location.path = QDir::cleanPath(percentDecoded(rest));
        if (location.path == "/"_L1 || rest.endsWith(u'/')) {
            *error = u"the database URL names a folder, not an SQLite file: "_s + kUrlForms;
            return std::nullopt;
        }
        return location;
    }
    if (scheme == "postgres"_L1 || scheme == "postgresql"_L1) {
        location.kind = Kind::Postgres;
        if (!parsePostgres(rest, &location, error))
            return std::nullopt;
        return location;
    }
    *error = u"unsupported database URL scheme \"%1\": "_s.arg(scheme) + kUrlForms;
    return std::nullopt;
}

DatabaseLocation DatabaseLocation::inDataDir(const QString &dataDir)
{
    DatabaseLocation location;
    location.kind = Kind::Sqlite;
    location.path = QDir(dataDir).absoluteFilePath(u"gateway.db"_s);
    return location;
}

QString DatabaseLocation::displayName() const
{
    if (kind == Kind::Sqlite)
        return QDir::toNativeSeparators(path);
    const QString hostPart = host.contains(u':') ? u'[' + host + u']' : host;
    return (user.isEmpty() ? QString() : user + u'@') + hostPart + u':' + QString::number(port) + u'/'
        + databaseName;
}

namespace Database {

QSqlDatabase open(const DatabaseLocation &location, const QString &connectionName, QString *error)
{
    error->clear();
    const bool pg = location.kind == DatabaseLocation::Kind::Postgres;
    const QString driver = pg ? u"QPSQL"_s : u"QSQLITE"_s;
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        *error = pg ? u"the PostgreSQL driver for Qt (QPSQL) is not installed; install libqt6sql6-psql"_s
                    : u"the SQLite driver for Qt (QSQLITE) is not installed; install libqt6sql6-sqlite"_s;
        return {};
    }
    // Reusing an open connection of the same name keeps open() cheap for callers that call it per use.
    if (QSqlDatabase::contains(connectionName)) {
        {
            QSqlDatabase existing = QSqlDatabase::database(connectionName, false);
            if (existing.isValid() && existing.isOpen())
                return existing;
        }
        QSqlDatabase::removeDatabase(connectionName);
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, connectionName);
        const bool opened = pg ? openPostgres(db, location, error) : openSqlite(db, location, error);
        if (opened) {
            QString migrationError;
            if (Migrations::apply(db, &migrationError))
                return db;
            *error = u"%1: %2"_s.arg(location.displayName(), migrationError);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    return {};
}

int schemaVersion(QSqlDatabase &db)
{
    QString error;
    const int version = Migrations::currentVersion(db, &error);
    if (version < 0)
        qCWarning(lcStore) << error;
    return version;
}

int latestSchemaVersion()
{
    return Migrations::latestVersion();
}

void forgetDeleted(QSqlDatabase &db)
{
    if (db.driverName() != "QSQLITE"_L1)
        return; // PostgreSQL's VACUUM is the operator's to schedule
    QSqlQuery query(db);
    // Best effort: with readers in the middle of a transaction the WAL cannot be emptied yet; the next
    // checkpoint overwrites those frames.
    if (!query.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s))
        qCInfo(lcStore) << "could not empty the write-ahead log after a deletion:"
                        << query.lastError().text();
}

bool isTransientPostgresState(QByteArrayView sqlState)
{
    return sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState == "40001"
        || sqlState == "40P01";
}

namespace {
template<class Handle> Handle *handleOf(const QSqlDatabase &db, const char *typeName)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), typeName) != 0)
        return nullptr;
    return *static_cast<Handle *const *>(handle.constData());
}
} // namespace

sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    return handleOf<sqlite3>(db, "sqlite3*");
}

pg_conn *postgresHandle(const QSqlDatabase &db)
{
    // Qt's driver registers libpq's handle under its struct's name (PGconn is a typedef of pg_conn).
    return handleOf<pg_conn>(db, "pg_conn*");
}

bool isPostgres(const QSqlDatabase &db)
{
    return db.driverName() == "QPSQL"_L1;
}

bool isSqlite(const QSqlDatabase &db)
{
    return db.driverName() == "QSQLITE"_L1;
}

bool isConnectionLost(const QSqlDatabase &db)
{
    if (!isPostgres(db))
        return false;
    pg_conn *connection = db.isOpen() ? postgresHandle(db) : nullptr;
    const LibPq *pq = LibPq::get();
    return !connection || (pq && pq->status(connection) != CONNECTION_OK);
}

} // namespace Database
