#pragma once

#include "member.h"

#include <QString>
#include <QStringList>

#include <optional>

// An answer to "may this member do that?", with the message a refused user sees.
struct Decision
{
    bool allowed = false;
    QString reason; // why not, and who can

    static Decision allow() { return { true, {} }; }
    static Decision deny(QString reason) { return { false, std::move(reason) }; }
    explicit operator bool() const { return allowed; }
};

// How much of the request records (usage, logs) a role sees.
enum class RecordScope {
    All, // every record of the team
    OwnKeys, // the records made with the actor's own API keys
    OwnTotals, // only totals over the actor's own records, never single records
};

// How much of the team list a role sees.
enum class TeamView { Full, NamesAndRoles, None };

// The role rules of the management API, in one place: every call asks here before it acts, and nowhere else
// decides. Who may make each call is listed in docs/api-reference.md, rendered from the route table
// (app/api/apiroutes.cpp), which names the rule below that gates each call; the finer rules, by role:
//
// clang-format off
// | action                              | owner      | admin                | developer      | restricted |
// | ----------------------------------- | ---------- | -------------------- | -------------- | ---------- |
// | add/remove members, roles, budgets  | yes        | yes, not owners' (1) | no             | no         |
// | transfer ownership                  | yes        | no                   | no             | no         |
// | see the team list                   | yes        | yes                  | names, roles   | no         |
// | read the audit log                  | yes        | yes                  | no             | no         |
// | list and revoke access tokens       | anyone's   | anyone's             | own            | own        |
// | see API keys                        | all        | all                  | own            | no         |
// | create/limit/roll/delete API keys   | anyone's   | anyone's             | own, in budget | no         |
// | see usage                           | all        | all                  | own keys'      | own totals |
// | see logs                            | all        | all                  | own keys'      | no         |
// | see payloads (where retained)       | all        | all                  | own requests'  | no         |
// | see providers                       | with hints | with hints           | without hints  | no         |
// | change providers                    | yes        | yes                  | no             | no         |
// | read the policies                   | yes        | yes                  | yes            | yes        |
// | change policies, purge, delete all  | yes        | no                   | no             | no         |
// | export the whole store              | yes        | yes                  | no             | no         |
// | export a member's data              | anyone's   | anyone's             | own            | own        |
// | delete a member's data              | anyone's   | own                  | own            | own        |
// | delete one's own account (and data) | yes (2)    | yes                  | yes            | yes        |
// clang-format on
// (1) admins cannot change or remove an owner, nor make anyone an owner; (2) except the last owner.
//
// Everyone may create tokens for themselves, set their own password and correct their own name (the
// correction right; their request records are what happened and are exported or deleted, not edited).
namespace Permissions {
TeamView teamView(Role actor);
Decision seeTeam(Role actor);
Decision addMember(Role actor, Role newRole);
// `newRole` when the change sets a role; `onlyName` when it changes nothing but the name.
Decision changeMember(const Member &actor, const Member &target, std::optional<Role> newRole, bool onlyName);
Decision removeMember(const Member &actor, const Member &target);
Decision transferOwnership(Role actor);
Decision readAudit(Role actor);
Decision listTokensOf(const Member &actor, qint64 memberId);
Decision createTokenFor(const Member &actor, qint64 memberId);
Decision revokeToken(const Member &actor, qint64 tokenOwnerId);

// Gateway API keys. A key's owner is a member's email (empty: a key made by the CLI for nobody).
Decision seeKeys(Role actor);
bool seesAllKeys(Role actor); // false: only the actor's own keys
Decision seeKey(const Member &actor, const QString &keyOwnerEmail);
// Create a key for, or limit/roll/disable/delete a key of, the member with this email.
Decision manageKeyOf(const Member &actor, const QString &keyOwnerEmail);
// A developer's key budget (key_budget_usd) bounds the sum of the all-time spend limits of all their keys:
// with a budget set, every key of theirs must carry an all-time limit, and `otherKeysLimitUsd` (their other
// keys' all-time limits) plus `keyLimitUsd` must stay within it. Period limits do not count against the
// budget: the all-time limit already bounds what the key can ever spend. Owners and admins set budgets
// and are not bound by them, nor are keys they issue.
Decision keySpendWithinBudget(
    const Member &actor, std::optional<double> keyLimitUsd, double otherKeysLimitUsd);

// Usage and logs. Records belong to the member who owns the key that made them.
RecordScope recordScope(Role actor);
Decision seeLogs(Role actor);
// Whether request and response bodies of a record made by `recordMember` may be shown to the actor.
bool seesPayloadsOf(const Member &actor, const QString &recordMember);
// Usage grouped by member or API key shows other people's figures: only for those who see everything.
Decision groupUsageBy(Role actor, const QString &dimension);

// Provider credentials (secrets are never shown to anyone; base URLs and masks are).
Decision seeProviders(Role actor);
Decision manageProviders(Role actor);

// Policies: everyone may read what is kept about them; only owners change it, purge, or delete everything.
Decision changePolicy(Role actor);
Decision deleteAllData(Role actor);

// Data rights: the whole store, or one member's own records.
Decision exportAll(Role actor);
Decision exportMemberData(const Member &actor, const QString &memberEmail);
Decision deleteMemberData(const Member &actor, const QString &memberEmail);

// What the dashboard may offer this member, for GET /api/v1/members/me: the names of the actions above that
// the member's rules allow ("members.view", "keys.create", …, in a fixed order), each asked of the rule that
// decides it, so that the window shows and hides what the server would allow, without a copy of this table.
QStringList actionsOf(const Member &actor);
// Every action name actionsOf() may return, in its order.
QStringList actionNames();
// "all", "own_keys" or "own_totals".
QString recordScopeName(RecordScope scope);
} // namespace Permissions
