#include "dashboardcard.h"

#include "formatting.h"
#include "theme/theme.h"

#include <QEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>
#include <cmath>

DashboardCard::DashboardCard(QWidget *parent)
    : QFrame(parent)
    , m_title(new QLabel(this))
    , m_value(new QLabel(this))
    , m_change(new QLabel(this))
    , m_detail(new QLabel(this))
{
    setFocusPolicy(Qt::TabFocus);
    setMinimumWidth(150);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setSpacing(2);
    m_title->setObjectName(QStringLiteral("cardTitle"));
    m_value->setObjectName(QStringLiteral("cardValue"));
    m_change->setObjectName(QStringLiteral("cardChange"));
    m_detail->setObjectName(QStringLiteral("cardDetail"));
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.7);
    valueFont.setWeight(QFont::DemiBold);
    m_value->setFont(valueFont);
    QFont smallFont = m_detail->font();
    smallFont.setPointSizeF(smallFont.pointSizeF() * 0.9);
    m_detail->setFont(smallFont);
    m_title->setFont(smallFont);
    // The detail gets a line of its own and may wrap: beside the change it was cut at narrow widths
    // ("0.94% answered from th…").
    m_detail->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addWidget(m_value);
    layout->addWidget(m_change);
    layout->addWidget(m_detail);
    layout->addStretch(1);
    applyColors();
}

QString DashboardCard::changeText(std::optional<double> change)
{
    if (!change)
        return {};
    const double magnitude = std::abs(*change);
    if (magnitude < 0.05)
        return QStringLiteral("= 0%");
    return (*change > 0 ? QStringLiteral("▲ ") : QStringLiteral("▼ ")) + Formatting::percent(magnitude);
}

QString DashboardCard::describe(const Content &content, const QString &previousPeriod)
{
    QString sentence = tr("%1: %2").arg(content.title, content.value);
    if (content.change) {
        const double magnitude = std::abs(*content.change);
        if (magnitude < 0.05)
            sentence += tr(", unchanged on %1").arg(previousPeriod);
        else if (*content.change > 0)
            sentence += tr(", up %1 on %2").arg(Formatting::percent(magnitude), previousPeriod);
        else
            sentence += tr(", down %1 on %2").arg(Formatting::percent(magnitude), previousPeriod);
    }
    if (!content.detail.isEmpty())
        sentence += QStringLiteral("; ") + content.detail;
    return sentence;
}

void DashboardCard::setContent(const Content &content, const QString &previousPeriod)
{
    m_content = content;
    m_title->setText(content.title);
    m_value->setText(content.value);
    m_change->setText(changeText(content.change));
    // An empty change line keeps its height, so the cards of a row stay aligned while the previous period
    // loads.
    if (!content.change)
        m_change->setText(QStringLiteral(" "));
    m_detail->setText(content.detail);
    setToolTip(content.toolTip);
    setAccessibleName(describe(content, previousPeriod));
    applyColors();
}

QString DashboardCard::valueText() const
{
    return m_value->text();
}

QString DashboardCard::changeLabelText() const
{
    return m_change->text();
}

void DashboardCard::applyColors()
{
    // Setting the labels' palettes sends PaletteChange to them, not to this card, so there is no loop; the
    // flag guards against styles that propagate it back.
    if (m_applyingColors)
        return;
    m_applyingColors = true;
    const QPalette base = palette();
    const Theme::Semantic semantic = Theme::semantic(base);
    const QColor muted = base.color(QPalette::PlaceholderText);
    QColor changeColor = muted;
    if (m_content.meaning == Meaning::Good)
        changeColor = semantic.good;
    else if (m_content.meaning == Meaning::Bad)
        changeColor = semantic.bad;
    const auto paint = [&base](QLabel *label, const QColor &color) {
        QPalette p = base;
        p.setColor(QPalette::WindowText, color);
        label->setPalette(p);
    };
    paint(m_title, muted);
    paint(m_value, base.color(QPalette::WindowText));
    paint(m_change, changeColor);
    paint(m_detail, muted);
    m_applyingColors = false;
}

void DashboardCard::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyColors();
}

void DashboardCard::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &p = palette();
    const QColor fill = p.color(QPalette::Base);
    const QColor border = hasFocus()
        ? p.color(QPalette::Highlight)
        : Theme::blend(p.color(QPalette::WindowText), p.color(QPalette::Window), 0.18);
    QPainterPath path;
    path.addRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    painter.fillPath(path, fill);
    painter.setPen(QPen(border, hasFocus() ? 2 : 1));
    painter.drawPath(path);
}

void DashboardCard::focusInEvent(QFocusEvent *event)
{
    QFrame::focusInEvent(event);
    update();
}

void DashboardCard::focusOutEvent(QFocusEvent *event)
{
    QFrame::focusOutEvent(event);
    update();
}
