#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

// What the window may do to the gateway its own process hosts: start, stop, pause accepting requests.
// Implemented in app/ by the composition root around GatewayHost. A window on a remote team gateway has no
// control and gets nullptr instead.
//
// Threading: lives on the GUI thread; the implementation does the work elsewhere and reports back here.
class GatewayControl : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayControl)

public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    explicit GatewayControl(QObject *parent = nullptr)
        : QObject(parent)
    { }
    ~GatewayControl() override = default;

    virtual State state() const = 0;
    // Where the gateway listens, e.g. http://127.0.0.1:4747; valid only while Running.
    virtual QUrl url() const = 0;
    // Why it is Failed, as a sentence the user can act on ("port 4747 is in use by another program: …").
    virtual QString failureReason() const = 0;
    // Whether it takes new requests (false: paused; in-flight requests still finish).
    virtual bool accepting() const = 0;

public slots:
    // Asynchronous: the state moves through Starting/Stopping and stateChanged() reports each step.
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual void setAccepting(bool accepting) = 0;

signals:
    // state(), url(), failureReason() or accepting() changed.
    void stateChanged();
};
