#pragma once

#include "recordexporter.h"
#include "recordstore.h"

// Which records a page of the logs reads, as a selection of the requests table that the log page indexes
// (migrations.cpp) serve in id order (newest first, or oldest first when following with afterId): a filter by
// model matches the requested or the used model, and an OR over two columns is served by no index, so it is
// answered as the page of each column from its own index, merged by id.
namespace LogSelection {
// The records of `query` up to record `upTo` (0: no bound), in the dialect of `kind`.
RecordExporter::Selection of(const LogQuery &query, qint64 upTo, DatabaseLocation::Kind kind);
} // namespace LogSelection
