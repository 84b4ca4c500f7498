#pragma once

#include <QLoggingCategory>

// The storage subsystem's log category ("gateway.store"), shared by the files of app/store.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
