#pragma once

#include <QPalette>

// A dark palette as a desktop's dark theme gives one, for what shows the window in dark where no desktop
// theme does (offscreen tests, the screenshots under Xvfb).
QPalette darkPalette();
