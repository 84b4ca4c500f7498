// The members resource against the role table of issue 4: every cell allowed and refused, through HTTP.

#include "apiteam.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestApiMembers final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void withoutATokenIs401_data();
    void withoutATokenIs401();
    void teamList_data();
    void teamList();
    void memberActions_data();
    void memberActions();
    void transferOwnership_data();
    void transferOwnership();
    void lastOwnerCannotBeRemovedOrDemoted();
    void everyoneMayCorrectTheirOwnName();
    void anEmailInAnotherCaseIsTheSameMember();
    void meSaysWhatTheMemberCan_data();
    void meSaysWhatTheMemberCan();
    void canMatchesWhatTheServerAllows_data();
    void canMatchesWhatTheServerAllows();

private:
    std::unique_ptr<ApiTeam> m_team;
};

void TestApiMembers::init()
{
    m_team = std::make_unique<ApiTeam>();
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

void TestApiMembers::withoutATokenIs401_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("none") << QByteArray();
    QTest::newRow("malformed") << QByteArray("hello");
    QTest::newRow("unknown id") << QByteArray("llmgw_pat_999_abcdefghijklmnopqrstuvwxyzABCDEF");
    QTest::newRow("session token never minted") << QByteArray("llmgw_pat_0_abcdefghijklmnopqrstuvwxyzABCDEF");
}

void TestApiMembers::withoutATokenIs401()
{
    QFETCH(QByteArray, token);
    const TestHttpResult result = m_team->call(token, "GET", u"/api/v1/members"_s);
    QCOMPARE(result.status, 401);
    QCOMPARE(result.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"unauthenticated"_s);
    QVERIFY2(errorMessage(result).contains(u"token"_s), qPrintable(errorMessage(result)));
    // A real token with a wrong secret is refused as well.
    QByteArray forged = m_team->owner.token;
    forged.back() = forged.back() == 'a' ? 'b' : 'a';
    QCOMPARE(m_team->call(forged, "GET", u"/api/v1/members"_s).status, 401);
}

void TestApiMembers::teamList_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("seesEmails");
    QTest::newRow("owner: everything") << u"owner"_s << 200 << true;
    QTest::newRow("admin: everything") << u"admin"_s << 200 << true;
    QTest::newRow("developer: names and roles") << u"developer"_s << 200 << false;
    QTest::newRow("restricted: refused") << u"restricted"_s << 403 << false;
}

void TestApiMembers::teamList()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    QFETCH(bool, seesEmails);
    const TestHttpResult result = m_team->call(m_team->person(actor).token, "GET", u"/api/v1/members"_s);
    QCOMPARE(result.status, status);
    if (status == 403) {
        QVERIFY2(
            errorMessage(result).contains(u"cannot see the team list"_s), qPrintable(errorMessage(result)));
        return;
    }
    const QJsonArray members = result.json().value(u"members"_s).toArray();
    QCOMPARE(members.size(), 4);
    const QJsonObject first = members.first().toObject();
    QCOMPARE(first.value(u"name"_s).toString(), u"owner"_s);
    QCOMPARE(first.value(u"role"_s).toString(), u"owner"_s);
    QCOMPARE(first.contains(u"email"_s), seesEmails);
    QCOMPARE(first.value(u"email"_s).toString(), seesEmails ? u"owner@example.org"_s : QString());
    QVERIFY(!result.body.contains("pbkdf2") && !result.body.contains("password_hash"));
}

void TestApiMembers::memberActions_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target"); // whose /members/{id}; "-" for the collection
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message"); // part of the refusal

    const QJsonObject newDev { { u"email"_s, u"new@example.org"_s }, { u"name"_s, u"New"_s },
        { u"role"_s, u"developer"_s } };
    const QJsonObject newOwner { { u"email"_s, u"new@example.org"_s }, { u"name"_s, u"New"_s },
        { u"role"_s, u"owner"_s } };
    const QJsonObject toAdmin { { u"role"_s, u"admin"_s } };
    const QJsonObject toOwner { { u"role"_s, u"owner"_s } };
    const QJsonObject budget { { u"key_budget_usd"_s, 25.5 } };
    const QJsonObject none;

    // add members
    QTest::newRow("add: owner") << u"owner"_s << QByteArray("POST") << u"-"_s << newOwner << 201 << QString();
    QTest::newRow("add: admin") << u"admin"_s << QByteArray("POST") << u"-"_s << newDev << 201 << QString();
    QTest::newRow("add: admin cannot grant owner") << u"admin"_s << QByteArray("POST") << u"-"_s << newOwner
                                                   << 403 << u"only an owner can make someone an owner"_s;
    QTest::newRow("add: developer") << u"developer"_s << QByteArray("POST") << u"-"_s << newDev << 403
                                    << u"cannot add members"_s;
    QTest::newRow("add: restricted") << u"restricted"_s << QByteArray("POST") << u"-"_s << newDev << 403
                                     << u"cannot add members"_s;
    // remove members
    QTest::newRow("remove: owner") << u"owner"_s << QByteArray("DELETE") << u"developer"_s << none << 200
                                   << QString();
    QTest::newRow("remove: admin") << u"admin"_s << QByteArray("DELETE") << u"developer"_s << none << 200
                                   << QString();
    QTest::newRow("remove: admin not on owners") << u"admin"_s << QByteArray("DELETE") << u"owner"_s << none
                                                 << 403 << u"admins cannot remove an owner"_s;
    QTest::newRow("remove: developer") << u"developer"_s << QByteArray("DELETE") << u"restricted"_s << none
                                       << 403 << u"cannot remove members"_s;
    QTest::newRow("remove: restricted") << u"restricted"_s << QByteArray("DELETE") << u"developer"_s << none
                                        << 403 << u"cannot remove members"_s;
    // change roles
    QTest::newRow("role: owner") << u"owner"_s << QByteArray("PATCH") << u"developer"_s << toAdmin << 200
                                 << QString();
    QTest::newRow("role: owner grants owner")
        << u"owner"_s << QByteArray("PATCH") << u"admin"_s << toOwner << 200 << QString();
    QTest::newRow("role: admin") << u"admin"_s << QByteArray("PATCH") << u"developer"_s << toAdmin << 200
                                 << QString();
    QTest::newRow("role: admin not on owners") << u"admin"_s << QByteArray("PATCH") << u"owner"_s << toAdmin
                                               << 403 << u"admins cannot change an owner"_s;
    QTest::newRow("role: admin cannot grant owner")
        << u"admin"_s << QByteArray("PATCH") << u"developer"_s << toOwner << 403
        << u"only an owner can make someone an owner"_s;
    QTest::newRow("role: developer") << u"developer"_s << QByteArray("PATCH") << u"restricted"_s << toAdmin
                                     << 403 << u"cannot change members"_s;
    QTest::newRow("role: restricted") << u"restricted"_s << QByteArray("PATCH") << u"restricted"_s << toAdmin
                                      << 403 << u"cannot change members"_s;
    // member budgets
    QTest::newRow("budget: owner") << u"owner"_s << QByteArray("PATCH") << u"developer"_s << budget << 200
                                   << QString();
    QTest::newRow("budget: admin") << u"admin"_s << QByteArray("PATCH") << u"developer"_s << budget << 200
                                   << QString();
    QTest::newRow("budget: admin not on owners") << u"admin"_s << QByteArray("PATCH") << u"owner"_s << budget
                                                 << 403 << u"admins cannot change an owner"_s;
    QTest::newRow("budget: developer, even their own")
        << u"developer"_s << QByteArray("PATCH") << u"developer"_s << budget << 403
        << u"cannot change members"_s;
    QTest::newRow("budget: restricted") << u"restricted"_s << QByteArray("PATCH") << u"restricted"_s << budget
                                        << 403 << u"cannot change members"_s;
}

void TestApiMembers::memberActions()
{
    QFETCH(QString, actor);
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(QString, message);
    const QString path
        = target == "-"_L1 ? u"/api/v1/members"_s : u"/api/v1/members/%1"_s.arg(m_team->person(target).id);
    const TestHttpResult result = m_team->call(m_team->person(actor).token, method, path, body);
    QVERIFY2(result.status == status, result.body.constData());

    StoreError error;
    const auto members = m_team->gateway().members().members(&error);
    QVERIFY(members);
    if (status >= 400) {
        QCOMPARE(result.json().value(u"error"_s).toObject().value(u"code"_s).toString(), u"forbidden"_s);
        QVERIFY2(errorMessage(result).contains(message), qPrintable(errorMessage(result)));
        QCOMPARE(members->size(), 4); // nothing changed
        if (target != "-"_L1) {
            const auto unchanged = m_team->gateway().members().member(m_team->person(target).id, &error);
            QVERIFY(unchanged);
            QVERIFY(!unchanged->keyBudgetUsd);
            QCOMPARE(Roles::name(unchanged->role), target);
        }
        return;
    }
    if (method == "POST") {
        QCOMPARE(members->size(), 5);
        QCOMPARE(members->last().email, u"new@example.org"_s);
        QCOMPARE(Roles::name(members->last().role), body.value(u"role"_s).toString());
        // The new member's token, shown once, works.
        const QByteArray token = result.json().value(u"token"_s).toString().toLatin1();
        QCOMPARE(m_team->call(token, "GET", u"/api/v1/tokens"_s).status, 200);
    } else if (method == "DELETE") {
        QCOMPARE(members->size(), 3);
        QVERIFY(!m_team->gateway().members().member(m_team->person(target).id, &error));
        QCOMPARE(error.kind, StoreError::Kind::NotFound);
        // Their tokens went with them.
        QCOMPARE(m_team->call(m_team->person(target).token, "GET", u"/api/v1/tokens"_s).status, 401);
    } else {
        const auto changed = m_team->gateway().members().member(m_team->person(target).id, &error);
        QVERIFY(changed);
        if (body.contains(u"role"_s))
            QCOMPARE(Roles::name(changed->role), body.value(u"role"_s).toString());
        if (body.contains(u"key_budget_usd"_s))
            QCOMPARE(changed->keyBudgetUsd.value_or(-1), 25.5);
        QCOMPARE(result.json().value(u"id"_s).toInteger(), m_team->person(target).id);
    }
}

void TestApiMembers::transferOwnership_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<int>("status");
    QTest::newRow("owner") << u"owner"_s << 200;
    QTest::newRow("admin") << u"admin"_s << 403;
    QTest::newRow("developer") << u"developer"_s << 403;
    QTest::newRow("restricted") << u"restricted"_s << 403;
}

void TestApiMembers::transferOwnership()
{
    QFETCH(QString, actor);
    QFETCH(int, status);
    const QString path = u"/api/v1/members/%1/transfer-ownership"_s.arg(m_team->developer.id);
    const TestHttpResult result = m_team->call(m_team->person(actor).token, "POST", path);
    QVERIFY2(result.status == status, result.body.constData());
    StoreError error;
    const auto developer = m_team->gateway().members().member(m_team->developer.id, &error);
    const auto formerOwner = m_team->gateway().members().member(m_team->owner.id, &error);
    QVERIFY(developer && formerOwner);
    if (status == 403) {
        QVERIFY2(errorMessage(result).contains(u"cannot transfer ownership; only an owner can"_s),
            qPrintable(errorMessage(result)));
        QCOMPARE(developer->role, Role::Developer);
        QCOMPARE(formerOwner->role, Role::Owner);
        return;
    }
    QCOMPARE(developer->role, Role::Owner);
    QCOMPARE(formerOwner->role, Role::Admin);
    QCOMPARE(result.json().value(u"role"_s).toString(), u"owner"_s);
}

void TestApiMembers::lastOwnerCannotBeRemovedOrDemoted()
{
    const QByteArray owner = m_team->owner.token;
    const QString self = u"/api/v1/members/%1"_s.arg(m_team->owner.id);
    const TestHttpResult demote = m_team->call(owner, "PATCH", self, { { u"role"_s, u"admin"_s } });
    QCOMPARE(demote.status, 409);
    QVERIFY2(errorMessage(demote).contains(u"last owner"_s), qPrintable(errorMessage(demote)));
    const TestHttpResult remove = m_team->call(owner, "DELETE", self);
    QCOMPARE(remove.status, 409);
    QVERIFY2(errorMessage(remove).contains(u"last owner"_s), qPrintable(errorMessage(remove)));
    StoreError error;
    QCOMPARE(m_team->gateway().members().member(m_team->owner.id, &error)->role, Role::Owner);

    // With a second owner, the first may step down; then the second is the last and is protected.
    QCOMPARE(m_team
                 ->call(owner, "PATCH", u"/api/v1/members/%1"_s.arg(m_team->admin.id),
                     { { u"role"_s, u"owner"_s } })
                 .status,
        200);
    QCOMPARE(m_team->call(owner, "PATCH", self, { { u"role"_s, u"developer"_s } }).status, 200);
    const TestHttpResult again
        = m_team->call(m_team->admin.token, "DELETE", u"/api/v1/members/%1"_s.arg(m_team->admin.id));
    QCOMPARE(again.status, 409);
}

// Bob@x.io and bob@x.io are one person: the second is a conflict, and the team keeps one Bob, lower-cased.
void TestApiMembers::anEmailInAnotherCaseIsTheSameMember()
{
    const auto add = [&](const QString &email) {
        return m_team->call(m_team->owner.token, "POST", u"/api/v1/members"_s,
            { { u"email"_s, email }, { u"name"_s, u"Bob"_s }, { u"role"_s, u"developer"_s } });
    };
    const TestHttpResult first = add(u"Bob@X.io"_s);
    QCOMPARE(first.status, 201);
    QCOMPARE(first.json().value(u"email"_s).toString(), u"bob@x.io"_s);
    for (const QString &again : { u"bob@x.io"_s, u" BOB@x.IO "_s }) {
        const TestHttpResult refused = add(again);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.json()[u"error"_s][u"code"_s].toString(), u"conflict"_s);
        QVERIFY2(errorMessage(refused).contains(u"bob@x.io is already a member"_s),
            qPrintable(errorMessage(refused)));
    }
    int bobs = 0;
    const QJsonArray team
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/members"_s).json().value(u"members"_s).toArray();
    for (const QJsonValue &member : team)
        bobs += member[u"email"_s].toString().compare(u"bob@x.io"_s, Qt::CaseInsensitive) == 0 ? 1 : 0;
    QCOMPARE(bobs, 1);
}

void TestApiMembers::everyoneMayCorrectTheirOwnName()
{
    const QString self = u"/api/v1/members/%1"_s.arg(m_team->restricted.id);
    const TestHttpResult renamed
        = m_team->call(m_team->restricted.token, "PATCH", self, { { u"name"_s, u"Rita"_s } });
    QVERIFY2(renamed.status == 200, renamed.body.constData());
    QCOMPARE(renamed.json().value(u"name"_s).toString(), u"Rita"_s);
    // …but not anyone else's.
    const TestHttpResult other = m_team->call(m_team->restricted.token, "PATCH",
        u"/api/v1/members/%1"_s.arg(m_team->developer.id), { { u"name"_s, u"X"_s } });
    QCOMPARE(other.status, 403);
    // me works as an id.
    QCOMPARE(m_team->call(m_team->restricted.token, "GET", u"/api/v1/members/me"_s)
                 .json()
                 .value(u"name"_s)
                 .toString(),
        u"Rita"_s);
}

// The can-list of each role, as the role table in permissions.h reads: a rule changed without this list (and
// the dashboard that relies on it) following fails here.
void TestApiMembers::meSaysWhatTheMemberCan_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QStringList>("can");
    QTest::addColumn<QString>("recordScope");
    const QStringList admin { u"members.view"_s, u"members.manage"_s, u"audit.read"_s, u"keys.view"_s,
        u"keys.view_all"_s, u"keys.create"_s, u"usage.view"_s, u"usage.group_by_key"_s,
        u"usage.group_by_member"_s, u"logs.view"_s, u"payloads.view_all"_s, u"providers.view"_s,
        u"providers.manage"_s, u"export.all"_s };
    QStringList owner = admin;
    owner.insert(owner.indexOf(u"export.all"_s), u"policies.change"_s);
    owner.insert(owner.indexOf(u"export.all"_s), u"data.delete_all"_s);
    QTest::newRow("owner") << u"owner"_s << owner << u"all"_s;
    QTest::newRow("admin") << u"admin"_s << admin << u"all"_s;
    QTest::newRow("developer") << u"developer"_s
                               << QStringList { u"members.view"_s, u"keys.view"_s, u"keys.create"_s,
                                      u"usage.view"_s, u"usage.group_by_key"_s, u"logs.view"_s,
                                      u"providers.view"_s }
                               << u"own_keys"_s;
    QTest::newRow("restricted") << u"restricted"_s << QStringList { u"usage.view"_s } << u"own_totals"_s;
}

void TestApiMembers::meSaysWhatTheMemberCan()
{
    QFETCH(QString, role);
    QFETCH(QStringList, can);
    QFETCH(QString, recordScope);
    const QJsonObject me = m_team->call(m_team->person(role).token, "GET", u"/api/v1/members/me"_s).json();
    QCOMPARE(me.value(u"role"_s).toString(), role);
    QStringList listed;
    for (const QJsonValue &action : me.value(u"can"_s).toArray())
        listed.append(action.toString());
    QCOMPARE(listed, can);
    QCOMPARE(me.value(u"record_scope"_s).toString(), recordScope);
    // The same member by id answers the same; someone else's entry has no can-list.
    const QJsonObject byId
        = m_team->call(
                    m_team->person(role).token, "GET", u"/api/v1/members/%1"_s.arg(m_team->person(role).id))
              .json();
    QCOMPARE(byId.value(u"can"_s), me.value(u"can"_s));
    const QJsonObject other
        = m_team->call(m_team->owner.token, "GET", u"/api/v1/members/%1"_s.arg(m_team->person(role).id))
              .json();
    QCOMPARE(other.contains(u"can"_s), role == "owner"_L1);
}

// Every action the window can check by reading, asked of the server itself for every role: listed in `can`
// exactly when the server does not refuse it with 403.
void TestApiMembers::canMatchesWhatTheServerAllows_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("path");
    const std::pair<const char *, const char *> probes[] = {
        { "members.view", "/api/v1/members" },
        { "audit.read", "/api/v1/audit" },
        { "keys.view", "/api/v1/keys" },
        { "usage.view", "/api/v1/usage" },
        { "usage.group_by_key", "/api/v1/usage?group_by=key" },
        { "usage.group_by_member", "/api/v1/usage?group_by=member" },
        { "logs.view", "/api/v1/logs" },
        { "providers.view", "/api/v1/providers" },
        { "export.all", "/api/v1/export" },
    };
    for (const QString &role : { u"owner"_s, u"admin"_s, u"developer"_s, u"restricted"_s }) {
        for (const auto &[action, path] : probes)
            QTest::addRow("%s %s", qPrintable(role), action)
                << role << QString::fromLatin1(action) << QString::fromLatin1(path);
    }
}

void TestApiMembers::canMatchesWhatTheServerAllows()
{
    QFETCH(QString, role);
    QFETCH(QString, action);
    QFETCH(QString, path);
    const QByteArray token = m_team->person(role).token;
    const QJsonArray can
        = m_team->call(token, "GET", u"/api/v1/members/me"_s).json().value(u"can"_s).toArray();
    const TestHttpResult result = m_team->call(token, "GET", path);
    QVERIFY2(result.status == 200 || result.status == 403, qPrintable(QString::number(result.status)));
    QCOMPARE(can.contains(action), result.status != 403);
}

QTEST_GUILESS_MAIN(TestApiMembers)
#include "tst_apimembers.moc"
