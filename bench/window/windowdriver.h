#pragma once

#include "shell/mainwindow.h"

#include <QEventLoop>
#include <QTimer>

// What the window's benchmark and screenshot tools share to drive the real window from outside.
namespace WindowDriver {

// Runs the event loop until `signal` of `sender` fires; false when `timeoutMs` passed first.
template<class Sender, class Signal> bool waitFor(Sender *sender, Signal signal, int timeoutMs = 120'000)
{
    QEventLoop loop;
    bool fired = false;
    QObject::connect(sender, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return fired;
}

// The window's page of type T, or null.
template<class T> T *pageOf(MainWindow &window)
{
    for (Page *page : window.pages()) {
        if (auto *typed = qobject_cast<T *>(page))
            return typed;
    }
    return nullptr;
}

} // namespace WindowDriver
