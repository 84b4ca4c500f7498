// The composition root: parses the command line and runs the command it names.
#include "cli/commandline.h"
#include "cli/commands.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // Qt's own event dispatcher is markedly faster than the GLib one on the proxy's hot path, and the
    // headless gateway needs no GLib integration.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"llm-gateway"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(APP_VERSION));

    QString error;
    const auto line = CommandLine::parse(QCoreApplication::arguments(), &error);
    if (!line) {
        QTextStream(stderr) << "llm-gateway: " << error << Qt::endl;
        return 2;
    }
    switch (line->command) {
    case CommandLine::Command::Help:
        QTextStream(stdout) << CommandLine::helpText();
        return 0;
    case CommandLine::Command::Version:
        QTextStream(stdout) << "llm-gateway " << APP_VERSION << Qt::endl;
        return 0;
    case CommandLine::Command::Window:
        // The dashboard is not part of this build yet: say so, and serve.
        QTextStream(stderr) << "llm-gateway: the dashboard window is not available in this version; "
                               "running 'serve' (the gateway without a window)."
                            << Qt::endl;
        return Commands::serve(*line);
    case CommandLine::Command::Serve:
        return Commands::serve(*line);
    case CommandLine::Command::KeysCreate:
        return Commands::keysCreate(*line);
    case CommandLine::Command::MembersAdd:
        return Commands::membersAdd(*line);
    case CommandLine::Command::Export:
        return Commands::exportRecords(*line);
    }
    return 2;
}
