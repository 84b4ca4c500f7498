#include "storeerror.h"

#include "database.h"
#include "storelog.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace {

// SQLITE_BUSY and SQLITE_LOCKED (a busy timeout that ran out); PostgreSQL's transient states, a lock it could
// not get (55P03) and a statement cancelled by a timeout (57014).
bool isBusyCode(const QString &code)
{
    const QByteArray state = code.toLatin1();
    return code == "5"_L1 || code == "6"_L1 || Database::isTransientPostgresState(state) || state == "55P03"
        || state == "57014";
}

// SQLite's own words for SQLITE_BUSY and SQLITE_LOCKED, which Qt puts into the error's text.
bool isBusyText(const QString &text)
{
    return text.contains("database is locked"_L1) || text.contains("database table is locked"_L1);
}

StoreError classified(const QString &failure, bool busy)
{
    StoreError error;
    if (busy)
        error.set(StoreError::Kind::Busy,
            failure
                + u": the database is busy with another writer or cannot be reached; try again in a moment"_s);
    else
        error.set(StoreError::Kind::Failed,
            failure + u": the database failed; the gateway's log (gateway.store) has the details"_s);
    return error;
}

} // namespace

StoreError StoreError::database(const QString &failure, const QSqlError &driverError)
{
    qCWarning(lcStore).noquote() << failure << "(database error" << driverError.nativeErrorCode()
                                 << "):" << driverError.text();
    return classified(failure, isBusyCode(driverError.nativeErrorCode()) || isBusyText(driverError.text()));
}

StoreError StoreError::database(const QString &failure, const QString &driverText)
{
    qCWarning(lcStore).noquote() << failure << ":" << driverText;
    return classified(failure, isBusyText(driverText));
}
