#include "recordexporter.h"

#include "jsonscan.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

enum class Type { Integer, NullableInteger, Text, Bool, NullableNumber, Body };

struct Column
{
    const char *name;
    Type type;
};

// Export order: identity, who, what, outcome, tokens, cost, timing, payloads. INTERFACE.md fixes the names.
constexpr Column kColumns[] = {
    { "id", Type::Integer }, { "request_id", Type::Text }, { "created_at", Type::Text },
    { "api_key_id", Type::NullableInteger }, { "member", Type::Text }, { "client_ip", Type::Text },
    { "user_agent", Type::Text }, { "endpoint", Type::Text }, { "requested_model", Type::Text },
    { "used_model", Type::Text }, { "used_provider", Type::Text }, { "streamed", Type::Bool },
    { "status", Type::Integer }, { "finish_reason", Type::Text }, { "error", Type::Text },
    { "prompt_tokens", Type::Integer }, { "completion_tokens", Type::Integer },
    { "cached_tokens", Type::Integer }, { "cache_write_tokens", Type::Integer },
    { "reasoning_tokens", Type::Integer }, { "total_tokens", Type::Integer },
    { "usage_estimated", Type::Bool }, { "cost", Type::NullableNumber },
    { "cost_input", Type::NullableNumber }, { "cost_cached_input", Type::NullableNumber },
    { "cost_cache_write", Type::NullableNumber }, { "cost_output", Type::NullableNumber },
    { "duration_ms", Type::Integer }, { "ttft_ms", Type::NullableInteger }, { "request_body", Type::Body },
    { "response_body", Type::Body },
    { "attempt", Type::Integer }, // 2, 3: a retry or fallback of the same request_id
    { "cache_hit", Type::Bool }, { "retried", Type::Bool }, // this attempt failed and the next one followed
};

constexpr qsizetype kChunk = 64 * 1024;

QByteArray number(double value)
{
    if (!std::isfinite(value))
        return "null"_ba;
    // Plain decimals ("0.0003", not "3e-04") read better in spreadsheets; exponents only for huge values.
    const char format = std::abs(value) < 1e15 ? 'f' : 'g';
    return QByteArray::number(value, format, QLocale::FloatingPointShortest);
}

QByteArray text(const QVariant &value)
{
    // Round trip through QString: invalid UTF-8 in a stored body becomes U+FFFD instead of broken output.
    return value.toString().toUtf8();
}

QByteArray bodyText(const QVariant &value)
{
    return QString::fromUtf8(value.toByteArray()).toUtf8();
}

void appendJsonValue(QByteArray &out, Type type, const QVariant &value)
{
    if (value.isNull()) {
        out += type == Type::Text ? "\"\""_ba : "null"_ba;
        return;
    }
    switch (type) {
    case Type::Integer:
    case Type::NullableInteger:
        out += QByteArray::number(value.toLongLong());
        break;
    case Type::Bool:
        out += value.toLongLong() != 0 ? "true"_ba : "false"_ba;
        break;
    case Type::NullableNumber:
        out += number(value.toDouble());
        break;
    case Type::Text:
        JsonScan::appendQuoted(out, text(value));
        break;
    case Type::Body: {
        // A JSON payload is embedded as JSON (compacted, so that it stays on one line); anything else, such
        // as a stream's events, as a string.
        const QByteArray bytes = value.toByteArray();
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (parseError.error == QJsonParseError::NoError && !document.isNull())
            out += document.toJson(QJsonDocument::Compact);
        else
            JsonScan::appendQuoted(out, bodyText(value));
        break;
    }
    }
}

void appendCsvField(QByteArray &out, const QByteArray &field)
{
    if (!field.contains(',') && !field.contains('"') && !field.contains('\n') && !field.contains('\r')) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

QByteArray csvValue(Type type, const QVariant &value)
{
    if (value.isNull())
        return {};
    switch (type) {
    case Type::Integer:
    case Type::NullableInteger:
        return QByteArray::number(value.toLongLong());
    case Type::Bool:
        return value.toLongLong() != 0 ? "true"_ba : "false"_ba;
    case Type::NullableNumber:
        return std::isfinite(value.toDouble()) ? number(value.toDouble()) : QByteArray();
    case Type::Text:
        return text(value);
    case Type::Body:
        return bodyText(value);
    }
    return {};
}

bool writeOut(QIODevice &out, QByteArray &buffer, QString *error)
{
    if (buffer.isEmpty())
        return true;
    if (out.write(buffer) != buffer.size()) {
        *error = u"cannot write the export: "_s + out.errorString();
        return false;
    }
    buffer.clear();
    return true;
}

} // namespace

namespace RecordExporter {

QString selectStatement(const Selection &selection)
{
    QStringList names;
    for (const Column &column : kColumns) {
        const QString name = QString::fromLatin1(column.name);
        names.append(column.type == Type::Body && !selection.withBodies ? u"NULL AS "_s + name : name);
    }
    QString sql = u"SELECT "_s + names.join(u", "_s) + u" FROM requests"_s;
    if (!selection.where.isEmpty())
        sql += u" WHERE "_s + selection.where;
    sql += selection.newestFirst ? u" ORDER BY id DESC"_s : u" ORDER BY id"_s;
    if (selection.limit > 0)
        sql += u" LIMIT "_s + QString::number(selection.limit);
    return sql;
}

bool exportAll(QSqlDatabase &db, Format format, QIODevice &out, QString *error)
{
    return exportSelected(db, format, out, Selection {}, error).has_value();
}

std::optional<Written> exportSelected(
    QSqlDatabase &db, Format format, QIODevice &out, const Selection &selection, QString *error)
{
    QSqlQuery query(db);
    query.setForwardOnly(true); // rows are streamed, not cached by the driver wrapper
    bool ok = query.prepare(selectStatement(selection));
    for (const QVariant &value : selection.values)
        query.addBindValue(value);
    if (!ok || !query.exec()) {
        *error = u"cannot read the request records: "_s + query.lastError().text();
        return std::nullopt;
    }
    Written written;

    QByteArray buffer;
    buffer.reserve(kChunk + 4096);
    if (format == Format::Csv) {
        for (const Column &column : kColumns) {
            if (&column != kColumns)
                buffer += ',';
            buffer += column.name;
        }
        buffer += "\r\n";
    }
    while (query.next()) {
        ++written.count;
        written.lastId = query.value(0).toLongLong(); // kColumns starts with the id
        int i = 0;
        if (format == Format::JsonLines) {
            buffer += '{';
            bool first = true;
            for (const Column &column : kColumns) {
                const QVariant value = query.value(i++);
                if (column.type == Type::Body && value.isNull())
                    continue; // payloads appear only where the policy retained them
                if (!first)
                    buffer += ',';
                first = false;
                buffer += '"';
                buffer += column.name;
                buffer += "\":";
                appendJsonValue(buffer, column.type, value);
            }
            buffer += "}\n";
        } else {
            for (const Column &column : kColumns) {
                if (i > 0)
                    buffer += ',';
                appendCsvField(buffer, csvValue(column.type, query.value(i++)));
            }
            buffer += "\r\n";
        }
        if (buffer.size() >= kChunk && !writeOut(out, buffer, error))
            return std::nullopt;
    }
    if (query.lastError().isValid()) {
        *error = u"reading the request records failed: "_s + query.lastError().text();
        return std::nullopt;
    }
    if (!writeOut(out, buffer, error))
        return std::nullopt;
    return written;
}

} // namespace RecordExporter
