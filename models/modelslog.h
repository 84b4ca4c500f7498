#pragma once

#include <QLoggingCategory>

// The dashboard models' log category ("gateway.models"), shared by the files of models/.
Q_DECLARE_LOGGING_CATEGORY(lcModels)
