// The database locations, opening SQLite files and the versioned migrations.
#include "database.h"
#include "migrations.h"
#include "storetestutil.h"

#include <QFile>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

class TestDatabase : public QObject
{
    Q_OBJECT

private slots:
    void fromUrl_data();
    void fromUrl();
    void inDataDir();
    void openCreatesCurrentSchema();
    void reopeningKeepsData();
    void newerSchemaIsRefused();
    void concurrentMigrationsAgree();
    void unusableLocationsSayWhy();

private:
    static QString openError(const DatabaseLocation &location, const QString &name)
    {
        QString error;
        {
            QSqlDatabase db = Database::open(location, name, &error);
            if (db.isValid())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return error;
    }
};

void TestDatabase::fromUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("errorFragment"); // empty: must parse

    auto good = [](const char *tag, const QString &url, bool pg, const QString &path, const QString &user,
                    const QString &password, const QString &host, int port, const QString &db,
                    const QString &options) {
        QTest::newRow(tag) << url << pg << path << user << password << host << port << db << options
                           << QString();
    };
    auto bad = [](const char *tag, const QString &url, const QString &fragment) {
        QTest::newRow(tag) << url << false << QString() << QString() << QString() << QString() << 0
                           << QString() << QString() << fragment;
    };
    good("sqlite absolute", u"sqlite:///var/lib/gw/gateway.db"_s, false, u"/var/lib/gw/gateway.db"_s, {}, {},
        {}, 5432, {}, {});
    good("sqlite encoded space", u"sqlite:///tmp/my%20data/g.db"_s, false, u"/tmp/my data/g.db"_s, {}, {}, {},
        5432, {}, {});
    good("sqlite upper-case scheme", u"SQLite:///a/b.db"_s, false, u"/a/b.db"_s, {}, {}, {}, 5432, {}, {});
    good("postgres full", u"postgres://gw:secret@db.example.com:6543/gateway"_s, true, {}, u"gw"_s,
        u"secret"_s, u"db.example.com"_s, 6543, u"gateway"_s, {});
    good("postgresql scheme, default port", u"postgresql://gw@10.0.0.5/team"_s, true, {}, u"gw"_s, {},
        u"10.0.0.5"_s, 5432, u"team"_s, {});
    good("percent-decoded credentials", u"postgres://us%40er:p%3Aa%2Fss%25@h:5433/d%20b"_s, true, {},
        u"us@er"_s, u"p:a/ss%"_s, u"h"_s, 5433, u"d b"_s, {});
    good("unencoded @ in password", u"postgres://u:p@ss@h/db"_s, true, {}, u"u"_s, u"p@ss"_s, u"h"_s, 5432,
        u"db"_s, {});
    good("ipv6 host", u"postgres://u:p@[::1]:5433/db"_s, true, {}, u"u"_s, u"p"_s, u"::1"_s, 5433, u"db"_s,
        {});
    good("libpq options", u"postgres://u:p@h/db?sslmode=require&application_name=gw"_s, true, {}, u"u"_s,
        u"p"_s, u"h"_s, 5432, u"db"_s, u"sslmode=require;application_name=gw"_s);
    good("no credentials", u"postgres://h:5432/db"_s, true, {}, {}, {}, u"h"_s, 5432, u"db"_s, {});

    bad("sqlite relative", u"sqlite://relative/gateway.db"_s, u"must be absolute"_s);
    bad("sqlite single slash", u"sqlite:/abs/gateway.db"_s, u"sqlite:///absolute/path"_s);
    bad("sqlite folder", u"sqlite:///"_s, u"names a folder"_s);
    bad("empty", QString(), u"not of a supported form"_s);
    bad("bare path", u"/var/lib/gw/gateway.db"_s, u"not of a supported form"_s);
    bad("mysql", u"mysql://u:secretpw@h/db"_s, u"unsupported database URL scheme \"mysql\""_s);
    bad("port too large", u"postgres://u:secretpw@h:99999/db"_s, u"invalid port \"99999\""_s);
    bad("port not a number", u"postgres://u:secretpw@h:abc/db"_s, u"invalid port \"abc\""_s);
    bad("no database", u"postgres://u:secretpw@h:5432"_s, u"names no database"_s);
    bad("empty database", u"postgres://u:secretpw@h:5432/"_s, u"names no database"_s);
    bad("no host", u"postgres://u:secretpw@/db"_s, u"names no host"_s);
    bad("unclosed ipv6", u"postgres://u:secretpw@[::1/db"_s, u"unclosed '['"_s);
    bad("option without value", u"postgres://u:secretpw@h/db?sslmode"_s, u"invalid option \"sslmode\""_s);
    bad("option injecting another", u"postgres://u:secretpw@h/db?sslmode=disable%3Bhost%3Devil"_s,
        u"invalid option"_s);
}

void TestDatabase::fromUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, errorFragment);
    QString error;
    const std::optional<DatabaseLocation> location = DatabaseLocation::fromUrl(url, &error);
    if (!errorFragment.isEmpty()) {
        QVERIFY2(!location, qPrintable(url));
        QVERIFY2(error.contains(errorFragment), qPrintable(error));
        QVERIFY2(!error.contains("secretpw"_L1), "an error message must never show the password");
        return;
    }
    QVERIFY2(location, qPrintable(error));
    QFETCH(bool, postgres);
    QCOMPARE(location->kind, postgres ? DatabaseLocation::Kind::Postgres : DatabaseLocation::Kind::Sqlite);
    if (!postgres) {
        QTEST(location->path, "path");
        return;
    }
    QTEST(location->user, "user");
    QTEST(location->password, "password");
    QTEST(location->host, "host");
    QTEST(location->port, "port");
    QTEST(location->databaseName, "database");
    QTEST(location->connectOptions, "options");
    QVERIFY(!location->displayName().contains(u":"_s + location->password + u"@"_s)
        || location->password.isEmpty());
}

void TestDatabase::inDataDir()
{
    const DatabaseLocation location = DatabaseLocation::inDataDir(u"/srv/gw/data"_s);
    QCOMPARE(location.kind, DatabaseLocation::Kind::Sqlite);
    QCOMPARE(location.path, u"/srv/gw/data/gateway.db"_s);
}

void TestDatabase::openCreatesCurrentSchema()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const DatabaseLocation location = DatabaseLocation::inDataDir(dir.filePath(u"nested/data"_s));
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"create"_s, &error);
        QVERIFY2(error.isEmpty() && db.isOpen(), qPrintable(error));
        QVERIFY(QFile::exists(dir.filePath(u"nested/data/gateway.db"_s)));

        QSqlQuery query(db);
        QVERIFY(query.exec(u"PRAGMA journal_mode"_s) && query.next());
        QCOMPARE(query.value(0).toString(), u"wal"_s);
        QVERIFY(query.exec(u"PRAGMA busy_timeout"_s) && query.next());
        QCOMPARE(query.value(0).toInt(), 5000);
        QVERIFY(query.exec(u"PRAGMA foreign_keys"_s) && query.next());
        QCOMPARE(query.value(0).toInt(), 1);
        QVERIFY(query.exec(u"PRAGMA synchronous"_s) && query.next());
        QCOMPARE(query.value(0).toInt(), 1); // NORMAL
        query.finish();

        QVERIFY(Database::latestSchemaVersion() >= 1);
        QCOMPARE(Database::schemaVersion(db), Database::latestSchemaVersion());
        QCOMPARE(countRows(db, u"schema_migrations"_s), qint64(Database::latestSchemaVersion()));

        for (const QString &column : requestColumns())
            QVERIFY2(db.record(u"requests"_s).contains(column), qPrintable(column));
        for (const char *column :
            { "id", "name", "member_email", "secret_hash", "created_at", "last_used_at", "disabled" })
            QVERIFY2(db.record(u"api_keys"_s).contains(QLatin1String(column)), column);
        QVERIFY(db.record(u"settings"_s).contains(u"key"_s));
        QVERIFY(db.record(u"settings"_s).contains(u"value"_s));

        QStringList indexes;
        QVERIFY(
            query.exec(u"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'"_s));
        while (query.next())
            indexes.append(query.value(0).toString());
        for (const char *index :
            { "idx_requests_created_at", "idx_requests_api_key_id", "idx_requests_used_model",
                "idx_requests_used_provider", "idx_requests_member", "idx_requests_requested_model" })
            QVERIFY2(indexes.contains(QLatin1String(index)), index);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"create"_s);
}

void TestDatabase::reopeningKeepsData()
{
    QTemporaryDir dir;
    const DatabaseLocation location = DatabaseLocation::inDataDir(dir.path());
    QString error;
    QString appliedAt;
    {
        QSqlDatabase db = Database::open(location, u"first"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QSqlQuery query(db);
        QVERIFY(query.exec(u"INSERT INTO settings (key, value) VALUES ('retention_level', 'retain_all')"_s));
        QVERIFY(query.exec(u"SELECT applied_at FROM schema_migrations WHERE version = 1"_s) && query.next());
        appliedAt = query.value(0).toString();
        QVERIFY(!appliedAt.isEmpty());
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"first"_s);

    {
        QSqlDatabase db = Database::open(location, u"second"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT value FROM settings WHERE key = 'retention_level'"_s) && query.next());
        QCOMPARE(query.value(0).toString(), u"retain_all"_s);
        QVERIFY(query.exec(u"SELECT applied_at FROM schema_migrations WHERE version = 1"_s) && query.next());
        QCOMPARE(query.value(0).toString(), appliedAt);
        query.finish();
        QCOMPARE(countRows(db, u"schema_migrations"_s), qint64(Database::latestSchemaVersion()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"second"_s);
}

void TestDatabase::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    const DatabaseLocation location = DatabaseLocation::inDataDir(dir.path());
    const int latest = Database::latestSchemaVersion();
    QString error;
    {
        QSqlDatabase db = Database::open(location, u"future"_s, &error);
        QVERIFY2(db.isOpen(), qPrintable(error));
        QSqlQuery query(db);
        QVERIFY(query.exec(
            u"INSERT INTO schema_migrations (version, applied_at) VALUES (%1, 'later')"_s.arg(latest + 1)));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"future"_s);

    {
        QSqlDatabase db = Database::open(location, u"old build"_s, &error);
        QVERIFY(!db.isValid());
    }
    QVERIFY2(error.contains(
                 u"database schema version %1 is newer than this build supports (%2); upgrade llm-gateway"_s
                     .arg(latest + 1)
                     .arg(latest)),
        qPrintable(error));
    QVERIFY(!QSqlDatabase::contains(u"old build"_s));
}

void TestDatabase::concurrentMigrationsAgree()
{
    // Like `llm-gateway keys create` starting while `serve` opens the same new data dir. Several rounds,
    // each on a fresh file, so that the two really race at the first migration.
    for (int round = 0; round < 8; ++round) {
        QTemporaryDir dir;
        const DatabaseLocation location = DatabaseLocation::inDataDir(dir.path());
        QSemaphore ready;
        QSemaphore go;
        QString errors[2];
        int versions[2] = { -2, -2 };
        QThread *threads[2];
        for (int t = 0; t < 2; ++t) {
            threads[t] = QThread::create([&, t] {
                const QString name = u"race-%1-%2"_s.arg(round).arg(t);
                ready.release();
                go.acquire();
                {
                    QSqlDatabase db = Database::open(location, name, &errors[t]);
                    if (db.isValid()) {
                        versions[t] = Database::schemaVersion(db);
                        db.close();
                    }
                }
                QSqlDatabase::removeDatabase(name);
            });
            threads[t]->start();
        }
        ready.acquire(2);
        go.release(2);
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(30000));
            delete thread;
        }
        for (int t = 0; t < 2; ++t) {
            QVERIFY2(errors[t].isEmpty(), qPrintable(errors[t]));
            QCOMPARE(versions[t], Database::latestSchemaVersion());
        }
        QString error;
        {
            QSqlDatabase db = Database::open(location, u"check"_s, &error);
            QVERIFY2(db.isOpen(), qPrintable(error));
            QCOMPARE(countRows(db, u"schema_migrations"_s), qint64(Database::latestSchemaVersion()));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"check"_s);
    }
}

void TestDatabase::unusableLocationsSayWhy()
{
    QTemporaryDir dir;
    QFile blocker(dir.filePath(u"blocker"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    DatabaseLocation location;
    location.path = dir.filePath(u"blocker/sub/gateway.db"_s);
    QString error = openError(location, u"blocked"_s);
    QVERIFY2(error.contains(u"cannot create the folder"_s), qPrintable(error));

    QFile garbage(dir.filePath(u"gateway.db"_s));
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write(QByteArray(8192, 'x'));
    garbage.close();
    error = openError(DatabaseLocation::inDataDir(dir.path()), u"garbage"_s);
    QVERIFY2(error.contains(dir.filePath(u"gateway.db"_s)) && error.contains(u"not a database"_s),
        qPrintable(error));
    QVERIFY(!QSqlDatabase::contains(u"garbage"_s));
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
