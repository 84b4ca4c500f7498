#pragma once

#include "cli/commandline.h"

// `llm-gateway` with no command: the dashboard window with the gateway hosted beside it. Needs a
// QApplication.
namespace WindowCommand {
int run(const CommandLine &line);
}
