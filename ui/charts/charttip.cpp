#include "charttip.h"

#include "chartdata.h"
#include "chartscales.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <algorithm>

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

void ChartTip::showBucket(const ChartData &data, int bucket, bool stacked, bool utc,
    const std::function<std::optional<QColor>(int column)> &swatchOf)
{
    using namespace Qt::StringLiterals;
    QString html
        = u"<div style='font-weight:600; margin-bottom:4px'>%1</div><table cellspacing='0' cellpadding='1'>"_s
              .arg(ChartScales::rangeText(data.starts[bucket], data.ends[bucket], utc).toHtmlEscaped());
    double total = 0;
    bool haveTotal = false;
    const Formatting::Unit firstUnit
        = data.columns.isEmpty() ? Formatting::Unit::Count : data.columns.first().unit;
    // Stacked series list top first, as they are drawn.
    QList<int> order;
    for (int i = 0; i < data.columns.size(); ++i)
        order.append(i);
    if (stacked)
        std::reverse(order.begin(), order.end());
    for (const int i : std::as_const(order)) {
        const ChartData::Column &c = data.columns[i];
        const std::optional<double> v = c.values.value(bucket);
        if (stacked && c.unit == firstUnit && v) {
            total += *v;
            haveTotal = true;
        }
        // A swatch only for what is drawn: a value listed without one is in the box and the table alone.
        const std::optional<QColor> color = swatchOf(i);
        const QString swatch = color ? u"<span style='color:%1'>&#9632;</span>&nbsp;"_s.arg(color->name())
                                     : u"&nbsp;&nbsp;&nbsp;"_s;
        html += u"<tr><td>%1%2</td><td align='right'>&nbsp;&nbsp;&nbsp;%3</td></tr>"_s.arg(
            swatch, c.name.toHtmlEscaped(), Formatting::format(v, c.unit).toHtmlEscaped());
    }
    if (stacked && haveTotal && data.columns.size() > 1)
        html += u"<tr><td style='font-weight:600'>Total</td>"
                "<td align='right' style='font-weight:600'>&nbsp;&nbsp;&nbsp;%1</td></tr>"_s.arg(
                    Formatting::format(total, firstUnit).toHtmlEscaped());
    html += u"</table>"_s;
    setHtml(html);
}
