#pragma once

#include "commandline.h"
#include "gatewayconfig.h"

#include <optional>

// The commands of `llm-gateway`; each returns the process exit code (0 ok, 1 failure, 2 bad arguments).
namespace Commands {
// The gateway's settings: the data dir's config.json (or --config), the environment, then the command line's
// --database, --host and --port. nullopt and *error (one line) when they are not usable.
std::optional<GatewayConfig> loadConfig(const CommandLine &line, QString *error);
int serve(const CommandLine &line);
int keysCreate(const CommandLine &line);
int membersAdd(const CommandLine &line);
int exportRecords(const CommandLine &line);
} // namespace Commands
