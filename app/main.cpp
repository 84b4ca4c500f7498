// The composition root: parses the command line and runs the command it names.
#include "cli/commandline.h"
#include "cli/commands.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#ifdef GATEWAY_WITH_WINDOW
#include "window/windowcommand.h"

#include <QApplication>
#endif

using namespace Qt::StringLiterals;

namespace {

#ifdef GATEWAY_WITH_WINDOW
// Where a window can be shown: an X11 or Wayland display, or a platform named explicitly (offscreen, in
// tests).
bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}
#endif

// The event dispatcher, decided per mode before the application object exists (Qt reads these variables when
// it makes each thread's dispatcher):
// - headless: Qt's own dispatcher on every thread (QT_NO_GLIB). It is markedly faster than GLib's on the
//   proxy's hot path, and nothing there needs GLib (the keychain thread pumps its own GLib context).
// - window: GLib's dispatcher on the GUI thread only, because GTK's file dialogs (the platform theme on
// GNOME)
//   and other desktop integration expect a GLib main loop there; QT_NO_THREADED_GLIB keeps Qt's own
//   dispatcher on every other thread, so the gateway hosted beside the window runs as fast as `serve`.
void chooseEventDispatcher(bool window)
{
    const char *variable = window ? "QT_NO_THREADED_GLIB" : "QT_NO_GLIB";
    if (!qEnvironmentVariableIsSet(variable))
        qputenv(variable, "1");
}

QStringList argumentsOf(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

} // namespace

int main(int argc, char *argv[])
{
    // Warnings and notices, not the subsystems' debug lines, unless the user asks for them.
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(u"gateway.*.debug=false"_s);
    QString error;
    const auto line = CommandLine::parse(argumentsOf(argc, argv), &error);
    if (!line) {
        QTextStream(stderr) << "llm-gateway: " << error << Qt::endl;
        return 2;
    }
#ifdef GATEWAY_WITH_WINDOW
    if (line->command == CommandLine::Command::Window && displayAvailable()) {
        chooseEventDispatcher(true);
        QApplication app(argc, argv);
        QApplication::setApplicationName(u"llm-gateway"_s);
        QApplication::setApplicationDisplayName(u"LLM Gateway"_s);
        QApplication::setApplicationVersion(QStringLiteral(APP_VERSION));
        QApplication::setDesktopFileName(u"llm-gateway"_s);
        return WindowCommand::run(*line);
    }
#endif
    chooseEventDispatcher(false);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"llm-gateway"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(APP_VERSION));

    switch (line->command) {
    case CommandLine::Command::Help:
        QTextStream(stdout) << CommandLine::helpText();
        return 0;
    case CommandLine::Command::Version:
        QTextStream(stdout) << "llm-gateway " << APP_VERSION << Qt::endl;
        return 0;
    case CommandLine::Command::Window:
#ifdef GATEWAY_WITH_WINDOW
        QTextStream(stderr) << "llm-gateway: no display to open the window on (neither DISPLAY nor "
                               "WAYLAND_DISPLAY is set); running 'serve' (the gateway without a window)."
                            << Qt::endl;
#else
        QTextStream(stderr) << "llm-gateway: this build has no window (built with GATEWAY_BUILD_WINDOW=OFF); "
                               "running 'serve' (the gateway without a window)."
                            << Qt::endl;
#endif
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
