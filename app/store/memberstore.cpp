#include "memberstore.h"

#include "auditlog.h"
#include "clock.h"
#include "passwordhash.h"
#include "recordstore.h"
#include "sqlexec.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

const QString kColumns = u"id, email, name, role, created_at, key_budget_usd, password_hash IS NOT NULL"_s;

Member memberFrom(const QSqlQuery &query)
{
    Member m;
    m.id = query.value(0).toLongLong();
    m.email = query.value(1).toString();
    m.name = query.value(2).toString();
    m.role = Roles::fromName(query.value(3).toString()).value_or(Role::Restricted);
    m.createdAt = QDateTime::fromString(query.value(4).toString(), Qt::ISODateWithMs);
    if (!query.value(5).isNull())
        m.keyBudgetUsd = query.value(5).toDouble();
    m.hasPassword = query.value(6).toBool();
    return m;
}

QString target(qint64 id)
{
    return u"member:%1"_s.arg(id);
}

QString lastOwnerMessage()
{
    return u"this is the team's last owner; make another member owner first (transfer ownership), "
           "then change or remove this one"_s;
}

} // namespace

MemberStore::MemberStore(DatabaseLocation location, const Clock &clock)
    : m_connections(std::move(location), u"gateway.members"_s)
    , m_clock(clock)
{ }

std::optional<QList<Member>> MemberStore::select(
    const QString &where, const QVariantList &binds, StoreError *error)
{
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid()) {
        *error = StoreError::database(u"cannot open the database"_s, sqlError);
        return std::nullopt;
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!Sql::exec(query, u"SELECT "_s + kColumns + u" FROM members "_s + where + u" ORDER BY id"_s, binds)) {
        *error = StoreError::database(u"cannot read the members"_s, query.lastError());
        return std::nullopt;
    }
    QList<Member> list;
    while (query.next())
        list.append(memberFrom(query));
    return list;
}

std::optional<QList<Member>> MemberStore::members(StoreError *error)
{
    return select({}, {}, error);
}

std::optional<Member> MemberStore::member(qint64 id, StoreError *error)
{
    const auto list = select(u"WHERE id = ?"_s, { id }, error);
    if (!list)
        return std::nullopt;
    if (list->isEmpty()) {
        error->set(StoreError::Kind::NotFound, u"there is no member with id %1"_s.arg(id));
        return std::nullopt;
    }
    return list->first();
}

std::optional<Member> MemberStore::memberByEmail(const QString &email, StoreError *error)
{
    const auto list = select(u"WHERE email = ?"_s, { Emails::normalized(email) }, error);
    if (!list)
        return std::nullopt;
    if (list->isEmpty()) {
        error->set(StoreError::Kind::NotFound,
            u"there is no member with the email %1"_s.arg(Emails::normalized(email)));
        return std::nullopt;
    }
    return list->first();
}

bool MemberStore::anotherOwnerRemains(QSqlDatabase &db, const QString &failure, StoreError *error)
{
    QSqlQuery query(db);
    if (!query.exec(u"SELECT COUNT(*) FROM members WHERE role = 'owner'"_s) || !query.next()) {
        *error = StoreError::database(failure, query.lastError());
        return false;
    }
    if (query.value(0).toInt() <= 1) {
        error->set(StoreError::Kind::Conflict, lastOwnerMessage());
        return false;
    }
    return true;
}

std::optional<Member> MemberStore::add(
    const Actor &actor, const QString &email, const QString &name, Role role, StoreError *error)
{
    Member m;
    m.email = Emails::normalized(email);
    m.name = name.trimmed();
    m.role = role;
    m.createdAt = m_clock.now().toUTC();
    static const QRegularExpression emailPattern(u"^[^@\\s]+@[^@\\s]+$"_s);
    if (!emailPattern.match(m.email).hasMatch()) {
        error->set(StoreError::Kind::Invalid, u"'%1' is not an email address"_s.arg(email));
        return std::nullopt;
    }
    if (m.name.isEmpty()) {
        error->set(StoreError::Kind::Invalid, u"a member needs a name"_s);
        return std::nullopt;
    }
    AuditedChange audited(m_connections, u"cannot add the member"_s);
    if (!audited.begin(error))
        return std::nullopt;
    QSqlDatabase &db = audited.db();
    {
        QSqlQuery exists(db);
        if (!Sql::exec(exists, u"SELECT COUNT(*) FROM members WHERE email = ?"_s, { m.email })) {
            *error = StoreError::database(u"cannot add the member"_s, exists.lastError());
            return std::nullopt;
        }
        if (exists.next() && exists.value(0).toInt() > 0) {
            error->set(StoreError::Kind::Conflict, u"%1 is already a member"_s.arg(m.email));
            return std::nullopt;
        }
    }
    QSqlQuery insert(db);
    if (!Sql::exec(insert,
            u"INSERT INTO members (email, name, role, created_at) VALUES (?, ?, ?, ?) RETURNING id"_s,
            { m.email, m.name, Roles::name(m.role), m.createdAt.toString(Qt::ISODateWithMs) })
        || !insert.next()) {
        *error = StoreError::database(u"cannot add the member"_s, insert.lastError());
        return std::nullopt;
    }
    m.id = insert.value(0).toLongLong();
    insert.finish();
    AuditEntry entry { 0, m.createdAt, actor.memberId, actor.email, u"member.add"_s, target(m.id), {},
        m.toJson() };
    if (!audited.finish({ entry }, error))
        return std::nullopt;
    return m;
}

std::optional<Member> MemberStore::update(
    const Actor &actor, qint64 id, const Change &change, StoreError *error)
{
    if (change.name && change.name->trimmed().isEmpty()) {
        error->set(StoreError::Kind::Invalid, u"a member's name cannot be empty"_s);
        return std::nullopt;
    }
    if (change.keyBudgetUsd && *change.keyBudgetUsd && **change.keyBudgetUsd < 0) {
        error->set(StoreError::Kind::Invalid, u"a key budget cannot be negative"_s);
        return std::nullopt;
    }
    AuditedChange audited(m_connections, u"cannot change the member"_s);
    if (!audited.begin(error))
        return std::nullopt;
    QSqlDatabase &db = audited.db();
    const auto before = member(id, error); // same thread, same connection: read inside the transaction
    if (!before)
        return std::nullopt;
    Member after = *before;
    if (change.name)
        after.name = change.name->trimmed();
    if (change.role)
        after.role = *change.role;
    if (change.keyBudgetUsd)
        after.keyBudgetUsd = *change.keyBudgetUsd;
    if (before->role == Role::Owner && after.role != Role::Owner) {
        if (!anotherOwnerRemains(db, u"cannot change the member"_s, error))
            return std::nullopt;
    }
    QSqlQuery write(db);
    if (!Sql::exec(write, u"UPDATE members SET name = ?, role = ?, key_budget_usd = ? WHERE id = ?"_s,
            { after.name, Roles::name(after.role),
                after.keyBudgetUsd ? QVariant(*after.keyBudgetUsd) : QVariant(QMetaType::fromType<double>()),
                id })) {
        *error = StoreError::database(u"cannot change the member"_s, write.lastError());
        return std::nullopt;
    }
    AuditEntry entry { 0, m_clock.now(), actor.memberId, actor.email, u"member.update"_s, target(id),
        before->toJson(), after.toJson() };
    if (!audited.finish({ entry }, error))
        return std::nullopt;
    return after;
}

QJsonObject MemberStore::Removal::toJson() const
{
    QJsonObject json { { u"records"_s, records == Records::Keep ? u"kept"_s : u"deleted"_s },
        { u"tokens_revoked"_s, tokensRevoked } };
    if (records == Records::Keep) {
        json.insert(u"keys_disabled"_s, keysDisabled);
    } else {
        json.insert(u"keys_deleted"_s, keysDeleted);
        json.insert(u"records_deleted"_s, recordsDeleted);
    }
    return json;
}

std::optional<MemberStore::Removal> MemberStore::remove(
    const Actor &actor, qint64 id, Records records, StoreError *error)
{
    AuditedChange audited(m_connections, u"cannot remove the member"_s);
    if (!audited.begin(error))
        return std::nullopt;
    QSqlDatabase &db = audited.db();
    const auto before = member(id, error);
    if (!before)
        return std::nullopt;
    if (before->role == Role::Owner) {
        if (!anotherOwnerRemains(db, u"cannot remove the member"_s, error))
            return std::nullopt;
    }
    QString sqlError;
    Removal removal;
    removal.records = records;
    // Each statement with the number of rows it changed; the member's id or email bound.
    const auto changed = [&](const QString &sql, const QVariant &value) -> std::optional<qint64> {
        QSqlQuery query(db);
        if (!Sql::exec(query, sql, { value }, &sqlError))
            return std::nullopt;
        return query.numRowsAffected();
    };
    const auto failed = [&] {
        *error = StoreError::database(u"cannot remove the member"_s, sqlError);
        return std::nullopt;
    };
    const auto tokens = changed(u"DELETE FROM access_tokens WHERE member_id = ?"_s, id);
    if (!tokens)
        return failed();
    removal.tokensRevoked = *tokens;
    if (records == Records::Keep) {
        const auto disabled
            = changed(u"UPDATE api_keys SET disabled = 1 WHERE LOWER(member_email) = ? AND disabled = 0"_s,
                before->email);
        if (!disabled)
            return failed();
        removal.keysDisabled = *disabled;
    } else {
        const auto keys = changed(u"DELETE FROM api_keys WHERE LOWER(member_email) = ?"_s, before->email);
        if (!keys)
            return failed();
        const auto deleted
            = RecordStore::deleteRecordsIn(db, before->email, u"cannot remove the member"_s, error);
        if (!deleted)
            return std::nullopt;
        removal.keysDeleted = *keys;
        removal.recordsDeleted = *deleted;
    }
    if (!changed(u"DELETE FROM members WHERE id = ?"_s, id))
        return failed();
    AuditEntry entry { 0, m_clock.now(), actor.memberId, actor.email, u"member.remove"_s, target(id),
        before->toJson(), removal.toJson() };
    if (!audited.finish({ entry }, error))
        return std::nullopt;
    if (records == Records::Delete)
        Database::forgetDeleted(db);
    return removal;
}

bool MemberStore::transferOwnership(const Actor &actor, qint64 fromId, qint64 toId, StoreError *error)
{
    if (fromId == toId) {
        error->set(StoreError::Kind::Invalid, u"ownership can only be transferred to another member"_s);
        return false;
    }
    AuditedChange audited(m_connections, u"cannot transfer ownership"_s);
    if (!audited.begin(error))
        return false;
    QSqlDatabase &db = audited.db();
    const auto from = member(fromId, error);
    const auto to = from ? member(toId, error) : std::nullopt;
    if (!from || !to)
        return false;
    if (from->role != Role::Owner) {
        error->set(StoreError::Kind::Conflict, u"only an owner can hand over ownership"_s);
        return false;
    }
    QSqlQuery write(db);
    for (const auto &[role, id] : { std::pair { Role::Owner, toId }, std::pair { Role::Admin, fromId } }) {
        if (!Sql::exec(write, u"UPDATE members SET role = ? WHERE id = ?"_s, { Roles::name(role), id })) {
            *error = StoreError::database(u"cannot transfer ownership"_s, write.lastError());
            return false;
        }
    }
    Member newOwner = *to, formerOwner = *from;
    newOwner.role = Role::Owner;
    formerOwner.role = Role::Admin;
    const QDateTime now = m_clock.now();
    const AuditEntry toEntry { 0, now, actor.memberId, actor.email, u"member.transfer_ownership"_s,
        target(toId), to->toJson(), newOwner.toJson() };
    const AuditEntry fromEntry { 0, now, actor.memberId, actor.email, u"member.transfer_ownership"_s,
        target(fromId), from->toJson(), formerOwner.toJson() };
    if (!audited.finish({ toEntry, fromEntry }, error))
        return false;
    return true;
}

bool MemberStore::setPassword(const Actor &actor, qint64 id, const QString &password, StoreError *error)
{
    if (password.size() < PasswordHash::kMinimumLength) {
        error->set(StoreError::Kind::Invalid,
            u"a password needs at least %1 characters"_s.arg(PasswordHash::kMinimumLength));
        return false;
    }
    const QString hash = PasswordHash::hash(password); // slow on purpose: outside the write lock
    AuditedChange audited(m_connections, u"cannot set the password"_s);
    if (!audited.begin(error))
        return false;
    QSqlDatabase &db = audited.db();
    QSqlQuery write(db);
    if (!Sql::exec(write, u"UPDATE members SET password_hash = ? WHERE id = ?"_s, { hash, id })) {
        *error = StoreError::database(u"cannot set the password of member %1"_s.arg(id), write.lastError());
        return false;
    }
    if (write.numRowsAffected() < 1) {
        error->set(
            StoreError::Kind::NotFound, u"cannot set the password of member %1: no such member"_s.arg(id));
        return false;
    }
    // Before/after say only that a password is set: never the hash.
    const AuditEntry entry { 0, m_clock.now(), actor.memberId, actor.email, u"member.password_set"_s,
        target(id), {}, QJsonObject { { u"has_password"_s, true } } };
    if (!audited.finish({ entry }, error))
        return false;
    return true;
}

std::optional<Member> MemberStore::checkPassword(
    const QString &email, const QString &password, StoreError *error)
{
    const QString mismatch = u"the email or password is not right"_s;
    QString sqlError;
    QSqlDatabase db = m_connections.connection(&sqlError);
    if (!db.isValid()) {
        *error = StoreError::database(u"cannot open the database"_s, sqlError);
        return std::nullopt;
    }
    QSqlQuery query(db);
    if (!Sql::exec(query, u"SELECT "_s + kColumns + u", password_hash FROM members WHERE email = ?"_s,
            { Emails::normalized(email) })) {
        *error = StoreError::database(u"cannot read the members"_s, query.lastError());
        return std::nullopt;
    }
    if (!query.next() || query.value(7).isNull()) {
        PasswordHash::verifyNothing(password);
        error->set(StoreError::Kind::Invalid, mismatch);
        return std::nullopt;
    }
    const Member found = memberFrom(query);
    if (!PasswordHash::verify(password, query.value(7).toString())) {
        error->set(StoreError::Kind::Invalid, mismatch);
        return std::nullopt;
    }
    return found;
}

std::optional<Member> MemberStore::ensureLocalOwner(StoreError *error)
{
    const auto owners = select(u"WHERE role = 'owner'"_s, {}, error);
    if (!owners)
        return std::nullopt;
    if (!owners->isEmpty())
        return owners->first();
    return add(Actor { 0, u"local"_s }, u"owner@localhost"_s, u"Local owner"_s, Role::Owner, error);
}
