#pragma once

#include <QColor>
#include <QList>
#include <QObject>
#include <QPalette>

// Light or dark, and the colours charts need, derived from the platform palette: Qt 6.4 has no colour-scheme
// API (QStyleHints::colorScheme arrives in 6.5) and Qt Charts does not follow the palette by itself.
// The static functions are pure (a palette in, colours out) so views can recompute on their own
// PaletteChange; a Theme object watches the application and says when anything derived from its palette may
// have changed.
class Theme final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Theme)
public:
    // Watches qApp (event filter) for palette and platform theme changes.
    explicit Theme(QObject *parent = nullptr);
    ~Theme() override;

    struct ChartColors
    {
        QColor background; // around the plot: the window's own colour, so a chart sits on the page
        QColor plotArea; // behind the series: the colour of text fields and tables
        QColor grid;
        QColor axisLine;
        QColor axisLabel;
        QColor legendText;
        QColor title;
        QColor crosshair;
        QColor selection; // the band drawn while dragging across a range (translucent)
        QColor tipBackground;
        QColor tipText;
        QColor tipBorder;
        QColor emptyText; // "No requests in this range"
    };

    struct Semantic
    {
        QColor good; // a change for the better (fewer errors, lower latency)
        QColor bad; // a change for the worse
        QColor error; // error text and banners
        QColor errorBackground;
        QColor warning;
    };

    // Dark when the window background is darker than its text.
    static bool isDark(const QPalette &palette);
    static ChartColors chartColors(const QPalette &palette);
    static Semantic semantic(const QPalette &palette);
    // Categorical colours for series, in order; each at least 3:1 against the plot area of its scheme
    // (WCAG's contrast for graphics) and told apart from its neighbours by hue and lightness.
    static QList<QColor> seriesPalette(const QPalette &palette);
    static QColor seriesColor(const QPalette &palette, int index);
    // WCAG 2 contrast ratio of two opaque colours, 1 to 21.
    static double contrast(const QColor &a, const QColor &b);
    // `over` painted at `alpha` (0..1) on `under`, as an opaque colour.
    static QColor blend(const QColor &over, const QColor &under, double alpha);

    // The application palette's values, for convenience.
    bool isDark() const;
    ChartColors chartColors() const;
    Semantic semantic() const;
    QList<QColor> seriesPalette() const;

signals:
    // The application palette or platform theme changed (light/dark switch, accent colour): re-read colours.
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void check();

    QPalette m_last;
    bool m_checkQueued = false;
};
