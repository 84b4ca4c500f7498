// The route table's matching and the reference it renders, without a server: literal segments over
// {param}s, trailing slashes, extra segments, percent-encoded segments, 405's methods, the calls that need no
// token; the table itself (no two rows for one call, every gate set); who may call, asked of the gates.
#include "apireference.h"
#include "apiroutes.h"

#include <QRegularExpression>
#include <QTest>

#include <set>

using namespace Qt::StringLiterals;

namespace {

ApiReply first(const ApiContext &, const ApiCall &)
{
    return { 201, {} };
}
ApiReply second(const ApiContext &, const ApiCall &)
{
    return { 202, {} };
}
Decision onlyOwners(Role role)
{
    return role == Role::Owner ? Decision::allow() : Decision::deny(u"owners only"_s);
}

// A small table of its own, so each rule is seen apart from the real routes.
const std::vector<ApiRoute> &sampleTable()
{
    static const std::vector<ApiRoute> routes {
        { "GET", "things/{id}", first, ApiAccess::everyMember(), ApiRoute::Secrets::None, "one thing" },
        { "GET", "things/mine", second, ApiAccess::everyMember(), ApiRoute::Secrets::None, "my things" },
        { "PATCH", "things/{id}", first, ApiAccess::role(onlyOwners), ApiRoute::Secrets::None, "change" },
        { "POST", "things/{id}/{part}", first, ApiAccess::everyMember(), ApiRoute::Secrets::None, "part" },
        { "POST", "open", second, ApiAccess::noToken(), ApiRoute::Secrets::Carried, "open | door" },
    };
    return routes;
}

} // namespace

class TestApiRoutes final : public QObject
{
    Q_OBJECT

private slots:
    void matching_data();
    void matching();
    void percentEncodedSegmentsAreDecodedFirst();
    void theRealTableTellsMeFromAnId();
    void tokenlessIsOnlyWhereNoTokenIsNeeded();
    void theTableHasOneRowPerCallAndEveryGate();
    void whoMayCallIsAskedOfTheGates();
    void theReferenceHasARowPerRoute();
};

void TestApiRoutes::matching_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path"); // after /api/v1/, as it arrives
    QTest::addColumn<QString>("pattern"); // empty: no route
    QTest::addColumn<QString>("params"); // name=value, comma-separated
    QTest::addColumn<QByteArray>("allowed");

    QTest::newRow("param") << QByteArray("GET") << QByteArray("things/7") << u"things/{id}"_s << u"id=7"_s
                           << QByteArray("GET,PATCH");
    // The literal row comes after the {param} row in the table and still wins.
    QTest::newRow("literal over param") << QByteArray("GET") << QByteArray("things/mine") << u"things/mine"_s
                                        << QString() << QByteArray("GET,PATCH");
    // The literal row has no PATCH: the {param} row takes it, with "mine" as its id.
    QTest::newRow("other method falls to the param")
        << QByteArray("PATCH") << QByteArray("things/mine") << u"things/{id}"_s << u"id=mine"_s
        << QByteArray("GET,PATCH");
    QTest::newRow("trailing slash") << QByteArray("GET") << QByteArray("things/7/") << u"things/{id}"_s
                                    << u"id=7"_s << QByteArray("GET,PATCH");
    QTest::newRow("doubled slash") << QByteArray("GET") << QByteArray("things//7") << u"things/{id}"_s
                                   << u"id=7"_s << QByteArray("GET,PATCH");
    QTest::newRow("two params") << QByteArray("POST") << QByteArray("things/7/wheel")
                                << u"things/{id}/{part}"_s << u"id=7,part=wheel"_s << QByteArray("POST");
    QTest::newRow("extra segment") << QByteArray("GET") << QByteArray("things/7/wheel/nut") << QString()
                                   << QString() << QByteArray();
    QTest::newRow("missing segment") << QByteArray("GET") << QByteArray("things") << QString() << QString()
                                     << QByteArray();
    QTest::newRow("unknown resource")
        << QByteArray("GET") << QByteArray("nothing") << QString() << QString() << QByteArray();
    QTest::newRow("wrong method") << QByteArray("DELETE") << QByteArray("things/7") << QString() << QString()
                                  << QByteArray("GET,PATCH");
    QTest::newRow("case matters") << QByteArray("GET") << QByteArray("Things/7") << QString() << QString()
                                  << QByteArray();
}

void TestApiRoutes::matching()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QString, pattern);
    QFETCH(QString, params);
    QFETCH(QByteArray, allowed);
    const ApiMatch match = ApiRoutes::match(sampleTable(), method, ApiRoutes::segmentsOf(path));
    QCOMPARE(match.route ? QString::fromLatin1(match.route->pattern) : QString(), pattern);
    QStringList found;
    for (auto it = match.params.cbegin(); it != match.params.cend(); ++it)
        found.append(it.key() + u'=' + it.value());
    found.sort();
    QCOMPARE(found.join(u','), params);
    QCOMPARE(match.allowed.join(','), allowed);
}

void TestApiRoutes::percentEncodedSegmentsAreDecodedFirst()
{
    // As the API always did: the path is decoded, then split; an email in a segment arrives whole.
    QCOMPARE(ApiRoutes::segmentsOf("data/members/ann%40example.org"),
        (QStringList { u"data"_s, u"members"_s, u"ann@example.org"_s }));
    QCOMPARE(ApiRoutes::segmentsOf("things/caf%C3%A9"), (QStringList { u"things"_s, u"café"_s }));
    const ApiMatch spaced = ApiRoutes::match(sampleTable(), "GET", ApiRoutes::segmentsOf("things/a%20b"));
    QVERIFY(spaced.route);
    QCOMPARE(spaced.params.value(u"id"_s), u"a b"_s);
    // An encoded slash separates like a slash: "7%2Fx" is two segments, which no one-{id} route takes.
    QCOMPARE(ApiRoutes::segmentsOf("things/7%2Fx"), (QStringList { u"things"_s, u"7"_s, u"x"_s }));
    QVERIFY(!ApiRoutes::match(sampleTable(), "GET", ApiRoutes::segmentsOf("things/7%2Fx")).route);
}

void TestApiRoutes::theRealTableTellsMeFromAnId()
{
    const auto &table = ApiRoutes::table();
    const ApiMatch me = ApiRoutes::match(table, "GET", { u"members"_s, u"me"_s });
    QVERIFY(me.route);
    QCOMPARE(QByteArray(me.route->pattern), QByteArray("members/me"));
    const ApiMatch id = ApiRoutes::match(table, "GET", { u"members"_s, u"42"_s });
    QCOMPARE(QByteArray(id.route->pattern), QByteArray("members/{id}"));
    QCOMPARE(id.params.value(u"id"_s), u"42"_s);
    // PATCH and DELETE on members/me are the {id} routes', which read "me" as the caller.
    const ApiMatch patchMe = ApiRoutes::match(table, "PATCH", { u"members"_s, u"me"_s });
    QCOMPARE(QByteArray(patchMe.route->pattern), QByteArray("members/{id}"));
    QCOMPARE(patchMe.params.value(u"id"_s), u"me"_s);
    QCOMPARE(me.allowed, (QByteArrayList { "GET", "PATCH", "DELETE" }));
    const ApiMatch password = ApiRoutes::match(table, "PUT", { u"members"_s, u"me"_s, u"password"_s });
    QCOMPARE(QByteArray(password.route->pattern), QByteArray("members/me/password"));
    QCOMPARE(password.route->secrets, ApiRoute::Secrets::Carried);
    QVERIFY(!ApiRoutes::match(table, "PUT", { u"members"_s, u"7"_s, u"password"_s }).route);
}

void TestApiRoutes::tokenlessIsOnlyWhereNoTokenIsNeeded()
{
    QVERIFY(ApiRoutes::match(sampleTable(), "POST", { u"open"_s }).tokenless);
    // The path needs no token whatever the method: its 405 is told without one.
    const ApiMatch wrongMethod = ApiRoutes::match(sampleTable(), "GET", { u"open"_s });
    QVERIFY(!wrongMethod.route);
    QVERIFY(wrongMethod.tokenless);
    QVERIFY(!ApiRoutes::match(sampleTable(), "GET", { u"things"_s, u"7"_s }).tokenless);
    QVERIFY(!ApiRoutes::match(sampleTable(), "DELETE", { u"things"_s, u"7"_s }).tokenless);
    QVERIFY(!ApiRoutes::match(sampleTable(), "GET", { u"nothing"_s }).tokenless);
    // In the real table only sign-in.
    for (const ApiRoute &route : ApiRoutes::table()) {
        QCOMPARE(route.access.kind == ApiAccess::Kind::NoToken,
            QByteArray(route.method) == "POST" && QByteArray(route.pattern) == "auth/sign-in");
    }
}

void TestApiRoutes::theTableHasOneRowPerCallAndEveryGate()
{
    std::set<QString> calls;
    for (const ApiRoute &route : ApiRoutes::table()) {
        // Two rows whose patterns differ only in their params' names would take the same requests.
        QString shape = QString::fromLatin1(route.pattern);
        shape.replace(QRegularExpression(u"\\{[^}]*\\}"_s), u"{}"_s);
        const QString call = QString::fromLatin1(route.method) + u' ' + shape;
        QVERIFY2(calls.insert(call).second, qPrintable(u"two rows for "_s + call));
        QVERIFY2(route.handler, route.pattern);
        QCOMPARE(route.access.kind == ApiAccess::Kind::RoleGate, route.access.gate != nullptr);
        QVERIFY2(!QByteArray(route.summary).isEmpty(), route.pattern);
    }
}

void TestApiRoutes::whoMayCallIsAskedOfTheGates()
{
    const ApiRoute &open = sampleTable().at(4);
    QCOMPARE(ApiReference::whoMayCall(open), u"anyone, without a token"_s);
    QCOMPARE(ApiReference::whoMayCall(sampleTable().at(0)), u"every member"_s);
    QCOMPARE(ApiReference::whoMayCall(sampleTable().at(2)), u"owner"_s);
    const auto whoFor = [](const char *method, const char *pattern) {
        for (const ApiRoute &route : ApiRoutes::table()) {
            if (QByteArray(route.method) == method && QByteArray(route.pattern) == pattern)
                return ApiReference::whoMayCall(route);
        }
        return QString();
    };
    QCOMPARE(whoFor("GET", "members"), u"owner, admin, developer"_s);
    QCOMPARE(whoFor("GET", "audit"), u"owner, admin"_s);
    QCOMPARE(whoFor("DELETE", "data"), u"owner"_s);
    QCOMPARE(whoFor("GET", "keys/{id}"), u"owner, admin, developer"_s);
    QCOMPARE(whoFor("GET", "status"), u"every member"_s);
}

void TestApiRoutes::theReferenceHasARowPerRoute()
{
    const QString reference = ApiReference::markdown(sampleTable());
    QVERIFY2(reference.contains(u"| PATCH | `/api/v1/things/{id}` | owner |  | change |\n"_s),
        qPrintable(reference));
    // A '|' in a summary is escaped, or it would split the row.
    QVERIFY2(
        reference.contains(u"| POST | `/api/v1/open` | anyone, without a token | yes | open \\| door |\n"_s),
        qPrintable(reference));
    const QString real = ApiReference::markdown(ApiRoutes::table());
    QCOMPARE(real.count(u"\n| "_s) - 2, qsizetype(ApiRoutes::table().size())); // less the header and rule
}

QTEST_GUILESS_MAIN(TestApiRoutes)
#include "tst_apiroutes.moc"
