#include "charttip.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>

namespace {
constexpr qreal kPadding = 8;
}

ChartTip::ChartTip(QGraphicsItem *parent)
    : QGraphicsItem(parent)
{
    m_document.setDocumentMargin(0);
}

void ChartTip::setHtml(const QString &html)
{
    prepareGeometryChange();
    m_document.setHtml(html);
    m_document.adjustSize();
    update();
}

void ChartTip::setColors(const QColor &background, const QColor &text, const QColor &border)
{
    m_background = background;
    m_text = text;
    m_border = border;
    update();
}

void ChartTip::setFont(const QFont &font)
{
    prepareGeometryChange();
    m_document.setDefaultFont(font);
    m_document.adjustSize();
}

QSizeF ChartTip::size() const
{
    return m_document.size() + QSizeF(2 * kPadding, 2 * kPadding);
}

QRectF ChartTip::boundingRect() const
{
    return QRectF(QPointF(0, 0), size());
}

void ChartTip::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(m_border, 1));
    painter->setBrush(m_background);
    painter->drawRoundedRect(boundingRect().adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    painter->translate(kPadding, kPadding);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette.setColor(QPalette::Text, m_text);
    m_document.documentLayout()->draw(painter, context);
    painter->restore();
}
