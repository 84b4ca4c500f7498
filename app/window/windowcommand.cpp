#include "windowcommand.h"

#include "cli/commands.h"
#include "cli/termination.h"
#include "clock.h"
#include "dashboardwindow.h"
#include "mainwindow.h"

#include <QApplication>
#include <QMessageBox>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace WindowCommand {

int run(const CommandLine &line)
{
    QString error;
    auto config = Commands::loadConfig(line, &error);
    if (!config) {
        QTextStream(stderr) << "llm-gateway: " << error << Qt::endl;
        QMessageBox::critical(
            nullptr, u"LLM Gateway"_s, u"The gateway's settings are not usable: %1"_s.arg(error));
        return 2;
    }
    SystemClock clock;
    DashboardWindow dashboard(std::move(*config), clock);
    Termination::watch(&dashboard.window(), [&dashboard] { dashboard.window().quit(); });
    dashboard.open();
    return QApplication::exec();
}

} // namespace WindowCommand
