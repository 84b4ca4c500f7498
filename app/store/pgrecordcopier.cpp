#include "pgrecordcopier.h"

#include "recordcolumns.h"

using namespace Qt::StringLiterals;

namespace PgRecordCopier {

PgCopy::Outcome copy(QSqlDatabase &db, std::vector<RequestRecord>::const_iterator begin,
    std::vector<RequestRecord>::const_iterator end, QString *error)
{
    static const QByteArray sql = (u"COPY requests ("_s + RecordColumns::list() + u") FROM STDIN"_s).toUtf8();
    auto next = begin;
    return PgCopy::copy(
        db, sql,
        [&](PgCopy::Line &row) {
            if (next == end)
                return false;
            RecordColumns::write(*next++, row);
            return true;
        },
        error);
}

} // namespace PgRecordCopier
