#include "permissions.h"

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
    return Decision::deny(yourRole(actor.role) + u" can revoke only your own tokens; ask an owner or admin"_s);
}

} // namespace Permissions
