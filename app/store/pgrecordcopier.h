#pragma once

#include "requestrecord.h"

#include <QSqlDatabase>
#include <QString>

#include <vector>

// Writes request records into PostgreSQL with COPY … FROM STDIN through libpq, on the connection Qt opened
// (inside the caller's transaction). Qt's driver formats every bound value into an EXECUTE string, which cost
// the log writer more than the server's work; COPY streams the rows as text in one round trip.
namespace PgRecordCopier {

enum class Outcome { Ok, Transient, Failed };
// Copies [begin, end) into the requests table; on failure *error says why (the transaction is then aborted).
Outcome copy(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
             std::vector<RequestRecord>::const_iterator end, QString *error);

} // namespace PgRecordCopier
