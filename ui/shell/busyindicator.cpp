#include "busyindicator.h"

BusyIndicator::BusyIndicator(QWidget *parent)
    : QProgressBar(parent)
{
    setObjectName(QStringLiteral("busyIndicator"));
    setAccessibleName(tr("Loading"));
    setRange(0, 0); // busy mode: no percentage is known
    setTextVisible(false);
    setMaximumWidth(120);
    setMaximumHeight(14);
    setVisible(false);
    m_delay.setSingleShot(true);
    m_delay.setInterval(kDelayMs);
    connect(&m_delay, &QTimer::timeout, this, [this] { setVisible(isBusy()); });
}

void BusyIndicator::setBusy(const QObject *source, bool busy)
{
    if (busy) {
        m_busy.insert(source);
        if (!isVisible() && !m_delay.isActive())
            m_delay.start();
        return;
    }
    m_busy.remove(source);
    if (m_busy.isEmpty()) {
        m_delay.stop();
        setVisible(false);
    }
}
