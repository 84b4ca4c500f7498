#pragma once

#include <QProgressBar>
#include <QSet>
#include <QTimer>

// The status bar's busy bar: shown only once some page has been busy for a moment, so that quick answers
// (the usual case on a local gateway) do not make the window flicker.
class BusyIndicator final : public QProgressBar
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BusyIndicator)
public:
    explicit BusyIndicator(QWidget *parent = nullptr);

    // `source` (a page) started or stopped waiting for an answer.
    void setBusy(const QObject *source, bool busy);
    bool isBusy() const { return !m_busy.isEmpty(); }

    static constexpr int kDelayMs = 200;

private:
    QSet<const QObject *> m_busy;
    QTimer m_delay;
};
