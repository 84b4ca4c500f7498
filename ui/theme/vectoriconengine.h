#pragma once

#include <QIconEngine>
#include <QPainterPath>

// A QIconEngine that strokes (and optionally fills) a path drawn on a 24×24 grid, scaled to the requested
// rectangle; colours come from the application palette when painting, per mode (normal, disabled, selected).
class VectorIconEngine final : public QIconEngine
{
public:
    struct Shape
    {
        QPainterPath stroke; // outlines, 2 units wide with round caps
        QPainterPath fill; // solid parts
    };

    VectorIconEngine(QString name, Shape shape);

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override;
    QIconEngine *clone() const override;
    QString key() const override;
    QString iconName() override;
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override;

private:
    QString m_name;
    Shape m_shape;
};
