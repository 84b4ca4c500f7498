#include "icons.h"

#include "vectoriconengine.h"

#include <QLoggingCategory>
#include <cmath>

namespace {

Q_LOGGING_CATEGORY(lcIcons, "gateway.ui")

using Shape = VectorIconEngine::Shape;

// All shapes on a 24×24 grid with a 2-unit stroke, kept 3 units from the edge so caps are not clipped.
Shape dashboard()
{
    Shape s;
    s.stroke.addRoundedRect(4, 4, 7, 9, 1.5, 1.5);
    s.stroke.addRoundedRect(13, 4, 7, 5, 1.5, 1.5);
    s.stroke.addRoundedRect(4, 15, 7, 5, 1.5, 1.5);
    s.stroke.addRoundedRect(13, 11, 7, 9, 1.5, 1.5);
    return s;
}

Shape usage()
{
    Shape s;
    // Axis and three bars of rising height.
    s.stroke.moveTo(4, 4);
    s.stroke.lineTo(4, 20);
    s.stroke.lineTo(20, 20);
    s.fill.addRoundedRect(7, 13, 3, 5, 0.8, 0.8);
    s.fill.addRoundedRect(12, 9, 3, 9, 0.8, 0.8);
    s.fill.addRoundedRect(17, 5, 3, 13, 0.8, 0.8);
    return s;
}

Shape refresh()
{
    Shape s;
    // Most of a circle, open at the top right, with an arrow head at the open end.
    const QRectF circle(5, 5, 14, 14);
    s.stroke.arcMoveTo(circle, 45);
    s.stroke.arcTo(circle, 45, 300);
    s.fill.moveTo(20.5, 3.5);
    s.fill.lineTo(20.5, 10);
    s.fill.lineTo(14, 10);
    s.fill.closeSubpath();
    return s;
}

Shape back()
{
    Shape s;
    s.stroke.moveTo(19, 12);
    s.stroke.lineTo(5, 12);
    s.stroke.moveTo(11, 6);
    s.stroke.lineTo(5, 12);
    s.stroke.lineTo(11, 18);
    return s;
}

Shape save()
{
    Shape s;
    // An arrow down into a tray: "save to disk" without the floppy nobody has seen.
    s.stroke.moveTo(12, 4);
    s.stroke.lineTo(12, 15);
    s.stroke.moveTo(7.5, 10.5);
    s.stroke.lineTo(12, 15);
    s.stroke.lineTo(16.5, 10.5);
    s.stroke.moveTo(4, 15);
    s.stroke.lineTo(4, 20);
    s.stroke.lineTo(20, 20);
    s.stroke.lineTo(20, 15);
    return s;
}

Shape copy()
{
    Shape s;
    s.stroke.addRoundedRect(9, 9, 11, 11, 2, 2);
    s.stroke.moveTo(15, 5);
    s.stroke.lineTo(6, 5);
    s.stroke.quadTo(4, 5, 4, 7);
    s.stroke.lineTo(4, 15);
    return s;
}

Shape play()
{
    Shape s;
    s.fill.moveTo(7, 4.5);
    s.fill.lineTo(19.5, 12);
    s.fill.lineTo(7, 19.5);
    s.fill.closeSubpath();
    return s;
}

Shape pause()
{
    Shape s;
    s.fill.addRoundedRect(6, 5, 4, 14, 1, 1);
    s.fill.addRoundedRect(14, 5, 4, 14, 1, 1);
    return s;
}

Shape stop()
{
    Shape s;
    s.fill.addRoundedRect(6, 6, 12, 12, 1.5, 1.5);
    return s;
}

struct Entry
{
    const char *name;
    Shape (*make)();
};

constexpr Entry entries[] = {
    { "dashboard", dashboard },
    { "usage", usage },
    { "refresh", refresh },
    { "back", back },
    { "save", save },
    { "copy", copy },
    { "play", play },
    { "pause", pause },
    { "stop", stop },
};

} // namespace

namespace Icons {

QIcon icon(const QString &name)
{
    for (const Entry &entry : entries) {
        if (name == QLatin1StringView(entry.name))
            return QIcon(new VectorIconEngine(name, entry.make()));
    }
    qCWarning(lcIcons) << "no icon named" << name;
    return {};
}

QStringList names()
{
    QStringList list;
    for (const Entry &entry : entries)
        list.append(QLatin1StringView(entry.name));
    return list;
}

} // namespace Icons
