#include "sqlexec.h"

#include <QSqlError>

namespace Sql {

bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    *error = query.lastError().text();
    return false;
}

bool exec(QSqlQuery &query, const QString &sql, const QVariantList &values, QString *error)
{
    // A failed prepare (on PostgreSQL a lock wait that timed out) is the statement's error.
    const bool prepared = query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (prepared && query.exec())
        return true;
    if (error)
        *error = query.lastError().text();
    return false;
}

} // namespace Sql
