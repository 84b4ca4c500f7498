#include "sqliterecordinserter.h"

#include "database.h"
#include "recordcolumns.h"

#include <QStringList>

#include <sqlite3.h>

namespace {
// Binds one record's values to the statement's placeholders, in column order.
struct Binder
{
    explicit Binder(sqlite3_stmt *s)
        : statement(s)
    { }

    sqlite3_stmt *statement;
    int column = 1;
    // Bound texts must outlive sqlite3_step(): SQLITE_STATIC saves a copy, these keep the bytes alive.
    QByteArray texts[12];
    int t = 0;

    void text(const QByteArray &utf8)
    {
        texts[t] = utf8;
        sqlite3_bind_text(statement, column++, texts[t].constData(), int(texts[t].size()), SQLITE_STATIC);
        ++t;
    }
    void integer(qint64 value) { sqlite3_bind_int64(statement, column++, value); }
    void real(double value) { sqlite3_bind_double(statement, column++, value); }
    void blob(const QByteArray &bytes)
    {
        sqlite3_bind_blob(statement, column++, bytes.constData(), int(bytes.size()), SQLITE_STATIC);
    }
    void null() { sqlite3_bind_null(statement, column++); }
};
} // namespace

std::unique_ptr<SqliteRecordInserter> SqliteRecordInserter::create(QSqlDatabase &db, QString *error)
{
    sqlite3 *connection = Database::sqliteHandle(db);
    if (!connection)
        return nullptr;
    static const QByteArray sql
        = (QStringLiteral("INSERT INTO requests (") + RecordColumns::list() + QStringLiteral(") VALUES (")
            + QStringList(RecordColumns::kCount, QStringLiteral("?")).join(u", ") + u')')
              .toUtf8();
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(connection, sql.constData(), -1, &statement, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(connection));
        return nullptr;
    }
    return std::unique_ptr<SqliteRecordInserter>(new SqliteRecordInserter(connection, statement));
}

SqliteRecordInserter::SqliteRecordInserter(sqlite3 *db, sqlite3_stmt *statement)
    : m_db(db)
    , m_statement(statement)
{ }

SqliteRecordInserter::~SqliteRecordInserter()
{
    sqlite3_finalize(m_statement);
}

bool SqliteRecordInserter::insert(const RequestRecord &r, QString *error, int *code)
{
    Binder binder(m_statement);
    RecordColumns::write(r, binder);
    Q_ASSERT(binder.column == sqlite3_bind_parameter_count(m_statement) + 1);

    const int result = sqlite3_step(m_statement);
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    if (result == SQLITE_DONE)
        return true;
    *code = result;
    *error = QString::fromUtf8(sqlite3_errmsg(m_db));
    return false;
}
