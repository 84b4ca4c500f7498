#include "accesstokenstore.h"

#include "auditlog.h"
#include "clock.h"
#include "memberstore.h"
#include "secrettoken.h"
#include "sqlexec.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

constexpr QByteArrayView kPrefix = "llmgw_pat_";

AccessToken tokenFrom(const QSqlQuery &query)
{
    AccessToken t;
    t.id = query.value(0).toLongLong();
    t.memberId = query.value(1).toLongLong();
    t.name = query.value(2).toString();
    t.createdAt = QDateTime::fromString(query.value(3).toString(), Qt::ISODateWithMs);
    if (!query.value(4).isNull())
        t.lastUsedAt = QDateTime::fromString(query.value(4).toString(), Qt::ISODateWithMs);
    t.revoked = query.value(5).toInt() != 0;
    return t;
}

const QString kTokenColumns = u"id, member_id, name, created_at, last_used_at, revoked"_s;

} // namespace

AccessTokenStore::AccessTokenStore(DatabaseLocation location, MemberStore &members, const Clock &clock)
    : m_connections(std::move(location), u"gateway.tokens"_s)
    , m_members(members)
    , m_clock(clock)
{ }

std::optional<AccessTokenStore::Created> AccessTokenStore::create(
    const Actor &actor, qint64 memberId, const QString &name, StoreError *error)
{
    AccessToken token;
    token.memberId = memberId;
    token.name = name.trimmed().isEmpty() ? u"token"_s : name.trimmed();
    token.createdAt = m_clock.now().toUTC();
    const QByteArray secret = SecretToken::newSecret();
    AuditedChange audited(m_connections, u"cannot create the token"_s);
    if (!audited.begin(error))
        return std::nullopt;
    QSqlDatabase &db = audited.db();
    QSqlQuery insert(db);
    if (!Sql::exec(insert,
            u"INSERT INTO access_tokens (member_id, name, secret_hash, created_at, revoked) "
            "VALUES (?, ?, ?, ?, 0) RETURNING id"_s,
            { memberId, token.name, QString::fromLatin1(SecretToken::hashOf(secret).toHex()),
                token.createdAt.toString(Qt::ISODateWithMs) })
        || !insert.next()) {
        // The foreign key refuses a token for nobody (SQLite's constraint codes, PostgreSQL's 23503); the
        // driver's words go to the log only.
        const QString code = insert.lastError().nativeErrorCode();
        if (code == "19"_L1 || code == "787"_L1 || code == "23503"_L1)
            error->set(StoreError::Kind::NotFound, u"there is no member with id %1"_s.arg(memberId));
        else
            *error = StoreError::database(u"cannot create the token"_s, insert.lastError());
        return std::nullopt;
    }
    token.id = insert.value(0).toLongLong();
    insert.finish();
    const AuditEntry entry { 0, token.createdAt, actor.memberId, actor.email, u"token.create"_s,
        u"token:%1"_s.arg(token.id), {}, token.toJson() };
    if (!audited.finish({ entry }, error))
        return std::nullopt;
    return Created { token, SecretToken::compose(kPrefix, token.id, secret) };
}

QByteArray AccessTokenStore::mintSessionToken(qint64 memberId)
{
    const QByteArray secret = SecretToken::newSecret();
    QMutexLocker locker(&m_sessionsMutex);
    m_sessions.insert(SecretToken::hashOf(secret), memberId);
    return SecretToken::compose(kPrefix, 0, secret); // id 0: a session token, never stored
}

std::optional<AccessTokenStore::Authenticated> AccessTokenStore::authenticate(QByteArrayView presented)
{
    const auto parsed = SecretToken::parse(presented, kPrefix, true);
    if (!parsed)
        return std::nullopt;
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid())
        return std::nullopt;
    StoreError error;
    if (parsed->id == 0) {
        qint64 memberId = 0;
        {
            QMutexLocker locker(&m_sessionsMutex);
            memberId = m_sessions.value(SecretToken::hashOf(parsed->secret));
        }
        const auto member = memberId > 0 ? m_members.member(memberId, &error) : std::nullopt;
        if (!member)
            return std::nullopt;
        return Authenticated { *member, 0 };
    }
    QSqlQuery query(db);
    if (!Sql::exec(query,
            u"SELECT secret_hash, revoked, member_id, last_used_at FROM access_tokens WHERE id = ?"_s,
            { parsed->id })
        || !query.next())
        return std::nullopt;
    const QByteArray stored = QByteArray::fromHex(query.value(0).toString().toLatin1());
    if (!SecretToken::constantTimeEquals(SecretToken::hashOf(parsed->secret), stored)
        || query.value(1).toInt() != 0)
        return std::nullopt;
    const qint64 memberId = query.value(2).toLongLong();
    const QDateTime lastUsed = QDateTime::fromString(query.value(3).toString(), Qt::ISODateWithMs);
    query.finish();
    const auto member = m_members.member(memberId, &error);
    if (!member)
        return std::nullopt;
    const QDateTime now = m_clock.now().toUTC();
    if (!lastUsed.isValid() || lastUsed.msecsTo(now) >= kLastUsedResolutionMs) {
        QSqlQuery touch(db);
        // A missed timestamp must not refuse the request.
        Sql::exec(touch, u"UPDATE access_tokens SET last_used_at = ? WHERE id = ?"_s,
            { now.toString(Qt::ISODateWithMs), parsed->id });
    }
    return Authenticated { *member, parsed->id };
}

std::optional<QList<AccessToken>> AccessTokenStore::list(qint64 memberId, StoreError *error)
{
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid()) {
        *error = StoreError::database(u"cannot open the database"_s, sqlError);
        return std::nullopt;
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!Sql::exec(query,
            u"SELECT "_s + kTokenColumns + u" FROM access_tokens"_s
                + (memberId > 0 ? u" WHERE member_id = ?"_s : QString()) + u" ORDER BY id DESC"_s,
            memberId > 0 ? QVariantList { memberId } : QVariantList())) {
        *error = StoreError::database(u"cannot read the tokens"_s, query.lastError());
        return std::nullopt;
    }
    QList<AccessToken> tokens;
    while (query.next())
        tokens.append(tokenFrom(query));
    return tokens;
}

std::optional<AccessToken> AccessTokenStore::token(qint64 id, StoreError *error)
{
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid()) {
        *error = StoreError::database(u"cannot open the database"_s, sqlError);
        return std::nullopt;
    }
    QSqlQuery query(db);
    if (!Sql::exec(query, u"SELECT "_s + kTokenColumns + u" FROM access_tokens WHERE id = ?"_s, { id })) {
        *error = StoreError::database(u"cannot read the tokens"_s, query.lastError());
        return std::nullopt;
    }
    if (!query.next()) {
        error->set(StoreError::Kind::NotFound, u"there is no token with id %1"_s.arg(id));
        return std::nullopt;
    }
    return tokenFrom(query);
}

bool AccessTokenStore::revoke(const Actor &actor, qint64 id, StoreError *error)
{
    AuditedChange audited(m_connections, u"cannot revoke the token"_s);
    if (!audited.begin(error))
        return false;
    QSqlDatabase &db = audited.db();
    const auto before = token(id, error);
    if (!before)
        return false;
    AccessToken after = *before;
    after.revoked = true;
    QSqlQuery write(db);
    if (!Sql::exec(write, u"UPDATE access_tokens SET revoked = 1 WHERE id = ?"_s, { id })) {
        *error = StoreError::database(u"cannot revoke the token"_s, write.lastError());
        return false;
    }
    const AuditEntry entry { 0, m_clock.now(), actor.memberId, actor.email, u"token.revoke"_s,
        u"token:%1"_s.arg(id), before->toJson(), after.toJson() };
    if (!audited.finish({ entry }, error))
        return false;
    return true;
}
