#pragma once

#include "commandline.h"

// The commands of `llm-gateway`; each returns the process exit code (0 ok, 1 failure, 2 bad arguments).
namespace Commands {
int serve(const CommandLine &line);
int keysCreate(const CommandLine &line);
int membersAdd(const CommandLine &line);
int exportRecords(const CommandLine &line);
} // namespace Commands
