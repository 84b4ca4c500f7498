#include "apiteam.h"

#include "database.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

bool ApiTeam::start(const ProxyHarness::Options &options, QString *error)
{
    if (!m_harness.start(options, error))
        return false;
    owner = add(u"owner@example.org"_s, Role::Owner, error);
    admin = add(u"admin@example.org"_s, Role::Admin, error);
    developer = add(u"dev@example.org"_s, Role::Developer, error);
    restricted = add(u"restricted@example.org"_s, Role::Restricted, error);
    return !restricted.token.isEmpty() && error->isEmpty();
}

const ApiTeam::Person &ApiTeam::person(const QString &role) const
{
    if (role == "owner"_L1)
        return owner;
    if (role == "admin"_L1)
        return admin;
    if (role == "developer"_L1)
        return developer;
    return restricted;
}

ApiTeam::Person ApiTeam::add(const QString &email, Role role, QString *error)
{
    StoreError storeError;
    const Actor cli { 0, u"test"_s };
    const auto member = gateway().members().add(cli, email, email.section(u'@', 0, 0), role, &storeError);
    const auto token
        = member ? gateway().accessTokens().create(cli, member->id, u"test"_s, &storeError) : std::nullopt;
    if (!token) {
        *error = storeError.message;
        return {};
    }
    return Person { member->id, token->plaintext, member->email };
}

QByteArray ApiTeam::keyFor(const Person &person, QString *error)
{
    StoreError storeError;
    const auto created = gateway().keys().create(
        Actor { 0, u"test"_s }, u"key of "_s + person.email, person.email, KeyLimits(), &storeError);
    if (!created)
        *error = storeError.message;
    return created ? created->plaintext : QByteArray();
}

TestHttpResult ApiTeam::call(
    const QByteArray &token, const QByteArray &method, const QString &path, const QJsonObject &body)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!token.isEmpty())
        headers.append({ "authorization", "Bearer " + token });
    const QByteArray bytes
        = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    return TestHttp::call(m_harness.nam(), m_harness.port(), method, path, bytes, headers);
}

TestHttpResult ApiTeam::chat(const QByteArray &apiKey, const QString &model)
{
    return TestHttp::call(m_harness.nam(), m_harness.port(), "POST", u"/v1/chat/completions"_s,
        TestHttp::chatBody(model, u"Hello"_s), { { "authorization", "Bearer " + apiKey } });
}

QByteArray ApiTeam::storedBytes()
{
    QByteArray all;
    const QDir dir(gateway().config().dataDir);
    for (const QString &name : dir.entryList(QDir::Files)) {
        QFile file(dir.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    const DatabaseLocation location = m_harness.databaseLocation();
    if (location.kind != DatabaseLocation::Kind::Postgres)
        return all;
    gateway().logWriter().flush();
    const QString connection = u"apiteam-stored-bytes"_s;
    {
        QString error;
        QSqlDatabase db = Database::open(location, connection, &error);
        if (!error.isEmpty())
            qWarning("cannot read the gateway's database: %s", qPrintable(error));
        QSqlQuery tables(u"SELECT tablename FROM pg_tables WHERE schemaname = 'public'"_s, db);
        while (tables.next()) {
            QSqlQuery rows(u"SELECT * FROM "_s + tables.value(0).toString(), db);
            while (rows.next()) {
                for (int i = 0; i < rows.record().count(); ++i) {
                    const QVariant value = rows.value(i);
                    all += value.typeId() == QMetaType::QByteArray ? value.toByteArray()
                                                                   : value.toString().toUtf8();
                    all += '\n';
                }
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return all;
}

QString errorMessage(const TestHttpResult &result)
{
    return result.json().value(u"error"_s).toObject().value(u"message"_s).toString();
}
