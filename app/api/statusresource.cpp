// status: what the dashboard polls every few seconds to tell whether the gateway is well and whether its
// pages need fetching again: version, listener, uptime, the proxy's requests in flight and per minute, the
// newest record id, the log writer's backlog and the database's health. Any member may read it: it names no
// one. Everything here is read from memory except one MAX(id) on the records' primary key.
#include "apiresources.h"

#include "clock.h"
#include "gatewayvitals.h"
#include "logwriter.h"
#include "policystore.h"
#include "recordstore.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {

QJsonArray perMinuteJson(const std::vector<GatewayVitals::Minute> &minutes)
{
    QJsonArray array;
    for (const GatewayVitals::Minute &minute : minutes)
        array.append(QJsonObject { { u"start"_s, minute.start.toString(Qt::ISODate) },
            { u"requests"_s, minute.requests }, { u"errors"_s, minute.errors } });
    return array;
}

// Healthy when the database answers and takes the records; otherwise what is wrong and what to do.
QJsonObject databaseJson(
    const DatabaseLocation &location, const QString &readError, const LogWriter::Health &writer)
{
    const bool postgres = location.kind == DatabaseLocation::Kind::Postgres;
    QString message;
    if (!readError.isEmpty()) {
        message = u"the database %1 does not answer: %2. %3"_s.arg(location.displayName(), readError,
            postgres ? u"Check that the PostgreSQL server is running and reachable from this machine."_s
                     : u"Check that the file exists, is writable and that the disk is not full."_s);
    } else if (!writer.writeError.isEmpty()) {
        message
            = u"request records cannot be written to the database %1: %2. %3 records wait in memory and are "
              "written once the database takes them again."_s.arg(location.displayName(), writer.writeError)
                  .arg(writer.backlog);
    }
    return { { u"engine"_s, postgres ? u"postgres"_s : u"sqlite"_s }, { u"healthy"_s, message.isEmpty() },
        { u"message"_s, message } };
}

} // namespace

namespace StatusResource {

ApiReply show(const ApiContext &context, const ApiCall &)
{
    const QDateTime now = context.clock.now().toUTC();
    const QDateTime started = context.vitals.startedAt();
    StoreError readError;
    const std::optional<qint64> latest = context.records.latestRecordId(&readError);
    const LogWriter::Health writer = context.log.health();
    return { 200,
        QJsonObject {
            { u"version"_s, QStringLiteral(APP_VERSION) },
            { u"url"_s, context.vitals.url() },
            { u"started_at"_s, started.toString(Qt::ISODate) },
            { u"uptime_s"_s, started.isValid() ? qMax<qint64>(0, started.secsTo(now)) : 0 },
            { u"in_flight"_s, context.vitals.inFlight() },
            { u"requests_per_minute"_s, perMinuteJson(context.vitals.perMinute()) },
            { u"latest_record_id"_s, latest && *latest > 0 ? QJsonValue(*latest) : QJsonValue() },
            { u"log_writer"_s,
                QJsonObject { { u"backlog"_s, writer.backlog }, { u"backlog_bytes"_s, writer.backlogBytes },
                    { u"failures"_s, writer.failedBatches }, { u"dropped"_s, writer.dropped } } },
            { u"database"_s, databaseJson(context.records.location(), readError.message, writer) },
            { u"retention_level"_s, RetentionLevels::name(context.policies.level()) },
        } };
}

} // namespace StatusResource
