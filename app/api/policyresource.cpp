// policies: Settings → Policies. Everyone may read what is kept about them; owners change the retention
// level and periods, and purge now what the periods no longer allow.
#include "apiresources.h"

#include "clock.h"
#include "policystore.h"
#include "recordstore.h"

using namespace Qt::StringLiterals;

namespace PolicyResource {

ApiReply show(const ApiContext &context, const ApiCall &)
{
    return { 200, context.policies.current().toJson() };
}

ApiReply purge(const ApiContext &context, const ApiCall &call)
{
    const RetentionPolicy policy = context.policies.current();
    const QDateTime now = context.clock.now();
    StoreError error;
    const auto removed = context.records.purge(
        policy.payloadsBefore(now), policy.recordsBefore(now), call.auditActor(), now, &error);
    if (!removed)
        return ApiReply::fromStoreError(error);
    return { 200,
        QJsonObject {
            { u"records_deleted"_s, removed->records }, { u"payloads_removed"_s, removed->payloads } } };
}

ApiReply change(const ApiContext &context, const ApiCall &call)
{
    QString error;
    const auto next = context.policies.current().patched(call.body, &error);
    if (!next)
        return ApiReply::error(422, u"invalid"_s, error);
    const QDateTime now = context.clock.now();
    if (StoreError storeError; !context.policies.update(*next, call.auditActor(), now, &storeError))
        return ApiReply::fromStoreError(storeError);
    QJsonObject body = next->toJson();
    qint64 payloadsRemoved = 0;
    if (next->level == RetentionLevel::MetadataOnly) {
        // No content is kept from now on: what was kept before goes too.
        StoreError purgeError;
        const auto removed = context.records.purge(
            next->payloadsBefore(now), QDateTime(), call.auditActor(), now, &purgeError);
        if (!removed) {
            // The change stands: the answer says so before the store's words on the purge.
            purgeError.message = u"the policy is now metadata_only, but the payloads already stored were not "
                                 "removed (POST /api/v1/policies/purge tries again): "_s
                + purgeError.message;
            return ApiReply::fromStoreError(purgeError);
        }
        payloadsRemoved = removed->payloads;
    }
    body.insert(u"payloads_removed"_s, payloadsRemoved);
    return { 200, body };
}

} // namespace PolicyResource
