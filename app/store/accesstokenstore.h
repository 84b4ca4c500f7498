#pragma once

#include "member.h"
#include "threadconnections.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>

#include <optional>

class Clock;
class MemberStore;

// Personal access tokens for the management API: "llmgw_pat_<id>_<32 base62>", shown once, stored as
// SHA-256. Thread-safe. Each check reads the database, so a token revoked by another process (or a member
// removed) stops working at once; the management API is not the proxy's hot path.
// Session tokens ("llmgw_pat_0_<secret>") live only in this object's memory: the local dashboard gets one
// for the local owner at start (mintSessionToken) and never has to sign in.
class AccessTokenStore final
{
    Q_DISABLE_COPY_MOVE(AccessTokenStore)
public:
    AccessTokenStore(DatabaseLocation location, MemberStore &members, const Clock &clock);

    struct Created
    {
        AccessToken token;
        QByteArray plaintext; // shown once, never stored
    };
    struct Authenticated
    {
        Member member;
        qint64 tokenId = 0; // 0 for a session token
    };

    std::optional<Created> create(
        const Actor &actor, qint64 memberId, const QString &name, StoreError *error);
    // The member behind a presented token, or nullopt when it is malformed, unknown, revoked or wrong.
    std::optional<Authenticated> authenticate(QByteArrayView presented);
    // memberId 0: every member's tokens. Newest first.
    std::optional<QList<AccessToken>> list(qint64 memberId, StoreError *error);
    std::optional<AccessToken> token(qint64 id, StoreError *error);
    bool revoke(const Actor &actor, qint64 id, StoreError *error);

    // A token valid only while this process runs, stored nowhere. For the composition root.
    QByteArray mintSessionToken(qint64 memberId);

    static constexpr qint64 kLastUsedResolutionMs = 60'000; // last_used_at is written at most this often

private:
    ThreadConnections m_connections;
    MemberStore &m_members;
    const Clock &m_clock;
    QMutex m_sessionsMutex;
    QHash<QByteArray, qint64> m_sessions; // SHA-256 of the secret -> member id
};
