#include "apireference.h"

using namespace Qt::StringLiterals;

namespace {

constexpr Role kRoles[] = { Role::Owner, Role::Admin, Role::Developer, Role::Restricted };

// A table cell: '|' would end it.
QString cell(const QString &text)
{
    QString escaped = text;
    return escaped.replace(u'|', u"\\|"_s);
}

} // namespace

namespace ApiReference {

QString whoMayCall(const ApiRoute &route)
{
    switch (route.access.kind) {
    case ApiAccess::Kind::NoToken:
        return u"anyone, without a token"_s;
    case ApiAccess::Kind::EveryMember:
        return u"every member"_s;
    case ApiAccess::Kind::RoleGate:
        break;
    }
    QStringList roles;
    for (const Role role : kRoles) {
        if (route.access.gate(role))
            roles.append(Roles::name(role));
    }
    return roles.isEmpty() ? u"nobody"_s : roles.join(u", "_s);
}

QString markdown(const std::vector<ApiRoute> &routes)
{
    QString text
        = u"# Management API reference\n\n"
          "Written from the route table in `app/api/apiroutes.cpp` by `scripts/api-reference.sh --fix`; "
          "do not edit it by hand (the ctest `check_api_reference` fails when the two differ).\n\n"
          "Every path is under `/api/v1/` and needs `Authorization: Bearer <personal access token>` "
          "unless it says otherwise; JSON in and out, errors as `{\"error\":{\"message\",\"code\"}}`. "
          "**Who** is checked before the call runs (403 `forbidden` with the reason otherwise), "
          "computed from `app/api/permissions.*` for each role; for *every member* the call itself "
          "applies the finer rule its summary gives (your own keys, not an owner's account, …). "
          "**Secret** calls carry a password or answer with a new access token: over plain HTTP from "
          "another machine they are refused with 403 `insecure_transport`. "
          "A path that exists without the method answers 405 `method_not_allowed` with an `Allow` "
          "header; an unknown path 404 `not_found`.\n\n"
          "| method | path | who | secret | what it does |\n"
          "| --- | --- | --- | --- | --- |\n"_s;
    for (const ApiRoute &route : routes) {
        text += u"| %1 | `/api/v1/%2` | %3 | %4 | %5 |\n"_s.arg(QString::fromLatin1(route.method),
            QString::fromLatin1(route.pattern), whoMayCall(route),
            route.secrets == ApiRoute::Secrets::Carried ? u"yes"_s : QString(),
            cell(QString::fromUtf8(route.summary)));
    }
    return text;
}

} // namespace ApiReference
