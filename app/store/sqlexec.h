#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

// One statement, with the driver's error text in *error when it fails (and, for a statement on `query`, the
// driver's error with its code in query.lastError(), for StoreError::database; `error` may then be null).
namespace Sql {
// A statement without parameters, on its own query.
bool exec(QSqlDatabase &db, const QString &sql, QString *error);
// A statement with positional parameters on `query`, which holds its result afterwards.
bool exec(QSqlQuery &query, const QString &sql, const QVariantList &values, QString *error = nullptr);
} // namespace Sql
