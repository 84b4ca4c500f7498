#pragma once

#include <QString>

class QSqlError;

// Why a store call failed, for the one mapping to the API's answer (ApiReply::fromStoreError) and the command
// line's. `message` is for the user: what failed and what to do about it, never the database driver's text,
// which goes to the log (gateway.store) only.
struct StoreError
{
    enum class Kind {
        None,
        Invalid, // the request cannot be stored as it is (a name missing, a limit out of range)
        NotFound, // the key, member or token is not there
        Conflict, // it clashes with what is stored (a member already there, the last owner)
        Busy, // the database was locked by another writer, or unreachable: the same call may work in a moment
        Failed, // the database failed otherwise: the log has the driver's words
    };
    Kind kind = Kind::None;
    QString message;

    void set(Kind k, const QString &text)
    {
        kind = k;
        message = text;
    }

    // A database failure while doing something (`failure`, such as "cannot change the key"): the driver's
    // text and code go to the log; the error says Busy or Failed with `failure` and what to do next.
    static StoreError database(const QString &failure, const QSqlError &driverError);
    // The same where only the driver's text survived (helpers that report a QString).
    static StoreError database(const QString &failure, const QString &driverText);
};
