#pragma once

#include <QIODevice>
#include <QSqlDatabase>
#include <QString>

// Writes every stored request record, machine-readable, as JSON lines or CSV (RFC 4180, with a header row).
// Field names are INTERFACE.md's snake_case ones; bodies only where the policy retained them.
namespace RecordExporter {
enum class Format { JsonLines, Csv };
// Streams rows (never loads the whole table). False and *error on a database or write failure.
bool exportAll(QSqlDatabase &db, Format format, QIODevice &out, QString *error);
} // namespace RecordExporter
