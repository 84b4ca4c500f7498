#include "apiroutes.h"

#include "apiresources.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

using Access = ApiAccess;
using Secrets = ApiRoute::Secrets;
namespace P = Permissions;

bool isParam(const QString &segment)
{
    return segment.startsWith(u'{') && segment.endsWith(u'}');
}

// Whether `pattern` fits `segments`; its {param}s go to *params.
bool fits(const QStringList &pattern, const QStringList &segments, QHash<QString, QString> *params)
{
    if (pattern.size() != segments.size())
        return false;
    QHash<QString, QString> found;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        if (isParam(pattern.at(i)))
            found.insert(pattern.at(i).sliced(1, pattern.at(i).size() - 2), segments.at(i));
        else if (pattern.at(i) != segments.at(i))
            return false;
    }
    *params = std::move(found);
    return true;
}

// Whether `a` is more specific than `b` (both fit the same path): a literal where `b` has a {param}, at the
// first position where they differ.
bool moreSpecific(const QStringList &a, const QStringList &b)
{
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (isParam(a.at(i)) != isParam(b.at(i)))
            return !isParam(a.at(i));
    }
    return false;
}

} // namespace

QStringList ApiRoute::patternSegments() const
{
    return QString::fromLatin1(pattern).split(u'/');
}

namespace ApiRoutes {

// clang-format off
const std::vector<ApiRoute> &table()
{
    static const std::vector<ApiRoute> routes {
        { "GET", "status", StatusResource::show, Access::everyMember(), Secrets::None,
          "Version, listening URL, uptime, proxy requests in flight and per minute, newest record id, log writer and database health" },

        { "GET", "usage", UsageResource::report, Access::everyMember(), Secrets::None,
          "Totals and series of requests, tokens, cost, errors and latency (`from`, `to`, `bucket`, `group_by`, filters): developers their own keys', restricted members their own totals without `group_by`" },

        { "GET", "logs", LogResource::page, Access::role(P::seeLogs), Secrets::None,
          "Request records, newest first, cursor-paged (`before` or `after`, `limit`, filters): developers their own keys'" },
        { "GET", "logs/{id}", LogResource::one, Access::role(P::seeLogs), Secrets::None,
          "One request record, with its payloads where retained and allowed: developers their own keys'" },

        { "GET", "keys", KeyResource::list, Access::role(P::seeKeys), Secrets::None,
          "Gateway API keys: developers see their own" },
        { "POST", "keys", KeyResource::create, Access::everyMember(), Secrets::None,
          "Issue a gateway API key (`name`, `member_id`, limits), shown once: owners and admins to anyone, developers to themselves within their key budget" },
        { "GET", "keys/{id}", KeyResource::show, Access::role(P::seeKeys), Secrets::None,
          "One key with its `spend`: developers their own" },
        { "PATCH", "keys/{id}", KeyResource::change, Access::role(P::seeKeys), Secrets::None,
          "Change a key's `name`, `disabled` and limits: developers their own, within their key budget" },
        { "DELETE", "keys/{id}", KeyResource::remove, Access::role(P::seeKeys), Secrets::None,
          "Delete a key: developers their own" },
        { "POST", "keys/{id}/roll", KeyResource::roll, Access::role(P::seeKeys), Secrets::None,
          "A new secret for a key (same id and limits), shown once: developers their own" },

        { "GET", "providers", ProviderResource::list, Access::role(P::seeProviders), Secrets::None,
          "Upstream providers, their base URLs, models, limits and spend; key hints for owners and admins only" },
        { "GET", "providers/{id}", ProviderResource::show, Access::role(P::seeProviders), Secrets::None,
          "One provider" },
        { "PUT", "providers/{id}", ProviderResource::change, Access::role(P::manageProviders), Secrets::None,
          "Change the fields given: `api_key` (write-only, kept in the OS keychain), `base_url`, `allowed_models`, `spend_limit_usd`" },
        { "PATCH", "providers/{id}", ProviderResource::change, Access::role(P::manageProviders), Secrets::None,
          "As PUT: only the fields given change" },
        { "DELETE", "providers/{id}/key", ProviderResource::removeKey, Access::role(P::manageProviders), Secrets::None,
          "Remove the provider's key from the keychain" },

        { "GET", "policies", PolicyResource::show, Access::everyMember(), Secrets::None,
          "The retention policy: `retention_level`, `payload_retention_days`, `record_retention_days`" },
        { "PATCH", "policies", PolicyResource::change, Access::role(P::changePolicy), Secrets::None,
          "Change the retention policy; `metadata_only` also removes every payload already stored" },
        { "PUT", "policies", PolicyResource::change, Access::role(P::changePolicy), Secrets::None,
          "As PATCH" },
        { "POST", "policies/purge", PolicyResource::purge, Access::role(P::changePolicy), Secrets::None,
          "Apply the retention periods now" },

        { "GET", "members", MemberResource::list, Access::role(P::seeTeam), Secrets::None,
          "The team: developers see names and roles only" },
        { "POST", "members", MemberResource::add, Access::everyMember(), Secrets::Carried,
          "Add a member (`email`, `name`, `role`) with a first access token, shown once: owners and admins; only owners add owners" },
        { "GET", "members/me", MemberResource::showSelf, Access::everyMember(), Secrets::None,
          "Yourself, with `can` (the actions your role allows, for the window to offer) and `record_scope`" },
        { "GET", "members/{id}", MemberResource::show, Access::everyMember(), Secrets::None,
          "A member (`{id}`: an id or `me`): yourself, or others for those who see the team (developers names and roles only)" },
        { "PATCH", "members/{id}", MemberResource::change, Access::everyMember(), Secrets::None,
          "Change `name`, `role`, `key_budget_usd`: owners and admins (admins not owners'); everyone may correct their own name" },
        { "DELETE", "members/{id}", MemberResource::remove, Access::everyMember(), Secrets::None,
          "Remove a member, their tokens and keys (`?records=keep|delete`): owners and admins (admins not owners); anyone their own account, records included (not the last owner)" },
        { "POST", "members/{id}/transfer-ownership", MemberResource::transferOwnership, Access::role(P::transferOwnership), Secrets::None,
          "Make the member an owner; you become an admin" },
        { "PUT", "members/me/password", MemberResource::setOwnPassword, Access::everyMember(), Secrets::Carried,
          "Set your own password (`password`, and `current_password` once one is set)" },

        { "GET", "tokens", TokenResource::list, Access::everyMember(), Secrets::None,
          "Your personal access tokens; owners and admins list another member's with `?member_id=`" },
        { "POST", "tokens", TokenResource::create, Access::everyMember(), Secrets::Carried,
          "A new personal access token for yourself (`name`), shown once" },
        { "DELETE", "tokens/{id}", TokenResource::revoke, Access::everyMember(), Secrets::None,
          "Revoke a token: your own; owners and admins anyone's" },
        { "POST", "auth/sign-in", TokenResource::signIn, Access::noToken(), Secrets::Carried,
          "A new personal access token for `email` and `password` (`token_name` names it); 429 `too_many_attempts` after repeated failures" },

        { "GET", "audit", AuditResource::page, Access::role(P::readAudit), Secrets::None,
          "Who changed which setting, key, member or policy, and when: newest first (`limit`, `before`)" },

        { "GET", "export", DataResource::exportAll, Access::role(P::exportAll), Secrets::None,
          "Every request record, streamed (`format=jsonl|csv`)" },

        { "GET", "data/members/{member}", DataResource::exportMember, Access::everyMember(), Secrets::None,
          "A member's records, streamed (`{member}`: `me`, an id or an email; `format=jsonl|csv`): your own; owners and admins anyone's" },
        { "DELETE", "data/members/{member}", DataResource::deleteMember, Access::everyMember(), Secrets::None,
          "Delete a member's records and usage (what they spent stays, under no member): your own; owners anyone's" },
        { "DELETE", "data", DataResource::deleteAll, Access::role(P::deleteAllData), Secrets::None,
          "Delete every request record and usage rollup (the team, keys and audit log stay); needs `{\"confirm\": \"delete all data\"}`" },
    };
    return routes;
}
// clang-format on

ApiMatch match(const std::vector<ApiRoute> &routes, const QByteArray &method, const QStringList &segments)
{
    ApiMatch result;
    QStringList chosenPattern;
    bool everyFittingNeedsNoToken = true;
    for (const ApiRoute &route : routes) {
        const QStringList pattern = route.patternSegments();
        QHash<QString, QString> params;
        if (!fits(pattern, segments, &params))
            continue;
        if (!result.allowed.contains(route.method))
            result.allowed.append(route.method);
        everyFittingNeedsNoToken = everyFittingNeedsNoToken && route.access.kind == ApiAccess::Kind::NoToken;
        if (method != route.method)
            continue;
        if (!result.route || moreSpecific(pattern, chosenPattern)) {
            result.route = &route;
            result.params = std::move(params);
            chosenPattern = pattern;
        }
    }
    result.tokenless = result.route ? result.route->access.kind == ApiAccess::Kind::NoToken
                                    : !result.allowed.isEmpty() && everyFittingNeedsNoToken;
    return result;
}

QStringList segmentsOf(QByteArrayView pathAfterPrefix)
{
    return QUrl::fromPercentEncoding(pathAfterPrefix.toByteArray()).split(u'/', Qt::SkipEmptyParts);
}

QStringList resourceNames(const std::vector<ApiRoute> &routes)
{
    QStringList names;
    for (const ApiRoute &route : routes) {
        const QString first = route.patternSegments().constFirst();
        if (!names.contains(first))
            names.append(first);
    }
    return names;
}

} // namespace ApiRoutes
