// Every route of the management API's table, through HTTP against a real gateway: each is reached by the
// roles its gate allows and refused (403, the gate's own reason) to the others, before its handler runs; a
// method the path does not take is 405 with an Allow header naming those it does, whatever the role. A route
// added to the table without a sample here fails the suite.

#include "accesstokenstore.h"
#include "apikeystore.h"
#include "apiroutes.h"
#include "apiteam.h"
#include "memberstore.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString kPassword = u"a long enough password"_s;
const Role kRoles[] = { Role::Restricted, Role::Developer, Role::Admin, Role::Owner };

// What a route is called with, and what it answers an owner.
struct Sample
{
    QString path; // after /api/v1/
    QJsonObject body;
    int ownerStatus = 200;
    QByteArray allow; // the methods the path takes, as the Allow header lists them
};

QString callName(const ApiRoute &route)
{
    return QString::fromLatin1(route.method) + u' ' + QString::fromLatin1(route.pattern);
}

// An answer the router gave instead of the handler: no such path or method, or no token.
bool fromTheRouter(const TestHttpResult &result)
{
    return result.status == 405 || result.status == 401
        || (result.status == 404 && errorMessage(result).startsWith(u"there is no resource"_s));
}

} // namespace

class TestApiRouteTable final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup() { m_team.reset(); }

    void everyRoute_data();
    void everyRoute();
    void unknownPathsAndMethodsAreToldOnlyToMembers();

private:
    const ApiTeam::Person &personOf(Role role) const;
    std::optional<Sample> sampleFor(const QString &call, const ApiTeam::Person &caller);
    qint64 keyOf(const ApiTeam::Person &person);
    qint64 recordOf(const ApiTeam::Person &person);
    qint64 throwawayMember();

    std::unique_ptr<ApiTeam> m_team;
    int m_records = 0;
    int m_members = 0;
};

void TestApiRouteTable::init()
{
    m_team = std::make_unique<ApiTeam>();
    m_records = 0;
    m_members = 0;
    QString error;
    QVERIFY2(m_team->start(&error), qPrintable(error));
}

const ApiTeam::Person &TestApiRouteTable::personOf(Role role) const
{
    return m_team->person(Roles::name(role));
}

qint64 TestApiRouteTable::keyOf(const ApiTeam::Person &person)
{
    StoreError error;
    const auto created = m_team->gateway().keys().create(
        Actor { 0, u"test"_s }, u"key of "_s + person.email, person.email, KeyLimits(), &error);
    return created ? created->key.id : 0;
}

// A request record made with the person's own key.
qint64 TestApiRouteTable::recordOf(const ApiTeam::Person &person)
{
    QString error;
    if (m_team->chat(m_team->keyFor(person, &error), u"openai/gpt-4o-mini"_s).status != 200)
        return 0;
    const auto records = m_team->harness().waitForRecords(++m_records);
    return records.size() == m_records ? records.last().value(u"id"_s).toLongLong() : 0;
}

qint64 TestApiRouteTable::throwawayMember()
{
    QString error;
    return m_team->add(u"throwaway%1@example.org"_s.arg(++m_members), Role::Restricted, &error).id;
}

// The call made with this route for this caller: their own key, record or token where the route names one,
// a member of their own making where it changes one.
std::optional<Sample> TestApiRouteTable::sampleFor(const QString &call, const ApiTeam::Person &caller)
{
    StoreError error;
    const auto keyPath = [&] { return u"keys/%1"_s.arg(keyOf(caller)); };
    if (call == "GET status"_L1)
        return Sample { u"status"_s, {}, 200, "GET" };
    if (call == "GET usage"_L1)
        return Sample { u"usage"_s, {}, 200, "GET" };
    if (call == "GET logs"_L1)
        return Sample { u"logs"_s, {}, 200, "GET" };
    if (call == "GET logs/{id}"_L1)
        return Sample { u"logs/%1"_s.arg(recordOf(caller)), {}, 200, "GET" };
    if (call == "GET keys"_L1)
        return Sample { u"keys"_s, {}, 200, "GET, POST" };
    if (call == "POST keys"_L1)
        return Sample { u"keys"_s, { { u"name"_s, u"laptop"_s } }, 201, "GET, POST" };
    if (call == "GET keys/{id}"_L1)
        return Sample { keyPath(), {}, 200, "GET, PATCH, DELETE" };
    if (call == "PATCH keys/{id}"_L1)
        return Sample { keyPath(), { { u"name"_s, u"renamed"_s } }, 200, "GET, PATCH, DELETE" };
    if (call == "DELETE keys/{id}"_L1)
        return Sample { keyPath(), {}, 200, "GET, PATCH, DELETE" };
    if (call == "POST keys/{id}/roll"_L1)
        return Sample { keyPath() + u"/roll"_s, {}, 200, "POST" };
    if (call == "GET providers"_L1)
        return Sample { u"providers"_s, {}, 200, "GET" };
    if (call == "GET providers/{id}"_L1)
        return Sample { u"providers/openai"_s, {}, 200, "GET, PUT, PATCH" };
    if (call == "PUT providers/{id}"_L1 || call == "PATCH providers/{id}"_L1)
        return Sample { u"providers/openai"_s, { { u"spend_limit_usd"_s, 5 } }, 200, "GET, PUT, PATCH" };
    if (call == "DELETE providers/{id}/key"_L1) // reached: the provider has no stored key to remove
        return Sample { u"providers/openai/key"_s, {}, 404, "DELETE" };
    if (call == "GET policies"_L1)
        return Sample { u"policies"_s, {}, 200, "GET, PATCH, PUT" };
    if (call == "PATCH policies"_L1 || call == "PUT policies"_L1)
        return Sample { u"policies"_s, { { u"payload_retention_days"_s, 7 } }, 200, "GET, PATCH, PUT" };
    if (call == "POST policies/purge"_L1)
        return Sample { u"policies/purge"_s, {}, 200, "POST" };
    if (call == "GET members"_L1)
        return Sample { u"members"_s, {}, 200, "GET, POST" };
    if (call == "POST members"_L1)
        return Sample { u"members"_s,
            { { u"email"_s, u"new%1@example.org"_s.arg(++m_members) }, { u"name"_s, u"New"_s },
                { u"role"_s, u"restricted"_s } },
            201, "GET, POST" };
    if (call == "GET members/me"_L1)
        return Sample { u"members/me"_s, {}, 200, "GET, PATCH, DELETE" };
    if (call == "GET members/{id}"_L1)
        return Sample { u"members/%1"_s.arg(m_team->developer.id), {}, 200, "GET, PATCH, DELETE" };
    if (call == "PATCH members/{id}"_L1)
        return Sample { u"members/%1"_s.arg(throwawayMember()), { { u"name"_s, u"Renamed"_s } }, 200,
            "GET, PATCH, DELETE" };
    if (call == "DELETE members/{id}"_L1)
        return Sample { u"members/%1"_s.arg(throwawayMember()), {}, 200, "GET, PATCH, DELETE" };
    if (call == "POST members/{id}/transfer-ownership"_L1)
        return Sample { u"members/%1/transfer-ownership"_s.arg(throwawayMember()), {}, 200, "POST" };
    if (call == "PUT members/me/password"_L1)
        return Sample { u"members/me/password"_s, { { u"password"_s, kPassword } }, 200, "PUT" };
    if (call == "GET tokens"_L1)
        return Sample { u"tokens"_s, {}, 200, "GET, POST" };
    if (call == "POST tokens"_L1)
        return Sample { u"tokens"_s, { { u"name"_s, u"laptop"_s } }, 201, "GET, POST" };
    if (call == "DELETE tokens/{id}"_L1) {
        const auto token
            = m_team->gateway().accessTokens().create(Actor { 0, u"test"_s }, caller.id, u"spare"_s, &error);
        return Sample { u"tokens/%1"_s.arg(token ? token->token.id : 0), {}, 200, "DELETE" };
    }
    if (call == "POST auth/sign-in"_L1)
        return Sample { u"auth/sign-in"_s, { { u"email"_s, caller.email }, { u"password"_s, kPassword } },
            201, "POST" };
    if (call == "GET audit"_L1)
        return Sample { u"audit"_s, {}, 200, "GET" };
    if (call == "GET export"_L1)
        return Sample { u"export"_s, {}, 200, "GET" };
    if (call == "GET data/members/{member}"_L1)
        return Sample { u"data/members/me"_s, {}, 200, "GET, DELETE" };
    if (call == "DELETE data/members/{member}"_L1)
        return Sample { u"data/members/me"_s, {}, 200, "GET, DELETE" };
    if (call == "DELETE data"_L1)
        return Sample { u"data"_s, { { u"confirm"_s, u"delete all data"_s } }, 200, "DELETE" };
    return std::nullopt;
}

void TestApiRouteTable::everyRoute_data()
{
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < ApiRoutes::table().size(); ++i)
        QTest::newRow(qPrintable(callName(ApiRoutes::table().at(i)))) << int(i);
}

void TestApiRouteTable::everyRoute()
{
    QFETCH(int, index);
    const ApiRoute &route = ApiRoutes::table().at(size_t(index));
    const QString call = callName(route);
    const auto sample = sampleFor(call, m_team->owner);
    QVERIFY2(sample, qPrintable(call + u" has no sample in tst_apiroutetable: add one"_s));

    // A method the path does not take: 405 before any rule of the role (here the least privileged one's).
    const QStringList allowed = QString::fromLatin1(sample->allow).split(u", "_s);
    QVERIFY(allowed.contains(QString::fromLatin1(route.method)));
    QByteArray wrong;
    for (const char *method : { "GET", "POST", "PUT", "PATCH", "DELETE" }) {
        if (!allowed.contains(QString::fromLatin1(method))) {
            wrong = method;
            break;
        }
    }
    const bool tokenless = route.access.kind == ApiAccess::Kind::NoToken;
    const TestHttpResult refusedMethod = m_team->call(
        tokenless ? QByteArray() : m_team->restricted.token, wrong, u"/api/v1/"_s + sample->path);
    QCOMPARE(refusedMethod.status, 405);
    QCOMPARE(refusedMethod.json()[u"error"_s][u"code"_s].toString(), u"method_not_allowed"_s);
    QCOMPARE(refusedMethod.header("allow"), sample->allow);

    if (tokenless) {
        StoreError error;
        QVERIFY(m_team->gateway().members().setPassword(
            Actor { 0, u"test"_s }, m_team->owner.id, kPassword, &error));
        const TestHttpResult result
            = m_team->call({}, route.method, u"/api/v1/"_s + sample->path, sample->body);
        QCOMPARE(result.status, sample->ownerStatus);
        return;
    }

    // Refusals first: the gate answers before the handler, with its own reason, and changes nothing.
    const bool gated = route.access.kind == ApiAccess::Kind::RoleGate;
    for (const Role role : kRoles) {
        if (!gated || route.access.gate(role))
            continue;
        const auto refusedSample = sampleFor(call, personOf(role));
        const TestHttpResult result = m_team->call(
            personOf(role).token, route.method, u"/api/v1/"_s + refusedSample->path, refusedSample->body);
        QVERIFY2(
            result.status == 403, qPrintable(Roles::name(role) + u": "_s + QString::fromUtf8(result.body)));
        QCOMPARE(result.json()[u"error"_s][u"code"_s].toString(), u"forbidden"_s);
        QCOMPARE(errorMessage(result), route.access.gate(role).reason);
    }
    // Then every role the gate allows, the owner last (a transfer of ownership makes them an admin).
    for (const Role role : kRoles) {
        if (gated && !route.access.gate(role))
            continue;
        const ApiTeam::Person &caller = personOf(role);
        const auto own = sampleFor(call, caller);
        const TestHttpResult result
            = m_team->call(caller.token, route.method, u"/api/v1/"_s + own->path, own->body);
        const QString what = Roles::name(role) + u": "_s + QString::number(result.status) + u' '
            + QString::fromUtf8(result.body.left(300));
        QVERIFY2(!fromTheRouter(result), qPrintable(what));
        // The finer rules of "every member" routes are the handlers' (and their suites'); a gate's roles all
        // get what the owner gets.
        if (gated || role == Role::Owner)
            QVERIFY2(result.status == own->ownerStatus, qPrintable(what));
    }
}

void TestApiRouteTable::unknownPathsAndMethodsAreToldOnlyToMembers()
{
    // Without a token nothing is told of the paths, but sign-in's, which needs none.
    QCOMPARE(m_team->call({}, "PUT", u"/api/v1/members"_s).status, 401);
    QCOMPARE(m_team->call({}, "GET", u"/api/v1/nothing"_s).status, 401);
    const TestHttpResult signIn = m_team->call({}, "GET", u"/api/v1/auth/sign-in"_s);
    QCOMPARE(signIn.status, 405);
    QCOMPARE(signIn.header("allow"), QByteArray("POST"));

    const QByteArray token = m_team->developer.token;
    const TestHttpResult unknown = m_team->call(token, "GET", u"/api/v1/nothing"_s);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.json()[u"error"_s][u"code"_s].toString(), u"not_found"_s);
    QVERIFY2(
        errorMessage(unknown).contains(u"status, usage, logs, keys"_s), qPrintable(errorMessage(unknown)));
    // Under a known resource, the calls it has.
    const TestHttpResult deeper = m_team->call(token, "GET", u"/api/v1/data/everything"_s);
    QCOMPARE(deeper.status, 404);
    QVERIFY2(errorMessage(deeper).contains(u"GET data/members/{member}"_s), qPrintable(errorMessage(deeper)));
    QCOMPARE(m_team->call(token, "GET", u"/api/v1/keys/1/roll/again"_s).status, 404);
    QCOMPARE(m_team->call(token, "GET", u"/api/v1/"_s).status, 404);
    // A trailing slash is the same path.
    QCOMPARE(m_team->call(token, "GET", u"/api/v1/status/"_s).status, 200);
    const TestHttpResult wrong = m_team->call(token, "DELETE", u"/api/v1/members"_s);
    QCOMPARE(wrong.header("allow"), QByteArray("GET, POST"));
    QCOMPARE(errorMessage(wrong), u"DELETE is not allowed on /api/v1/members (GET and POST are)"_s);
}

QTEST_GUILESS_MAIN(TestApiRouteTable)
#include "tst_apiroutetable.moc"
