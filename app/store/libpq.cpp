#include "libpq.h"

#include "storelog.h"

#include <QLibrary>

namespace {

template<class Function> bool resolve(QLibrary &library, const char *name, Function *out)
{
    *out = reinterpret_cast<Function>(library.resolve(name));
    return *out != nullptr;
}

std::optional<LibPq> load()
{
    QLibrary library(QStringLiteral("pq"), 5); // libpq.so.5, the one Qt's QPSQL plugin links
    if (!library.load()) {
        qCWarning(lcStore).noquote() << "cannot load libpq:" << library.errorString();
        return std::nullopt;
    }
    LibPq pq {};
    const bool all = resolve(library, "PQexec", &pq.exec) && resolve(library, "PQexecParams", &pq.execParams)
        && resolve(library, "PQresultStatus", &pq.resultStatus)
        && resolve(library, "PQresultErrorMessage", &pq.resultErrorMessage)
        && resolve(library, "PQresultErrorField", &pq.resultErrorField)
        && resolve(library, "PQntuples", &pq.ntuples) && resolve(library, "PQgetvalue", &pq.getvalue)
        && resolve(library, "PQclear", &pq.clear) && resolve(library, "PQputCopyData", &pq.putCopyData)
        && resolve(library, "PQputCopyEnd", &pq.putCopyEnd) && resolve(library, "PQgetResult", &pq.getResult)
        && resolve(library, "PQerrorMessage", &pq.errorMessage) && resolve(library, "PQstatus", &pq.status)
        && resolve(library, "PQunescapeBytea", &pq.unescapeBytea)
        && resolve(library, "PQfreemem", &pq.freemem);
    if (!all) {
        qCWarning(lcStore).noquote() << "libpq lacks a function the store needs:" << library.errorString();
        return std::nullopt;
    }
    return pq; // the library stays loaded: QLibrary only unloads on unload()
}

} // namespace

const LibPq *LibPq::get()
{
    static const std::optional<LibPq> functions = load();
    return functions ? &*functions : nullptr;
}
