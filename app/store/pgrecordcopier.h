#pragma once

#include "pgcopy.h"
#include "requestrecord.h"

#include <QSqlDatabase>
#include <QString>
#include <vector>

// Writes request records into PostgreSQL with one COPY … FROM STDIN per batch (PgCopy), inside the caller's
// transaction.
namespace PgRecordCopier {

// Copies [begin, end) into the requests table; on failure *error says why (the transaction is then aborted).
PgCopy::Outcome copy(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
    std::vector<RequestRecord>::const_iterator end, QString *error);

} // namespace PgRecordCopier
