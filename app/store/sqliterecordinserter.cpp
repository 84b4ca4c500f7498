#include "sqliterecordinserter.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

#include <cstdio>

namespace {
// "2026-11-25T11:40:11.525Z", as Qt::ISODateWithMs writes it for UTC, without its cost per record.
QByteArray isoUtc(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    const QDate date = utc.date();
    const QTime clock = utc.time();
    char text[32];
    const int length = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year(),
                                     date.month(), date.day(), clock.hour(), clock.minute(), clock.second(),
                                     clock.msec());
    return QByteArray(text, length);
}
} // namespace

std::unique_ptr<SqliteRecordInserter> SqliteRecordInserter::create(QSqlDatabase &db, const char *insertSql,
                                                                   QString *error)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(connection, insertSql, -1, &statement, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(connection));
        return nullptr;
    }
    return std::unique_ptr<SqliteRecordInserter>(new SqliteRecordInserter(connection, statement));
}

SqliteRecordInserter::SqliteRecordInserter(sqlite3 *db, sqlite3_stmt *statement)
    : m_db(db)
    , m_statement(statement)
{
}

SqliteRecordInserter::~SqliteRecordInserter()
{
    sqlite3_finalize(m_statement);
}

bool SqliteRecordInserter::insert(const RequestRecord &r, QString *error, int *code)
{
    // Bound texts must outlive sqlite3_step(): SQLITE_STATIC saves a copy, these keep the bytes alive.
    QByteArray texts[12];
    int t = 0;
    int column = 1;
    const auto bindText = [&](const QByteArray &utf8) {
        texts[t] = utf8;
        sqlite3_bind_text(m_statement, column++, texts[t].constData(), int(texts[t].size()), SQLITE_STATIC);
        ++t;
    };
    const auto bindInt = [&](qint64 value) { sqlite3_bind_int64(m_statement, column++, value); };
    const auto bindNull = [&] { sqlite3_bind_null(m_statement, column++); };
    const auto bindDouble = [&](std::optional<double> value) {
        if (value)
            sqlite3_bind_double(m_statement, column++, *value);
        else
            bindNull();
    };
    const auto bindBlob = [&](const QByteArray &bytes) {
        // An empty body means "not retained" (metadata-only policy, or nothing to keep): NULL, not ''.
        if (bytes.isEmpty())
            bindNull();
        else
            sqlite3_bind_blob(m_statement, column++, bytes.constData(), int(bytes.size()), SQLITE_STATIC);
    };

    // A record without a time gets the time it is written: a NULL would drop it from every time range.
    const QDateTime created = r.createdAt.isValid() ? r.createdAt : QDateTime::currentDateTimeUtc();
    bindText(r.requestId);
    bindText(isoUtc(created));
    if (r.apiKeyId > 0)
        bindInt(r.apiKeyId);
    else
        bindNull();
    bindText(r.member.toUtf8());
    bindText(r.clientIp.toUtf8());
    bindText(r.userAgent.toUtf8());
    bindText(r.endpoint.toUtf8());
    bindText(r.requestedModel.toUtf8());
    bindText(r.usedModel.toUtf8());
    bindText(r.usedProvider.toUtf8());
    bindInt(r.streamed);
    bindInt(r.status);
    bindText(r.finishReason.toUtf8());
    bindText(r.error.toUtf8());
    bindInt(r.usage.promptTokens);
    bindInt(r.usage.completionTokens);
    bindInt(r.usage.cachedTokens);
    bindInt(r.usage.cacheWriteTokens);
    bindInt(r.usage.reasoningTokens);
    bindInt(r.usage.totalTokens());
    bindInt(r.usage.estimated);
    const auto part = [&](double Cost::*member) {
        return r.cost ? std::optional<double>((*r.cost).*member) : std::nullopt;
    };
    bindDouble(r.cost ? std::optional<double>(r.cost->total()) : std::nullopt);
    bindDouble(part(&Cost::input));
    bindDouble(part(&Cost::cachedInput));
    bindDouble(part(&Cost::cacheWrite));
    bindDouble(part(&Cost::output));
    bindInt(r.durationMs);
    if (r.ttftMs)
        bindInt(*r.ttftMs);
    else
        bindNull();
    bindBlob(r.requestBody);
    bindBlob(r.responseBody);
    bindInt(r.attempt);
    bindInt(r.cacheHit);
    bindInt(r.retried);
    Q_ASSERT(column == sqlite3_bind_parameter_count(m_statement) + 1);

    const int result = sqlite3_step(m_statement);
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    if (result == SQLITE_DONE)
        return true;
    *code = result;
    *error = QString::fromUtf8(sqlite3_errmsg(m_db));
    return false;
}
