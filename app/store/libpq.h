#pragma once

#include <libpq-fe.h>

// The libpq functions the store calls itself, looked up at run time in the libpq that Qt's PostgreSQL driver
// loads, instead of linking libpq: a gateway on SQLite then never loads libpq and the fifteen libraries it
// pulls in (TLS, Kerberos, LDAP), about 5 MiB of resident memory. Only code that holds a PostgreSQL
// connection calls these, so libpq is already in the process.
struct LibPq
{
    decltype(&::PQexec) exec;
    decltype(&::PQexecParams) execParams;
    decltype(&::PQresultStatus) resultStatus;
    decltype(&::PQresultErrorMessage) resultErrorMessage;
    decltype(&::PQresultErrorField) resultErrorField;
    decltype(&::PQntuples) ntuples;
    decltype(&::PQgetvalue) getvalue;
    decltype(&::PQclear) clear;
    decltype(&::PQputCopyData) putCopyData;
    decltype(&::PQputCopyEnd) putCopyEnd;
    decltype(&::PQgetResult) getResult;
    decltype(&::PQerrorMessage) errorMessage;
    decltype(&::PQstatus) status;
    decltype(&::PQunescapeBytea) unescapeBytea;
    decltype(&::PQfreemem) freemem;

    // The functions, or null (with a warning, once) when libpq cannot be found.
    static const LibPq *get();
};
