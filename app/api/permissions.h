#pragma once

#include "member.h"

#include <QString>

#include <optional>

// An answer to "may this member do that?", with the message a refused user sees.
struct Decision
{
    bool allowed = false;
    QString reason; // why not, and who can

    static Decision allow() { return {true, {}}; }
    static Decision deny(QString reason) { return {false, std::move(reason)}; }
    explicit operator bool() const { return allowed; }
};

// How much of the team list a role sees.
enum class TeamView { Full, NamesAndRoles, None };

// The role table of the management API, in one place: every resource asks here before it acts, and nowhere
// else decides. (Rows for usage, logs, keys, providers and policies join here with their resources.)
//
// | action                                   | owner | admin                               | developer       | restricted |
// | add/remove members, roles, budgets       | yes   | yes, not on owners, cannot grant owner | no           | no         |
// | transfer ownership                       | yes   | no                                  | no              | no         |
// | see team list                            | yes   | yes                                 | names and roles | no         |
// | read audit log                           | yes   | yes                                 | no              | no         |
// | revoke tokens                            | any   | any                                 | own             | own        |
// Everyone may list and create their own tokens, set their own password and correct their own name.
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
} // namespace Permissions
