#pragma once

#include <QIODevice>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include <optional>

// Writes every stored request record, machine-readable, as JSON lines or CSV (RFC 4180, with a header row).
// Field names are INTERFACE.md's snake_case ones; bodies only where the policy retained them.
namespace RecordExporter {
enum class Format { JsonLines, Csv };

// Which records to write, in which order: a WHERE clause over the requests table with its bound values.
struct Selection
{
    QString where; // e.g. "member = ? AND id < ?"; empty: every record
    QVariantList values; // for the clause's placeholders, in order
    bool newestFirst = false;
    int limit = 0; // 0: no limit
    bool withBodies = true; // false: never the payloads, even where retained
};

// What was written: how many records, and the id of the last one (for a cursor).
struct Written
{
    qint64 count = 0;
    qint64 lastId = 0;
};

// The SELECT that exportSelected runs for `selection` (its placeholders bound with selection.values).
QString selectStatement(const Selection &selection);
// Streams rows (never loads the whole table). False and *error on a database or write failure.
bool exportAll(QSqlDatabase &db, Format format, QIODevice &out, QString *error);
std::optional<Written> exportSelected(
    QSqlDatabase &db, Format format, QIODevice &out, const Selection &selection, QString *error);
} // namespace RecordExporter
