#include "commands.h"

#include "accesstokenstore.h"
#include "apikeystore.h"
#include "clock.h"
#include "gateway.h"
#include "gatewayhost.h"
#include "memberstore.h"
#include "recordexporter.h"
#include "termination.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

int failWith(const QString &message, int code = 1)
{
    QTextStream(stderr) << "llm-gateway: " << message << Qt::endl;
    return code;
}

QString dataDir(const CommandLine &line)
{
    if (line.has(u"data-dir"_s))
        return line.option(u"data-dir"_s);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

} // namespace

namespace Commands {

std::optional<GatewayConfig> loadConfig(const CommandLine &line, QString *error)
{
    auto config = GatewayConfig::load(
        dataDir(line), line.option(u"config"_s), QProcessEnvironment::systemEnvironment(), error);
    if (!config)
        return std::nullopt;
    if (line.has(u"database"_s))
        config->databaseUrl = line.option(u"database"_s);
    if (line.has(u"host"_s))
        config->host = line.option(u"host"_s);
    if (line.has(u"port"_s))
        config->port = quint16(line.option(u"port"_s).toUInt());
    if (line.has(u"tls-cert"_s))
        config->tlsCertificateFile = QFileInfo(line.option(u"tls-cert"_s)).absoluteFilePath();
    if (line.has(u"tls-key"_s))
        config->tlsKeyFile = QFileInfo(line.option(u"tls-key"_s)).absoluteFilePath();
    if (!config->checkTls(error))
        return std::nullopt;
    return config;
}

} // namespace Commands

namespace {

std::optional<DatabaseLocation> openableLocation(const CommandLine &line, QString *error)
{
    const auto config = Commands::loadConfig(line, error);
    return config ? Gateway::databaseLocation(*config, error) : std::nullopt;
}

} // namespace

namespace Commands {

int serve(const CommandLine &line)
{
    QString error;
    auto config = loadConfig(line, &error);
    if (!config)
        return failWith(error, 2);
    SystemClock clock;
    GatewayHost host(std::move(*config), clock);
    int exitCode = 0;
    QObject::connect(&host, &GatewayHost::stateChanged, &host, [&host, &exitCode](GatewayHost::State state) {
        switch (state) {
        case GatewayHost::State::Running: {
            QTextStream(stdout) << "Listening on " << host.url() << Qt::endl;
            QStringList providers;
            for (const ProviderState &provider : host.gateway()->providers().snapshot()->providers) {
                if (provider.config)
                    providers.append(provider.spec.id);
            }
            QTextStream(stderr) << "llm-gateway: OpenAI-compatible endpoint " << host.url()
                                << "/v1; providers: "
                                << (providers.isEmpty() ? u"none configured"_s : providers.join(u", "_s))
                                << Qt::endl;
            break;
        }
        case GatewayHost::State::Failed:
            exitCode = failWith(host.failureReason());
            QCoreApplication::exit(exitCode);
            break;
        case GatewayHost::State::Stopped:
            QCoreApplication::exit(exitCode);
            break;
        case GatewayHost::State::Starting:
        case GatewayHost::State::Stopping:
            break;
        }
    });
    Termination::watch(&host, [&host] { host.stop(); });
    host.start();
    return QCoreApplication::exec();
}

// Who the audit log names for changes made from the command line.
Actor cliActor()
{
    return Actor { 0, u"cli"_s };
}

int keysCreate(const CommandLine &line)
{
    QString error;
    const auto location = openableLocation(line, &error);
    if (!location)
        return failWith(error, 2);
    SystemClock clock;
    ApiKeyStore keys(*location, clock);
    StoreError storeError;
    const auto created
        = keys.create(cliActor(), line.option(u"name"_s), line.option(u"member"_s), KeyLimits(), &storeError);
    if (!created)
        return failWith(storeError.message, storeError.kind == StoreError::Kind::Invalid ? 2 : 1);
    QTextStream out(stdout);
    out << "Created API key " << created->key.id << " \"" << created->key.name
        << "\". It is shown only this once; keep it somewhere safe:\n"
        << created->plaintext << Qt::endl;
    return 0;
}

int membersAdd(const CommandLine &line)
{
    QString error;
    const auto location = openableLocation(line, &error);
    if (!location)
        return failWith(error, 2);
    const auto role = Roles::fromName(line.option(u"role"_s)); // the parser checked it
    SystemClock clock;
    MemberStore members(*location, clock);
    AccessTokenStore tokens(*location, members, clock);
    const Actor actor = cliActor();
    StoreError storeError;
    const auto member
        = members.add(actor, line.option(u"email"_s), line.option(u"name"_s), *role, &storeError);
    if (!member)
        return failWith(storeError.message, storeError.kind == StoreError::Kind::Invalid ? 2 : 1);
    const auto created = tokens.create(actor, member->id, u"members add"_s, &storeError);
    if (!created)
        return failWith(storeError.message);
    QTextStream out(stdout);
    out << "Added " << member->email << " (" << Roles::name(member->role) << ", member " << member->id
        << "). Their personal access token for the management API is shown only this once:\n"
        << created->plaintext << Qt::endl;
    return 0;
}

int exportRecords(const CommandLine &line)
{
    QString error;
    const auto location = openableLocation(line, &error);
    if (!location)
        return failWith(error, 2);
    QSqlDatabase db = Database::open(*location, u"export"_s, &error);
    if (!db.isValid() || !error.isEmpty())
        return failWith(error);
    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly))
        return failWith(u"cannot write to standard output"_s);
    const auto format = line.option(u"format"_s) == u"csv" ? RecordExporter::Format::Csv
                                                           : RecordExporter::Format::JsonLines;
    if (!RecordExporter::exportAll(db, format, out, &error))
        return failWith(error);
    return 0;
}

} // namespace Commands
