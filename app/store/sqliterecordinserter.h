#pragma once

#include "requestrecord.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

// Inserts request records into SQLite through its C API, on the connection Qt opened. The log writer's
// inner loop: QSqlQuery's QVariant binding cost it several times more than the insert itself.
class SqliteRecordInserter final
{
public:
    // An inserter for `db`, or null when `db` is not an SQLite connection (then QSqlQuery does the work).
    static std::unique_ptr<SqliteRecordInserter> create(QSqlDatabase &db, QString *error);
    ~SqliteRecordInserter();

    // False with *error and the SQLite result code in *code on failure.
    bool insert(const RequestRecord &record, QString *error, int *code);

private:
    SqliteRecordInserter(sqlite3 *db, sqlite3_stmt *statement);

    sqlite3 *m_db;
    sqlite3_stmt *m_statement;
};
