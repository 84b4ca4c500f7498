#pragma once

#include "chartdata.h"

#include <QColor>
#include <QList>
#include <QPalette>
#include <QPointF>
#include <QSizeF>

QT_BEGIN_NAMESPACE
class QAbstractSeries;
class QAreaSeries;
class QCategoryAxis;
class QChart;
class QLineSeries;
class QObject;
class QXYSeries;
QT_END_NAMESPACE

// How a chart draws its series: bars for counts per bucket (requests, errors), stacked when they add up
// to a whole (split by model); stacked areas for amounts that add up (tokens, cost); lines for values that
// do not (latency percentiles, rates).
enum class ChartStyle { Auto, Bars, StackedBars, Lines, StackedAreas };

// The drawing half of ChartView: series and axes in a QChart from ChartData. Rebuilt when the buckets or
// series change; otherwise only the points are replaced (QXYSeries::replace, one call per series), so a
// live update neither flickers nor recreates anything the view holds on to.
//
// The axes are QCategoryAxis with ticks and labels from ChartScales rather than QDateTimeAxis and QValueAxis:
// QDateTimeAxis divides its range evenly (ticks at 14:37, 19:51 …) and labels in local time only, so it
// can show neither UTC nor "every 6 hours on the hour"; QValueAxis formats with printf and cannot write
// "1.2M", "$0.50" or "1.5 s". Values stay what they were (x in ms since the epoch), so mapToValue works.
//
// Series of the first unit go on the left axis in the chosen style; a second unit (a rate next to a
// count) is drawn as lines on a right-hand axis; a third unit is left to the table and the hover box.
class ChartPlot final
{
    Q_DISABLE_COPY_MOVE(ChartPlot)
public:
    explicit ChartPlot(QChart *chart);
    ~ChartPlot();

    // `columns`: indexes into data.columns to draw; empty draws all.
    void rebuild(const ChartData &data, ChartStyle style, const QList<int> &columns, bool utc);
    void replaceValues(const ChartData &data);
    void clear();
    // Ticks for the plot's size: about one label per 90 px across and 40 px up.
    void updateAxes(const QSizeF &viewSize);
    void setUtc(bool utc);
    void applyColors(const QPalette &palette);

    bool isBuilt() const { return !m_drawn.isEmpty(); }
    // The series whose axes map mouse positions to values (the first left-axis series).
    QAbstractSeries *anchor() const;
    // Drawn series in order, and for each the ChartData column it shows.
    int drawnCount() const { return int(m_drawn.size()); }
    int drawnColumn(int drawn) const { return m_drawn[drawn].dataIndex; }
    QAbstractSeries *drawnSeries(int drawn) const { return m_drawn[drawn].series; }
    // Its points as drawn: bucket middles for lines and areas (stacked: the running total), four corners
    // per bucket for bars.
    QList<QPointF> drawnPoints(int drawn) const;
    // The colour of data column `dataIndex` (also for columns that are not drawn, for the hover box).
    QColor color(int dataIndex) const;
    bool isDrawn(int dataIndex) const;
    ChartStyle style() const { return m_style; }
    QCategoryAxis *timeAxis() const { return m_x; }
    QCategoryAxis *valueAxis() const { return m_y; }
    QCategoryAxis *secondaryAxis() const { return m_hasSecondary ? m_y2 : nullptr; }

private:
    struct Drawn
    {
        int dataIndex = 0;
        bool secondary = false;
        QXYSeries *upper = nullptr;
        QLineSeries *lower = nullptr; // stacked areas and bars only
        QAbstractSeries *series = nullptr;
    };
    void fill(const ChartData &data);
    void rescale();
    void colourSeries();
    void showSecondary(bool shown);

    QChart *m_chart;
    QObject *m_lines = nullptr; // owns the line series behind area series (QAreaSeries does not)
    QCategoryAxis *m_x;
    QCategoryAxis *m_y;
    QCategoryAxis *m_y2;
    bool m_hasSecondary = false;
    bool m_y2InChart = false;
    QList<Drawn> m_drawn;
    ChartStyle m_style = ChartStyle::Lines;
    Formatting::Unit m_unit = Formatting::Unit::Count;
    Formatting::Unit m_unit2 = Formatting::Unit::Percent;
    QString m_unitWord;
    QString m_unitWord2;
    double m_minX = 0;
    double m_maxX = 1;
    double m_maxY = 0;
    double m_maxY2 = 0;
    QSizeF m_size { 600, 300 };
    bool m_utc = false;
    QPalette m_palette;
};
