#pragma once

#include <QGraphicsItem>
#include <QTextDocument>
#include <functional>
#include <optional>

struct ChartData;

// The box next to the crosshair: the bucket's time range and every series' value, as a small rich-text
// table with colour swatches. A plain QGraphicsItem (not a QToolTip) so it follows the crosshair without
// flicker and is painted into PNG exports like the rest of the chart.
class ChartTip final : public QGraphicsItem
{
public:
    explicit ChartTip(QGraphicsItem *parent = nullptr);

    void setHtml(const QString &html);
    // Says what bucket `bucket` of `data` holds: its time range, then every series with its value and unit,
    // top first when `stacked` (as drawn) with their total; a swatch for the series `swatchOf` gives a colour
    // (those drawn), none for the others.
    void showBucket(const ChartData &data, int bucket, bool stacked, bool utc,
        const std::function<std::optional<QColor>(int column)> &swatchOf);
    void setColors(const QColor &background, const QColor &text, const QColor &border);
    void setFont(const QFont &font);
    QSizeF size() const;

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QTextDocument m_document;
    QColor m_background;
    QColor m_text;
    QColor m_border;
};
