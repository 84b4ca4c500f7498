#include "logselection.h"

#include "recordcolumns.h"

using namespace Qt::StringLiterals;

namespace {

QString iso(const QDateTime &at)
{
    return QString::fromLatin1(RecordColumns::isoUtc(at)); // as stored: text, compared as text
}

// AND-ed conditions with their bound values, in order.
struct Conditions
{
    QStringList clauses;
    QVariantList values;

    void add(const QString &clause, const QVariantList &clauseValues)
    {
        clauses.append(clause);
        values += clauseValues;
    }
    QString where() const { return clauses.join(u" AND "_s); }
};

// Every condition of `q` but the model's.
Conditions conditionsBesidesModel(const LogQuery &q, qint64 upTo)
{
    Conditions c;
    const RecordFilter &f = q.filter;
    if (f.from.isValid())
        c.add(u"created_at >= ?"_s, { iso(f.from) });
    if (f.to.isValid())
        c.add(u"created_at < ?"_s, { iso(f.to) });
    if (!f.provider.isEmpty())
        c.add(u"used_provider = ?"_s, { f.provider });
    if (f.apiKeyId)
        c.add(u"api_key_id = ?"_s, { *f.apiKeyId });
    if (!f.member.isEmpty())
        c.add(u"member = ?"_s, { f.member });
    if (q.status)
        c.add(u"status = ?"_s, { *q.status });
    if (q.errorsOnly) // word for word the bound of PostgreSQL's errors indexes (migrations.cpp)
        c.add(u"(status >= 400 OR status = 0)"_s, {});
    if (!q.finishReason.isEmpty())
        c.add(u"finish_reason = ?"_s, { q.finishReason });
    if (q.beforeId > 0)
        c.add(u"id < ?"_s, { q.beforeId });
    if (q.afterId)
        c.add(u"id > ?"_s, { *q.afterId });
    if (upTo > 0)
        c.add(u"id <= ?"_s, { upTo });
    return c;
}

} // namespace

namespace LogSelection {

RecordExporter::Selection of(const LogQuery &q, qint64 upTo, DatabaseLocation::Kind kind)
{
    RecordExporter::Selection s;
    s.newestFirst = !q.afterId;
    s.limit = q.limit;
    s.withBodies = false;
    Conditions rest = conditionsBesidesModel(q, upTo);
    if (q.filter.model.isEmpty()) {
        s.where = rest.where();
        s.values = rest.values;
        return s;
    }
    // The page of `column` alone: its index read in the page's order, as far as `limit` matches. The page
    // of the OR is among the two (each of its records is within the first `limit` of the column it matched),
    // and IN drops a record that both name; the outer ORDER BY and LIMIT cut it to the page. Each part is a
    // subquery of its own because SQLite takes no ORDER BY or LIMIT on the parts of a UNION.
    const QString order = s.newestFirst ? u"DESC"_s : u"ASC"_s;
    const auto part = [&](const QString &column, const QString &alias) {
        Conditions c;
        c.add(column + u" = ?"_s, { q.filter.model });
        c.clauses += rest.clauses;
        c.values += rest.values;
        s.values += c.values;
        return u"SELECT id FROM (SELECT id FROM requests WHERE %1 ORDER BY id %2 LIMIT %3) AS %4"_s.arg(
            c.where(), order, QString::number(q.limit), alias);
    };
    const QString parts = part(u"used_model"_s, u"by_used_model"_s) + u" UNION ALL "_s
        + part(u"requested_model"_s, u"by_requested_model"_s);
    // PostgreSQL would join an IN's ids back to the table by walking the primary key from the newest record
    // to the oldest of them (a merge join, planned for evenly spread ids); a list of ids it looks up one by
    // one.
    s.where = kind == DatabaseLocation::Kind::Postgres ? u"id = ANY (ARRAY(%1))"_s.arg(parts)
                                                       : u"id IN (%1)"_s.arg(parts);
    return s;
}

} // namespace LogSelection
