#pragma once

#include "apicall.h"

#include <QByteArrayList>
#include <QHash>

#include <vector>

// Who may make a call: anyone (sign-in, the one call without a token), every member (the handler applies the
// finer rules that depend on the target, such as "your own keys"), or the members whose role a rule of
// Permissions allows, which the router checks before the handler runs (and the handler does not again).
struct ApiAccess
{
    enum class Kind { NoToken, EveryMember, RoleGate };
    using Gate = Decision (*)(Role actor);

    Kind kind = Kind::EveryMember;
    Gate gate = nullptr; // with RoleGate

    static ApiAccess noToken() { return { Kind::NoToken, nullptr }; }
    static ApiAccess everyMember() { return { Kind::EveryMember, nullptr }; }
    static ApiAccess role(Gate gate) { return { Kind::RoleGate, gate }; }
};

// One call of the management API: what the router matches a request against, and one row of
// docs/api-reference.md.
struct ApiRoute
{
    using Handler = ApiReply (*)(const ApiContext &context, const ApiCall &call);
    // Carried: a password, or an answer with a new personal access token. Refused over plain HTTP from other
    // machines (403 insecure_transport) before the token is even looked at.
    enum class Secrets { None, Carried };

    const char *method = nullptr;
    // After /api/v1/: literal segments and {param}s, e.g. "members/{id}/transfer-ownership".
    const char *pattern = nullptr;
    Handler handler = nullptr;
    ApiAccess access;
    Secrets secrets = Secrets::None;
    const char *summary = nullptr; // one line, UTF-8, for the reference

    QStringList patternSegments() const;
};

// What a request's method and path found in a route table.
struct ApiMatch
{
    const ApiRoute *route = nullptr; // null: no route has this method and path
    QHash<QString, QString> params; // route's {param}s, by name, as the path had them
    QByteArrayList allowed; // the methods of the routes whose pattern fits the path, in table order
    bool tokenless = false; // the route, or every route that fits the path, needs no token
};

namespace ApiRoutes {
// Every call of the management API, in the order the reference lists them.
const std::vector<ApiRoute> &table();

// The route for this method and path. Where several patterns fit, a literal segment wins over a {param} at
// the first position where they differ ("members/me" over "members/{id}"), so a literal route takes only the
// methods it names and the others fall to the {param} route.
ApiMatch match(const std::vector<ApiRoute> &routes, const QByteArray &method, const QStringList &segments);

// The request path after /api/v1/, percent-decoded, then split at '/', empty segments dropped (so a
// trailing slash or a doubled one changes nothing, and an encoded %2F separates like '/').
QStringList segmentsOf(QByteArrayView pathAfterPrefix);

// The first segments of the table's routes ("status", "usage", …), each once, in table order.
QStringList resourceNames(const std::vector<ApiRoute> &routes);
} // namespace ApiRoutes
