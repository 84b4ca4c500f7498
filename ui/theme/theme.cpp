#include "theme.h"

#include <QApplication>
#include <QEvent>
#include <QLoggingCategory>
#include <QTimer>
#include <algorithm>
#include <array>
#include <cmath>

namespace {

Q_LOGGING_CATEGORY(lcTheme, "gateway.ui")

// Two tuned sets rather than one compromise: saturated, darker hues carry on white and pale greys; on dark
// grey the same hues go muddy, so the dark set is lighter and a little desaturated. Order matters: the first
// few are the most distinct, since most charts show only a handful of models or providers.
constexpr std::array<QRgb, 10> lightSeries {
    0xff1f63c6, // blue
    0xffd24d0f, // orange
    0xff2b8a3e, // green
    0xff8f3fd0, // violet
    0xffc2255c, // crimson
    0xff0b7285, // teal
    0xff8a5a00, // brown
    0xff5a6472, // slate
    0xff4c6b00, // olive
    0xffb02a2a, // red
};
constexpr std::array<QRgb, 10> darkSeries {
    0xff6ea8ff, // blue
    0xffffa94d, // orange
    0xff69db7c, // green
    0xffc29ffa, // violet
    0xfff783ac, // pink
    0xff3bc9db, // cyan
    0xffe3b341, // gold
    0xffbac4cf, // grey
    0xffa9e34b, // lime
    0xffff8787, // red
};

double channel(double c)
{
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &color)
{
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF());
}

} // namespace

Theme::Theme(QObject *parent)
    : QObject(parent)
    , m_last(QGuiApplication::palette())
{
    if (qApp)
        qApp->installEventFilter(this);
}

Theme::~Theme()
{
    if (qApp)
        qApp->removeEventFilter(this);
}

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < palette.color(QPalette::WindowText).lightnessF();
}

QColor Theme::blend(const QColor &over, const QColor &under, double alpha)
{
    const auto mix = [alpha](double a, double b) { return a * alpha + b * (1.0 - alpha); };
    return QColor::fromRgbF(float(mix(over.redF(), under.redF())), float(mix(over.greenF(), under.greenF())),
        float(mix(over.blueF(), under.blueF())));
}

double Theme::contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

Theme::ChartColors Theme::chartColors(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::WindowText);
    const bool dark = isDark(palette);
    ChartColors c;
    c.background = window;
    c.plotArea = base;
    // Grid lines are context, not content: faint, but still visible on both schemes.
    c.grid = blend(text, base, dark ? 0.16 : 0.12);
    c.axisLine = blend(text, base, 0.35);
    // Axis labels a step quieter than the data yet well above 4.5:1 (they are text).
    c.axisLabel = blend(text, window, 0.80);
    c.legendText = text;
    c.title = text;
    c.crosshair = blend(text, base, 0.55);
    c.selection = palette.color(QPalette::Highlight);
    c.selection.setAlphaF(0.22f);
    // The hover box: the colour of a text field, so it reads like the table below the chart.
    c.tipBackground = base;
    c.tipText = palette.color(QPalette::Text);
    c.tipBorder = blend(text, base, 0.30);
    c.emptyText = blend(text, window, 0.70);
    return c;
}

Theme::Semantic Theme::semantic(const QPalette &palette)
{
    const bool dark = isDark(palette);
    Semantic s;
    s.good = dark ? QColor(0xff69db7c) : QColor(0xff2b7a3b);
    s.bad = dark ? QColor(0xffff8787) : QColor(0xffc0282d);
    s.error = s.bad;
    s.errorBackground = blend(s.bad, palette.color(QPalette::Window), dark ? 0.22 : 0.12);
    s.warning = dark ? QColor(0xffffc857) : QColor(0xff8a5a00);
    return s;
}

QList<QColor> Theme::seriesPalette(const QPalette &palette)
{
    const auto &set = isDark(palette) ? darkSeries : lightSeries;
    QList<QColor> colors;
    colors.reserve(qsizetype(set.size()));
    for (const QRgb rgb : set)
        colors.append(QColor::fromRgb(rgb));
    return colors;
}

QColor Theme::seriesColor(const QPalette &palette, int index)
{
    const auto &set = isDark(palette) ? darkSeries : lightSeries;
    const int n = int(set.size());
    return QColor::fromRgb(set[std::size_t(((index % n) + n) % n)]);
}

bool Theme::isDark() const
{
    return isDark(QGuiApplication::palette());
}

Theme::ChartColors Theme::chartColors() const
{
    return chartColors(QGuiApplication::palette());
}

Theme::Semantic Theme::semantic() const
{
    return semantic(QGuiApplication::palette());
}

QList<QColor> Theme::seriesPalette() const
{
    return seriesPalette(QGuiApplication::palette());
}

bool Theme::eventFilter(QObject *watched, QEvent *event)
{
    // A filter on qApp sees every object's events: only the application's own palette change and the
    // platform's theme change matter, and one check per event-loop turn is enough (a theme switch sends
    // ThemeChange to every window).
    const QEvent::Type type = event->type();
    const bool relevant = type == QEvent::ThemeChange || type == QEvent::ApplicationPaletteChange
        || (type == QEvent::PaletteChange && watched == qApp);
    if (relevant && !m_checkQueued) {
        m_checkQueued = true;
        QTimer::singleShot(0, this, &Theme::check);
    }
    return QObject::eventFilter(watched, event);
}

void Theme::check()
{
    m_checkQueued = false;
    const QPalette now = QGuiApplication::palette();
    if (now == m_last)
        return;
    const bool wasDark = isDark(m_last);
    m_last = now;
    qCDebug(lcTheme) << "palette changed; dark:" << isDark(now) << "was:" << wasDark;
    emit changed();
}
