// Gateway API keys: creation, authentication, keys made by another process, and that secrets stay out of
// the database file.
#include "apikeystore.h"
#include "database.h"
#include "storetestutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

const Actor kTester { 0, u"test"_s }; // the key changes that set the scene, audited as the test's

} // namespace

class TestApiKeyStore : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void createdKeyAuthenticates();
    void rejects_data();
    void rejects();
    void disabledKeyIsRejected();
    void keyFromAnotherProcessIsPickedUp();
    void unknownIdsAreLookedUpAtALimitedRate();
    void plaintextNeverReachesTheDatabaseFile();
    void nameIsRequired_data();
    void nameIsRequired();
    void listAndRemove();
    void concurrentAuthentication();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    DatabaseLocation m_location;
    TestClock m_clock;
};

void TestApiKeyStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_location = DatabaseLocation::inDataDir(m_dir->path());
}

void TestApiKeyStore::cleanup()
{
    m_dir.reset();
}

void TestApiKeyStore::createdKeyAuthenticates()
{
    ApiKeyStore store(m_location, m_clock);
    StoreError keyError;
    const auto created = store.create(kTester, u"  ci pipeline "_s, u"dev@example.com"_s, {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    QVERIFY2(QRegularExpression(u"^llmgw_[1-9][0-9]*_[0-9A-Za-z]{32}$"_s)
                 .match(QString::fromLatin1(created->plaintext))
                 .hasMatch(),
        created->plaintext.constData());
    QVERIFY(created->plaintext.startsWith(QByteArray("llmgw_" + QByteArray::number(created->key.id) + '_')));
    QCOMPARE(created->key.name, u"ci pipeline"_s);
    QCOMPARE(created->key.createdAt, m_clock.now());

    const auto key = store.authenticate(created->plaintext);
    QVERIFY(key);
    QCOMPARE(key->id, created->key.id);
    QCOMPARE(key->name, u"ci pipeline"_s);
    QCOMPARE(key->member, u"dev@example.com"_s);
    QVERIFY(!key->disabled);

    // Two keys never share a secret.
    const auto other = store.create(kTester, u"other"_s, QString(), {}, &keyError);
    QVERIFY2(other, qPrintable(keyError.message));
    QVERIFY(other->key.id != created->key.id);
    QVERIFY(other->plaintext.sliced(other->plaintext.lastIndexOf('_'))
        != created->plaintext.sliced(created->plaintext.lastIndexOf('_')));
    QCOMPARE(store.authenticate(other->plaintext)->member, QString());

    // A fresh store (a restarted gateway) knows both from the database alone.
    ApiKeyStore restarted(m_location, m_clock);
    QCOMPARE(restarted.authenticate(created->plaintext)->id, created->key.id);
    QCOMPARE(restarted.authenticate(other->plaintext)->id, other->key.id);
    QCOMPARE(restarted.authenticate(created->plaintext)->createdAt, m_clock.now());
}

void TestApiKeyStore::rejects_data()
{
    QTest::addColumn<QString>("kind");
    for (const char *kind : { "wrong secret", "secret of another key", "unknown id", "no prefix",
             "prefix only", "no secret", "id not a number", "leading zero id", "short secret", "long secret",
             "non-base62 secret", "with Bearer", "trailing newline", "upper-case prefix", "empty" })
        QTest::newRow(kind) << QString::fromLatin1(kind);
}

void TestApiKeyStore::rejects()
{
    QFETCH(QString, kind);
    ApiKeyStore store(m_location, m_clock);
    StoreError keyError;
    const auto created = store.create(kTester, u"k"_s, QString(), {}, &keyError);
    const auto second = store.create(kTester, u"k2"_s, QString(), {}, &keyError);
    QVERIFY2(created && second, qPrintable(keyError.message));
    const QByteArray good = created->plaintext;
    const QByteArray id = QByteArray::number(created->key.id);
    const QByteArray secret = good.sliced(good.lastIndexOf('_') + 1);
    QByteArray flipped = secret;
    flipped[31] = flipped[31] == 'a' ? 'b' : 'a';

    const QHash<QString, QByteArray> presented = {
        { u"wrong secret"_s, "llmgw_" + id + '_' + flipped },
        { u"secret of another key"_s,
            "llmgw_" + id + second->plaintext.sliced(second->plaintext.lastIndexOf('_')) },
        { u"unknown id"_s, "llmgw_" + QByteArray::number(created->key.id + 1000) + '_' + secret },
        { u"no prefix"_s, id + '_' + secret },
        { u"prefix only"_s, "llmgw_" },
        { u"no secret"_s, "llmgw_" + id },
        { u"id not a number"_s, "llmgw_x_" + secret },
        { u"leading zero id"_s, "llmgw_0" + id + '_' + secret },
        { u"short secret"_s, good.chopped(1) },
        { u"long secret"_s, good + 'a' },
        { u"non-base62 secret"_s, good.chopped(1) + '-' },
        { u"with Bearer"_s, "Bearer " + good },
        { u"trailing newline"_s, good + '\n' },
        { u"upper-case prefix"_s, "LLMGW_" + id + '_' + secret },
        { u"empty"_s, QByteArray() },
    };
    QVERIFY(presented.contains(kind));
    QVERIFY(!store.authenticate(presented.value(kind)));
    QVERIFY(store.authenticate(good)); // and the real one still works
}

void TestApiKeyStore::disabledKeyIsRejected()
{
    ApiKeyStore store(m_location, m_clock);
    StoreError keyError;
    QString error;
    const auto created = store.create(kTester, u"k"_s, QString(), {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    QVERIFY2(
        store.update(kTester, created->key.id, { {}, true, {} }, &keyError), qPrintable(keyError.message));
    QVERIFY(!store.authenticate(created->plaintext));
    ApiKeyStore restarted(m_location, m_clock);
    QVERIFY(!restarted.authenticate(created->plaintext));

    QVERIFY2(
        store.update(kTester, created->key.id, { {}, false, {} }, &keyError), qPrintable(keyError.message));
    QVERIFY(store.authenticate(created->plaintext));

    // Disabled by another process: seen after refresh().
    QVERIFY(restarted.authenticate(created->plaintext) || restarted.refresh(&keyError));
    QVERIFY(restarted.update(kTester, created->key.id, { {}, true, {} }, &keyError));
    QVERIFY(store.authenticate(created->plaintext)); // stale until refreshed
    QVERIFY2(store.refresh(&keyError), qPrintable(keyError.message));
    QVERIFY(!store.authenticate(created->plaintext));

    QVERIFY(!store.update(kTester, 9999, { {}, true, {} }, &keyError));
    QVERIFY2(keyError.message.contains(u"no API key with id 9999"_s), qPrintable(keyError.message));
}

void TestApiKeyStore::keyFromAnotherProcessIsPickedUp()
{
    ApiKeyStore serve(m_location, m_clock);
    StoreError keyError;
    const auto own = serve.create(kTester, u"serve's"_s, QString(), {}, &keyError);
    QVERIFY2(own, qPrintable(keyError.message));
    QVERIFY(serve.authenticate(own->plaintext));

    // `llm-gateway keys create` in another process: a second store with its own connection.
    std::optional<ApiKeyStore::Created> fromCli;
    {
        ApiKeyStore cli(m_location, m_clock);
        fromCli = cli.create(kTester, u"from the CLI"_s, u"ops@example.com"_s, {}, &keyError);
        QVERIFY2(fromCli, qPrintable(keyError.message));
    }
    const auto key = serve.authenticate(fromCli->plaintext);
    QVERIFY(key);
    QCOMPARE(key->name, u"from the CLI"_s);
    QCOMPARE(key->member, u"ops@example.com"_s);
}

void TestApiKeyStore::unknownIdsAreLookedUpAtALimitedRate()
{
    ApiKeyStore serve(m_location, m_clock);
    ApiKeyStore cli(m_location, m_clock);
    StoreError keyError;
    // A key made elsewhere right after a miss is found at once: each unknown id is looked up.
    QVERIFY(!serve.authenticate(QByteArray("llmgw_424242_" + QByteArray(32, 'a'))));
    const auto created = cli.create(kTester, u"late"_s, QString(), {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    QVERIFY(serve.authenticate(created->plaintext));

    // A flood of made-up keys spends the lookups (the first miss and this one's above took two)...
    for (int i = 0; i < ApiKeyStore::kLookupBurst - 2; ++i)
        QVERIFY(!serve.authenticate(
            QByteArray("llmgw_9999" + QByteArray::number(i) + '_' + QByteArray(32, 'a'))));
    const auto another = cli.create(kTester, u"another"_s, QString(), {}, &keyError);
    QVERIFY2(another, qPrintable(keyError.message));
    // ...so a new key waits for the bucket to refill: one lookup every 1000 / kLookupsPerSecond ms.
    QVERIFY(!serve.authenticate(another->plaintext));
    m_clock.advance(1000 / ApiKeyStore::kLookupsPerSecond);
    QVERIFY(serve.authenticate(another->plaintext));
    // Keys already known keep working throughout: the limit is on database reads.
    QVERIFY(serve.authenticate(created->plaintext));
}

void TestApiKeyStore::plaintextNeverReachesTheDatabaseFile()
{
    QByteArray plaintext;
    QByteArray hashHex;
    {
        ApiKeyStore store(m_location, m_clock);
        StoreError keyError;
        const auto created = store.create(kTester, u"secret keeper"_s, QString(), {}, &keyError);
        QVERIFY2(created, qPrintable(keyError.message));
        plaintext = created->plaintext;
        hashHex = created->key.secretHash.toHex();
    }
    const QByteArray secret = plaintext.sliced(plaintext.lastIndexOf('_') + 1);
    QCOMPARE(QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex(), hashHex);

    // The main file and the WAL (where recent commits live until a checkpoint).
    QByteArray bytes;
    const QDir dir(m_dir->path());
    for (const QString &name : dir.entryList(QDir::Files)) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        bytes += file.readAll();
    }
    QVERIFY(bytes.contains("secret keeper")); // we are reading the right bytes
    QVERIFY(bytes.contains(hashHex));
    QVERIFY(!bytes.contains(secret));
    QVERIFY(!bytes.contains(plaintext));
}

void TestApiKeyStore::nameIsRequired_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << u"   "_s;
}

void TestApiKeyStore::nameIsRequired()
{
    QFETCH(QString, name);
    ApiKeyStore store(m_location, m_clock);
    StoreError keyError;
    QString error;
    QVERIFY(!store.create(kTester, name, u"a@b.c"_s, {}, &keyError));
    QVERIFY2(keyError.message.contains(u"needs a name"_s), qPrintable(keyError.message));
    const auto keys = store.list(&keyError);
    QVERIFY2(keys, qPrintable(keyError.message));
    QVERIFY(keys->isEmpty());
}

void TestApiKeyStore::listAndRemove()
{
    ApiKeyStore store(m_location, m_clock);
    StoreError keyError;
    QString error;
    const auto a = store.create(kTester, u"a"_s, QString(), {}, &keyError);
    m_clock.advance(1000);
    const auto b = store.create(kTester, u"b"_s, u"b@example.com"_s, {}, &keyError);
    QVERIFY(a && b);
    auto keys = store.list(&keyError);
    QVERIFY2(keys, qPrintable(keyError.message));
    QCOMPARE(keys->size(), 2);
    QCOMPARE(keys->at(0).name, u"a"_s);
    QCOMPARE(keys->at(1).member, u"b@example.com"_s);
    QCOMPARE(keys->at(1).createdAt, m_clock.now());

    QVERIFY2(store.remove(kTester, a->key.id, &keyError), qPrintable(keyError.message));
    QVERIFY(!store.authenticate(a->plaintext));
    QVERIFY(store.authenticate(b->plaintext));
    QCOMPARE(store.list(&keyError)->size(), 1);
    QVERIFY(!store.remove(kTester, a->key.id, &keyError));
}

void TestApiKeyStore::concurrentAuthentication()
{
    // The proxy's workers share one store; each opens its own connection when it has to read.
    ApiKeyStore store(m_location, m_clock);
    ApiKeyStore cli(m_location, m_clock);
    StoreError keyError;
    const auto created = cli.create(kTester, u"shared"_s, QString(), {}, &keyError);
    QVERIFY2(created, qPrintable(keyError.message));
    std::atomic<int> accepted = 0;
    std::atomic<int> wronglyAccepted = 0;
    std::vector<QThread *> threads;
    for (int t = 0; t < 4; ++t) {
        threads.push_back(QThread::create([&] {
            for (int i = 0; i < 500; ++i) {
                if (store.authenticate(created->plaintext))
                    ++accepted;
                if (store.authenticate(
                        QByteArray("llmgw_" + QByteArray::number(9000 + i) + '_' + QByteArray(32, 'Z'))))
                    ++wronglyAccepted;
            }
        }));
        threads.back()->start();
    }
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(60000));
        delete thread;
    }
    QCOMPARE(accepted.load(), 4 * 500);
    QCOMPARE(wronglyAccepted.load(), 0);
}

QTEST_GUILESS_MAIN(TestApiKeyStore)
#include "tst_apikeystore.moc"
