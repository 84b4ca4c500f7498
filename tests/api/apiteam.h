#pragma once

#include "proxyharness.h"
#include "testhttp.h"

#include <QJsonObject>

#include <memory>

// A real Gateway in process with a team of four, one per role, each with a personal access token; the
// management API suites call /api/v1 through HTTP as the dashboard does.
class ApiTeam final
{
    Q_DISABLE_COPY_MOVE(ApiTeam)
public:
    ApiTeam() = default;

    struct Person
    {
        qint64 id = 0;
        QByteArray token;
        QString email;
    };
    Person owner, admin, developer, restricted;
    // The member of that role: "owner", "admin", "developer" or "restricted".
    const Person &person(const QString &role) const;

    bool start(QString *error) { return start(ProxyHarness::Options(), error); }
    bool start(const ProxyHarness::Options &options, QString *error);
    Gateway &gateway() { return m_harness.gateway(); }
    ProxyHarness &harness() { return m_harness; }

    // `token` empty: no Authorization header.
    TestHttpResult call(
        const QByteArray &token, const QByteArray &method, const QString &path, const QJsonObject &body = {});
    // POST /v1/chat/completions to the proxy with this gateway API key, for `model`.
    TestHttpResult chat(const QByteArray &apiKey, const QString &model);
    // A gateway API key issued to `person` straight through the store; its plaintext.
    QByteArray keyFor(const Person &person, QString *error);
    // Adds a member straight through the store (as the CLI does) and gives them a token.
    Person add(const QString &email, Role role, QString *error);
    // Everything the gateway stored: every file of the data dir (SQLite's database and WAL, config) and, on
    // PostgreSQL, every value of every table; to look for secrets that must not be there.
    QByteArray storedBytes();

private:
    ProxyHarness m_harness;
};

// The error message of an {"error":{"message","code"}} answer.
QString errorMessage(const TestHttpResult &result);
