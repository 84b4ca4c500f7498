#include "chartpanel.h"

#include "charts/chartview.h"
#include "theme/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

ChartPanel::ChartPanel(const QString &title, QWidget *parent)
    : QFrame(parent)
    , m_title(new QLabel(title, this))
    , m_header(new QHBoxLayout)
    , m_chart(new ChartView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 8, 6);
    layout->setSpacing(4);
    QFont heading = m_title->font();
    heading.setWeight(QFont::DemiBold);
    m_title->setFont(heading);
    m_header->addWidget(m_title);
    m_header->addStretch(1);
    layout->addLayout(m_header);
    m_chart->setTitle(title);
    m_chart->setMinimumHeight(240);
    layout->addWidget(m_chart, 1);
}

void ChartPanel::addHeaderWidget(QWidget *widget)
{
    m_header->addWidget(widget);
}

void ChartPanel::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &p = palette();
    QPainterPath path;
    path.addRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    painter.setPen(QPen(Theme::blend(p.color(QPalette::WindowText), p.color(QPalette::Window), 0.18), 1));
    painter.drawPath(path);
}
