#include "vectoriconengine.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPalette>

VectorIconEngine::VectorIconEngine(QString name, Shape shape)
    : m_name(std::move(name))
    , m_shape(std::move(shape))
{ }

void VectorIconEngine::paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State)
{
    const QPalette palette = QGuiApplication::palette();
    QColor color = palette.color(mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active,
        mode == QIcon::Selected ? QPalette::HighlightedText : QPalette::WindowText);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    // Square, centred: the grid is 24×24 and icons keep their proportions in any rectangle.
    const qreal side = qMin(rect.width(), rect.height());
    painter->translate(rect.x() + (rect.width() - side) / 2.0, rect.y() + (rect.height() - side) / 2.0);
    painter->scale(side / 24.0, side / 24.0);
    QPen pen(color, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_shape.stroke);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPath(m_shape.fill);
    painter->restore();
}

QPixmap VectorIconEngine::pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state)
{
    return scaledPixmap(size, mode, state, 1.0);
}

QPixmap VectorIconEngine::scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale)
{
    // QIcon passes `size` in device pixels already. Drawn at that size, not scaled up from a logical-size
    // pixmap: that is what keeps it sharp at 150 %.
    QPixmap pixmap(size);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        paint(&painter, QRect(QPoint(0, 0), size), mode, state);
    }
    pixmap.setDevicePixelRatio(scale);
    return pixmap;
}

QIconEngine *VectorIconEngine::clone() const
{
    return new VectorIconEngine(m_name, m_shape);
}

QString VectorIconEngine::key() const
{
    return QStringLiteral("gateway-vector");
}

QString VectorIconEngine::iconName()
{
    return m_name;
}

QList<QSize> VectorIconEngine::availableSizes(QIcon::Mode, QIcon::State)
{
    // Any size works; these are what toolbars and the sidebar ask for.
    return { QSize(16, 16), QSize(22, 22), QSize(24, 24), QSize(32, 32), QSize(48, 48), QSize(64, 64) };
}
