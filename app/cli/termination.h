#pragma once

#include <QObject>
#include <functional>

// SIGTERM and SIGINT as a call on the event loop, for `serve` and the window.
namespace Termination {
// Runs `handler` on `context`'s thread the first time either signal arrives.
void watch(QObject *context, std::function<void()> handler);
} // namespace Termination
