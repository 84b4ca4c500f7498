#include "commandline.h"

#include "member.h"

using namespace Qt::StringLiterals;

namespace {

struct CommandSpec
{
    QStringList words;
    CommandLine::Command command;
    QStringList options; // accepted options
    QStringList required; // options that must be given
};

const QStringList CommonOptions { u"data-dir"_s, u"database"_s };
// The listener's: where, and HTTPS.
const QStringList ListenerOptions { u"host"_s, u"port"_s, u"config"_s, u"tls-cert"_s, u"tls-key"_s };

const QList<CommandSpec> &commands()
{
    static const QList<CommandSpec> list {
        { {}, CommandLine::Command::Window, CommonOptions + ListenerOptions, {} },
        { { u"serve"_s }, CommandLine::Command::Serve, CommonOptions + ListenerOptions, {} },
        { { u"keys"_s, u"create"_s }, CommandLine::Command::KeysCreate,
            CommonOptions + QStringList { u"name"_s, u"member"_s }, { u"name"_s } },
        { { u"members"_s, u"add"_s }, CommandLine::Command::MembersAdd,
            CommonOptions + QStringList { u"email"_s, u"name"_s, u"role"_s },
            { u"email"_s, u"name"_s, u"role"_s } },
        { { u"export"_s }, CommandLine::Command::Export, CommonOptions + QStringList { u"format"_s }, {} },
    };
    return list;
}

} // namespace

std::optional<CommandLine> CommandLine::parse(const QStringList &arguments, QString *error)
{
    QStringList words;
    QList<std::pair<QString, QString>> given;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == u"--help" || argument == u"-h")
            return CommandLine { Command::Help, {} };
        if (argument == u"--version" || argument == u"-v")
            return CommandLine { Command::Version, {} };
        if (!argument.startsWith(u"--")) {
            if (!given.isEmpty()) {
                *error = u"unexpected argument '%1'"_s.arg(argument);
                return std::nullopt;
            }
            words.append(argument);
            continue;
        }
        QString name = argument.mid(2);
        QString value;
        const qsizetype equals = name.indexOf(u'=');
        if (equals >= 0) {
            value = name.mid(equals + 1);
            name.truncate(equals);
        } else if (i + 1 < arguments.size() && !arguments.at(i + 1).startsWith(u"--")) {
            value = arguments.at(++i);
        } else {
            *error = u"option --%1 needs a value"_s.arg(name);
            return std::nullopt;
        }
        given.append({ name, value });
    }

    const CommandSpec *spec = nullptr;
    for (const CommandSpec &candidate : commands()) {
        if (candidate.words == words)
            spec = &candidate;
    }
    if (!spec) {
        *error = u"unknown command '%1' (try --help)"_s.arg(words.join(u' '));
        return std::nullopt;
    }
    CommandLine line { spec->command, {} };
    for (const auto &[name, value] : given) {
        if (!spec->options.contains(name)) {
            *error = u"unknown option --%1 for '%2' (try --help)"_s.arg(
                name, words.isEmpty() ? u"llm-gateway"_s : words.join(u' '));
            return std::nullopt;
        }
        line.options.insert(name, value);
    }
    for (const QString &name : spec->required) {
        if (line.option(name).isEmpty()) {
            *error = u"'%1' needs --%2"_s.arg(words.join(u' '), name);
            return std::nullopt;
        }
    }
    if (line.has(u"port"_s)) {
        bool ok = false;
        const uint port = line.option(u"port"_s).toUInt(&ok);
        if (!ok || port > 65535) {
            *error = u"--port must be a number from 0 to 65535, not '%1'"_s.arg(line.option(u"port"_s));
            return std::nullopt;
        }
    }
    if (line.has(u"role"_s) && !Roles::fromName(line.option(u"role"_s))) {
        *error = u"--role must be %1, not '%2'"_s.arg(Roles::allNames(), line.option(u"role"_s));
        return std::nullopt;
    }
    if (line.has(u"format"_s) && line.option(u"format"_s) != u"jsonl" && line.option(u"format"_s) != u"csv") {
        *error = u"--format must be jsonl or csv, not '%1'"_s.arg(line.option(u"format"_s));
        return std::nullopt;
    }
    return line;
}

QString CommandLine::helpText()
{
    return uR"(Usage: llm-gateway [COMMAND] [OPTIONS]

A local OpenAI- and Anthropic-compatible LLM gateway that records every request.

Commands:
  (none)                       open the dashboard and start the embedded gateway
  serve                        run the gateway alone, without a window
        [--host H] [--port N] [--config FILE]
        [--tls-cert FILE --tls-key FILE]
                               serve HTTPS with this PEM certificate (chain) and key;
                               replaced files are taken without a restart
  keys create --name NAME      create a gateway API key and print it (shown once)
        [--member EMAIL]
  members add --email E --name N --role owner|admin|developer|restricted
                               add a team member and print a personal access token
                               for the management API (/api/v1; shown once)
  export [--format jsonl|csv]  write every stored request record to stdout

Options for every command:
  --data-dir DIR               where the database and config.json live
  --database URL               sqlite:///path or postgres://user:password@host:port/db
                               (or LLMGW_DATABASE in the environment)
  --help, --version

Providers are configured by their SDKs' environment variables, e.g. OPENAI_API_KEY and
OPENAI_BASE_URL, GROQ_API_KEY, OLLAMA_BASE_URL; see the README.
)"_s;
}
