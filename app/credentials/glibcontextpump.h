#pragma once

#include <QObject>
#include <QTimer>

// Runs the GLib main context of the keychain thread while keychain jobs are outstanding. QtKeychain's
// Secret Service backend (libsecret) finishes its jobs in callbacks on the calling thread's GLib main
// context, and the gateway runs Qt's own event dispatcher (QT_NO_GLIB, see main.cpp), which never iterates
// one: without this pump every keychain job would wait forever. Create it on the keychain thread.
class GLibContextPump final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GLibContextPump)
public:
    explicit GLibContextPump(QObject *parent = nullptr);
    ~GLibContextPump() override;

    void jobStarted();
    void jobFinished();

private:
    void iterate();

    QTimer m_timer;
    int m_outstanding = 0;
    void *m_context
        = nullptr; // GMainContext*, null when Qt's GLib dispatcher iterates it or there is no GLib
};
