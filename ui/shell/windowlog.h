#pragma once

#include <QLoggingCategory>

// The window's own logging category ("gateway.ui"), shared by the shell and the dashboard page.
Q_DECLARE_LOGGING_CATEGORY(lcWindow)
