#pragma once

#include "apicall.h"

// The handlers of the management API's calls, one plain function per route of ApiRoutes::table(), which
// names each one's method, path and access. A handler runs once the router has matched the call, checked its
// role gate and filled call.params; it applies only the finer rules that depend on the target.
namespace StatusResource {
ApiReply show(const ApiContext &context, const ApiCall &call);
}
namespace UsageResource {
ApiReply report(const ApiContext &context, const ApiCall &call);
}
namespace LogResource {
ApiReply page(const ApiContext &context, const ApiCall &call);
ApiReply one(const ApiContext &context, const ApiCall &call); // {id}
} // namespace LogResource
namespace KeyResource {
ApiReply list(const ApiContext &context, const ApiCall &call);
ApiReply create(const ApiContext &context, const ApiCall &call);
ApiReply show(const ApiContext &context, const ApiCall &call); // {id}
ApiReply change(const ApiContext &context, const ApiCall &call); // {id}
ApiReply remove(const ApiContext &context, const ApiCall &call); // {id}
ApiReply roll(const ApiContext &context, const ApiCall &call); // {id}
} // namespace KeyResource
namespace ProviderResource {
ApiReply list(const ApiContext &context, const ApiCall &call);
ApiReply show(const ApiContext &context, const ApiCall &call); // {id}
ApiReply change(const ApiContext &context, const ApiCall &call); // {id}
ApiReply removeKey(const ApiContext &context, const ApiCall &call); // {id}
} // namespace ProviderResource
namespace PolicyResource {
ApiReply show(const ApiContext &context, const ApiCall &call);
ApiReply change(const ApiContext &context, const ApiCall &call);
ApiReply purge(const ApiContext &context, const ApiCall &call);
} // namespace PolicyResource
namespace MemberResource {
ApiReply list(const ApiContext &context, const ApiCall &call);
ApiReply add(const ApiContext &context, const ApiCall &call);
ApiReply showSelf(const ApiContext &context, const ApiCall &call);
ApiReply show(const ApiContext &context, const ApiCall &call); // {id}: a member id or "me"
ApiReply change(const ApiContext &context, const ApiCall &call); // {id}
ApiReply remove(const ApiContext &context, const ApiCall &call); // {id}
ApiReply transferOwnership(const ApiContext &context, const ApiCall &call); // {id}
ApiReply setOwnPassword(const ApiContext &context, const ApiCall &call);
} // namespace MemberResource
namespace TokenResource {
ApiReply signIn(const ApiContext &context, const ApiCall &call); // the one call without a token
ApiReply list(const ApiContext &context, const ApiCall &call);
ApiReply create(const ApiContext &context, const ApiCall &call);
ApiReply revoke(const ApiContext &context, const ApiCall &call); // {id}
} // namespace TokenResource
namespace AuditResource {
ApiReply page(const ApiContext &context, const ApiCall &call);
}
// export (the whole store) and data (a member's records: export, deletion; deletion of everything).
namespace DataResource {
ApiReply exportAll(const ApiContext &context, const ApiCall &call);
ApiReply exportMember(const ApiContext &context, const ApiCall &call); // {member}: "me", an id or an email
ApiReply deleteMember(const ApiContext &context, const ApiCall &call); // {member}
ApiReply deleteAll(const ApiContext &context, const ApiCall &call);
} // namespace DataResource
