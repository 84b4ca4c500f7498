#include "permissions.h"

#include "wirenames.h"

#include <functional>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

bool managesTeam(Role role)
{
    return role == Role::Owner || role == Role::Admin;
}

QString yourRole(Role role)
{
    return u"your role (%1)"_s.arg(Roles::name(role));
}

bool isSelf(const Member &actor, const QString &email)
{
    return !email.isEmpty() && email.compare(actor.email, Qt::CaseInsensitive) == 0;
}

} // namespace

namespace Permissions {

TeamView teamView(Role actor)
{
    switch (actor) {
    case Role::Owner:
    case Role::Admin:
        return TeamView::Full;
    case Role::Developer:
        return TeamView::NamesAndRoles;
    case Role::Restricted:
        return TeamView::None;
    }
    return TeamView::None;
}

Decision seeTeam(Role actor)
{
    if (teamView(actor) == TeamView::None)
        return Decision::deny(yourRole(actor) + u" cannot see the team list; ask an owner or admin"_s);
    return Decision::allow();
}

Decision addMember(Role actor, Role newRole)
{
    if (!managesTeam(actor))
        return Decision::deny(yourRole(actor) + u" cannot add members; ask an owner or admin"_s);
    if (newRole == Role::Owner && actor != Role::Owner)
        return Decision::deny(u"only an owner can make someone an owner"_s);
    return Decision::allow();
}

Decision changeMember(const Member &actor, const Member &target, std::optional<Role> newRole, bool onlyName)
{
    if (onlyName && actor.id == target.id)
        return Decision::allow(); // everyone may correct their own name
    if (!managesTeam(actor.role))
        return Decision::deny(yourRole(actor.role)
            + u" cannot change members' roles, names or budgets; ask an owner or admin"_s);
    if (actor.role == Role::Admin && target.role == Role::Owner)
        return Decision::deny(u"admins cannot change an owner; ask an owner"_s);
    if (actor.role == Role::Admin && newRole == Role::Owner)
        return Decision::deny(u"only an owner can make someone an owner"_s);
    return Decision::allow();
}

Decision removeMember(const Member &actor, const Member &target)
{
    if (actor.id == target.id)
        return Decision::allow(); // leaving: anyone may delete their own account (the store keeps the last
                                  // owner)
    if (!managesTeam(actor.role))
        return Decision::deny(yourRole(actor.role) + u" cannot remove members; ask an owner or admin"_s);
    if (actor.role == Role::Admin && target.role == Role::Owner)
        return Decision::deny(u"admins cannot remove an owner; ask an owner"_s);
    return Decision::allow();
}

Decision transferOwnership(Role actor)
{
    if (actor != Role::Owner)
        return Decision::deny(yourRole(actor) + u" cannot transfer ownership; only an owner can"_s);
    return Decision::allow();
}

Decision readAudit(Role actor)
{
    if (!managesTeam(actor))
        return Decision::deny(yourRole(actor) + u" cannot read the audit log; ask an owner or admin"_s);
    return Decision::allow();
}

Decision listTokensOf(const Member &actor, qint64 memberId)
{
    if (memberId == actor.id || managesTeam(actor.role))
        return Decision::allow();
    return Decision::deny(yourRole(actor.role) + u" can list only your own tokens"_s);
}

Decision createTokenFor(const Member &actor, qint64 memberId)
{
    if (memberId == actor.id)
        return Decision::allow();
    return Decision::deny(u"tokens can be created only for yourself"_s);
}

Decision revokeToken(const Member &actor, qint64 tokenOwnerId)
{
    if (tokenOwnerId == actor.id || managesTeam(actor.role))
        return Decision::allow();
    return Decision::deny(
        yourRole(actor.role) + u" can revoke only your own tokens; ask an owner or admin"_s);
}

Decision seeKeys(Role actor)
{
    if (actor == Role::Restricted)
        return Decision::deny(yourRole(actor)
            + u" cannot see API keys; the keys issued to you are managed by an owner or admin"_s);
    return Decision::allow();
}

bool seesAllKeys(Role actor)
{
    return managesTeam(actor);
}

Decision seeKey(const Member &actor, const QString &keyOwnerEmail)
{
    if (const Decision decision = seeKeys(actor.role); !decision)
        return decision;
    if (managesTeam(actor.role) || keyOwnerEmail.compare(actor.email, Qt::CaseInsensitive) == 0)
        return Decision::allow();
    return Decision::deny(yourRole(actor.role) + u" can see only your own API keys"_s);
}

Decision manageKeyOf(const Member &actor, const QString &keyOwnerEmail)
{
    if (managesTeam(actor.role))
        return Decision::allow();
    if (actor.role == Role::Restricted)
        return Decision::deny(yourRole(actor.role)
            + u" cannot create or change API keys; keys are issued to you by an owner or admin"_s);
    if (keyOwnerEmail.compare(actor.email, Qt::CaseInsensitive) == 0)
        return Decision::allow();
    return Decision::deny(
        yourRole(actor.role) + u" can manage only your own API keys; ask an owner or admin"_s);
}

Decision keySpendWithinBudget(
    const Member &actor, std::optional<double> keyLimitUsd, double otherKeysLimitUsd)
{
    if (managesTeam(actor.role) || !actor.keyBudgetUsd)
        return Decision::allow();
    const double budget = *actor.keyBudgetUsd;
    if (!keyLimitUsd)
        return Decision::deny(
            u"your key budget is $%1: give the key an all-time 'spend_limit_usd' of at most $%2"_s.arg(budget)
                .arg(qMax(0.0, budget - otherKeysLimitUsd)));
    if (*keyLimitUsd + otherKeysLimitUsd > budget + 1e-9)
        return Decision::deny(
            u"a spend limit of $%1 exceeds your key budget of $%2 (your other keys already hold "
            "$%3 of it); lower the limit to at most $%4 or ask an owner or admin for a larger budget"_s
                .arg(*keyLimitUsd)
                .arg(budget)
                .arg(otherKeysLimitUsd)
                .arg(qMax(0.0, budget - otherKeysLimitUsd)));
    return Decision::allow();
}

RecordScope recordScope(Role actor)
{
    switch (actor) {
    case Role::Owner:
    case Role::Admin:
        return RecordScope::All;
    case Role::Developer:
        return RecordScope::OwnKeys;
    case Role::Restricted:
        return RecordScope::OwnTotals;
    }
    return RecordScope::OwnTotals;
}

Decision seeLogs(Role actor)
{
    if (recordScope(actor) == RecordScope::OwnTotals)
        return Decision::deny(yourRole(actor)
            + u" sees only the totals of your own usage, not single requests; "
              "ask an owner or admin"_s);
    return Decision::allow();
}

bool seesPayloadsOf(const Member &actor, const QString &recordMember)
{
    switch (recordScope(actor.role)) {
    case RecordScope::All:
        return true;
    case RecordScope::OwnKeys:
        return isSelf(actor, recordMember);
    case RecordScope::OwnTotals:
        return false;
    }
    return false;
}

Decision groupUsageBy(Role actor, const QString &dimension)
{
    if (recordScope(actor) == RecordScope::OwnTotals && dimension != "none"_L1)
        return Decision::deny(
            yourRole(actor) + u" sees only the totals of your own usage; group_by is not available"_s);
    if (recordScope(actor) == RecordScope::OwnKeys && dimension == "member"_L1)
        return Decision::deny(yourRole(actor)
            + u" sees only your own keys' usage; grouping by member is for owners "
              "and admins"_s);
    return Decision::allow();
}

Decision seeProviders(Role actor)
{
    if (actor == Role::Restricted)
        return Decision::deny(yourRole(actor) + u" cannot see provider credentials; ask an owner or admin"_s);
    return Decision::allow();
}

Decision manageProviders(Role actor)
{
    if (!managesTeam(actor))
        return Decision::deny(
            yourRole(actor) + u" cannot change provider credentials; ask an owner or admin"_s);
    return Decision::allow();
}

Decision changePolicy(Role actor)
{
    if (actor != Role::Owner)
        return Decision::deny(
            yourRole(actor) + u" cannot change the retention policy or purge data; only an owner can"_s);
    return Decision::allow();
}

Decision deleteAllData(Role actor)
{
    if (actor != Role::Owner)
        return Decision::deny(yourRole(actor) + u" cannot delete all data; only an owner can"_s);
    return Decision::allow();
}

Decision exportAll(Role actor)
{
    if (!managesTeam(actor))
        return Decision::deny(yourRole(actor)
            + u" cannot export the whole store; export your own data with "
              "GET /api/v1/data/me, or ask an owner or admin"_s);
    return Decision::allow();
}

Decision exportMemberData(const Member &actor, const QString &memberEmail)
{
    if (isSelf(actor, memberEmail) || managesTeam(actor.role))
        return Decision::allow();
    return Decision::deny(yourRole(actor.role) + u" can export only your own data"_s);
}

Decision deleteMemberData(const Member &actor, const QString &memberEmail)
{
    if (isSelf(actor, memberEmail) || actor.role == Role::Owner)
        return Decision::allow();
    return Decision::deny(
        yourRole(actor.role) + u" can delete only your own data; an owner can delete a member's data"_s);
}

namespace {

// The dashboard's action names, each with the rule that decides it for a member.
using Rule = std::function<Decision(const Member &)>;
const std::vector<std::pair<QString, Rule>> &actionRules()
{
    static const std::vector<std::pair<QString, Rule>> rules {
        { u"members.view"_s, [](const Member &m) { return seeTeam(m.role); } },
        // Adding the least privileged member is what anyone who manages members at all may do.
        { u"members.manage"_s, [](const Member &m) { return addMember(m.role, Role::Restricted); } },
        { u"audit.read"_s, [](const Member &m) { return readAudit(m.role); } },
        { u"keys.view"_s, [](const Member &m) { return seeKeys(m.role); } },
        { u"keys.view_all"_s,
            [](const Member &m) { return seesAllKeys(m.role) ? Decision::allow() : Decision::deny({}); } },
        { u"keys.create"_s, [](const Member &m) { return manageKeyOf(m, m.email); } },
        { u"usage.view"_s, [](const Member &m) { return groupUsageBy(m.role, u"none"_s); } },
        { u"usage.group_by_key"_s, [](const Member &m) { return groupUsageBy(m.role, u"key"_s); } },
        { u"usage.group_by_member"_s, [](const Member &m) { return groupUsageBy(m.role, u"member"_s); } },
        { u"logs.view"_s, [](const Member &m) { return seeLogs(m.role); } },
        // The payloads of a record that is not the member's own (an owner no one is).
        { u"payloads.view_all"_s,
            [](const Member &m) {
                return seesPayloadsOf(m, QString()) ? Decision::allow() : Decision::deny({});
            } },
        { u"providers.view"_s, [](const Member &m) { return seeProviders(m.role); } },
        { u"providers.manage"_s, [](const Member &m) { return manageProviders(m.role); } },
        { u"policies.change"_s, [](const Member &m) { return changePolicy(m.role); } },
        { u"data.delete_all"_s, [](const Member &m) { return deleteAllData(m.role); } },
        { u"export.all"_s, [](const Member &m) { return exportAll(m.role); } },
    };
    return rules;
}

} // namespace

QStringList actionsOf(const Member &actor)
{
    QStringList allowed;
    for (const auto &[name, rule] : actionRules()) {
        if (rule(actor))
            allowed.append(name);
    }
    return allowed;
}

QStringList actionNames()
{
    QStringList names;
    for (const auto &[name, rule] : actionRules())
        names.append(name);
    return names;
}

QString recordScopeName(RecordScope scope)
{
    static const WireName<RecordScope> names[] = {
        { RecordScope::All, "all"_L1 },
        { RecordScope::OwnKeys, "own_keys"_L1 },
        { RecordScope::OwnTotals, "own_totals"_L1 },
    };
    return WireNames::name(names, scope);
}

} // namespace Permissions
