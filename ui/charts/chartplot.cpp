#include "chartplot.h"

#include "chartscales.h"
#include "theme/theme.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>

using namespace Qt::StringLiterals;

namespace {

// QCategoryAxis keys its categories by label, so two ticks may not say the same ("06:00" on two days):
// repeated labels get invisible zero-width spaces to stay distinct.
void setTicks(QCategoryAxis *axis, const ChartScales::Scale &scale)
{
    for (const QString &label : axis->categoriesLabels())
        axis->remove(label);
    axis->setStartValue(scale.min);
    QSet<QString> used;
    for (const ChartScales::Tick &tick : scale.ticks) {
        QString label = tick.label;
        while (used.contains(label))
            label += QChar(0x200B);
        used.insert(label);
        axis->append(label, tick.value);
    }
    axis->setRange(scale.min, scale.max);
}

QCategoryAxis *makeAxis()
{
    auto *axis = new QCategoryAxis;
    // Labels on the tick values, not centred between them: they are numbers and times, not categories.
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setTruncateLabels(false);
    return axis;
}

} // namespace

ChartPlot::ChartPlot(QChart *chart)
    : m_chart(chart)
    , m_x(makeAxis())
    , m_y(makeAxis())
    , m_y2(makeAxis())
{
    // The axes live as long as the chart and are only shown or hidden: Qt Charts removes a deleted axis's
    // items later than it draws a new one, so rebuilt axes were painted over the old ones for a moment
    // (and in a PNG taken right after new data).
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QCategoryAxis *axis : { m_x, m_y, m_y2 })
        axis->setVisible(false);
}

ChartPlot::~ChartPlot()
{
    clear();
    // Out of the chart (a hidden axis still takes room at its side), so not the chart's to delete.
    if (!m_y2InChart)
        delete m_y2;
}

void ChartPlot::showSecondary(bool shown)
{
    m_hasSecondary = shown;
    m_y2->setVisible(shown);
    if (shown == m_y2InChart)
        return;
    m_y2InChart = shown;
    if (shown)
        m_chart->addAxis(m_y2, Qt::AlignRight);
    else
        m_chart->removeAxis(m_y2);
}

void ChartPlot::clear()
{
    // Area series first (the chart deletes them), then the line series they were drawn from.
    m_chart->removeAllSeries();
    delete m_lines;
    m_lines = nullptr;
    for (QCategoryAxis *axis : { m_x, m_y, m_y2 })
        axis->setVisible(false);
    m_hasSecondary = false;
    m_drawn.clear();
}

void ChartPlot::rebuild(const ChartData &data, ChartStyle style, const QList<int> &columns, bool utc)
{
    clear();
    m_style = style;
    m_utc = utc;
    QList<int> wanted = columns;
    if (wanted.isEmpty()) {
        for (int i = 0; i < data.columns.size(); ++i)
            wanted.append(i);
    }
    if (data.starts.isEmpty() || wanted.isEmpty())
        return;

    m_lines = new QObject;
    m_x->setVisible(true);
    m_y->setVisible(true);
    const ChartData::Column &first = data.columns[wanted.first()];
    m_unit = first.unit;
    m_unitWord = first.unitWord;
    bool haveSecond = false;
    const bool stacked = style == ChartStyle::StackedAreas || style == ChartStyle::StackedBars;
    const bool bars = style == ChartStyle::Bars || style == ChartStyle::StackedBars;
    for (const int index : wanted) {
        if (index < 0 || index >= data.columns.size())
            continue;
        const ChartData::Column &column = data.columns[index];
        Drawn d;
        d.dataIndex = index;
        if (column.unit != m_unit) {
            if (!haveSecond) {
                haveSecond = true;
                m_unit2 = column.unit;
                m_unitWord2 = column.unitWord;
                showSecondary(true);
            } else if (column.unit != m_unit2) {
                continue; // a third unit: in the hover box and the table, not on a third axis
            }
            d.secondary = true;
        }
        if (d.secondary || style == ChartStyle::Lines) {
            auto *line = new QLineSeries;
            d.upper = line;
            d.series = line;
        } else {
            auto *upper = new QLineSeries(m_lines);
            QLineSeries *lower = nullptr;
            if (stacked) {
                lower = new QLineSeries(m_lines);
                d.lower = lower;
            }
            auto *area = new QAreaSeries(upper, lower);
            // The area is a child of its upper line by construction; the chart must own it instead.
            area->setParent(nullptr);
            d.upper = upper;
            d.series = area;
        }
        d.series->setName(column.name);
        m_chart->addSeries(d.series);
        d.series->attachAxis(m_x);
        d.series->attachAxis(d.secondary ? m_y2 : m_y);
        m_drawn.append(d);
    }
    if (!haveSecond)
        showSecondary(false);
    // Bars in front of each other in column order look like one bar per bucket with the later (smaller)
    // series in front, e.g. errors within requests; nothing else to arrange.
    Q_UNUSED(bars);
    fill(data);
    colourSeries();
    setUtc(utc);
}

void ChartPlot::replaceValues(const ChartData &data)
{
    fill(data);
    rescale();
}

void ChartPlot::fill(const ChartData &data)
{
    const int n = data.bucketCount();
    QList<double> starts, ends;
    for (int i = 0; i < n; ++i) {
        starts.append(double(data.starts[i].toMSecsSinceEpoch()));
        ends.append(double(data.ends[i].toMSecsSinceEpoch()));
    }
    m_minX = n ? starts.first() : 0;
    m_maxX = n ? ends.last() : 1;
    QList<double> base(n, 0.0);
    const bool stacked = m_style == ChartStyle::StackedAreas || m_style == ChartStyle::StackedBars;
    m_maxY = 0;
    m_maxY2 = 0;
    for (const Drawn &d : std::as_const(m_drawn)) {
        const ChartData::Column &column = data.columns[d.dataIndex];
        QList<QPointF> upper, lower;
        const bool line = d.secondary || m_style == ChartStyle::Lines;
        const bool bars = !line && (m_style == ChartStyle::Bars || m_style == ChartStyle::StackedBars);
        for (int i = 0; i < n; ++i) {
            const std::optional<double> v = column.values.value(i);
            const double mid = (starts[i] + ends[i]) / 2;
            if (line) {
                // A bucket without requests has no latency: leave a gap in the points rather than a zero.
                if (v) {
                    upper.append({ mid, *v });
                    (d.secondary ? m_maxY2 : m_maxY) = std::max(d.secondary ? m_maxY2 : m_maxY, *v);
                }
                continue;
            }
            const double from = stacked ? base[i] : 0.0;
            const double to = from + v.value_or(0.0);
            if (stacked)
                base[i] = to;
            m_maxY = std::max(m_maxY, to);
            if (bars) {
                // A gap of a sixth of the bucket between bars, so neighbours read as separate buckets.
                const double gap = (ends[i] - starts[i]) / 12;
                const double l = starts[i] + gap, r = ends[i] - gap;
                upper << QPointF(l, from) << QPointF(l, to) << QPointF(r, to) << QPointF(r, from);
                lower << QPointF(l, from) << QPointF(l, from) << QPointF(r, from) << QPointF(r, from);
            } else {
                // Areas run from the first bucket's start to the last one's end, so one bucket is a block.
                if (i == 0) {
                    upper << QPointF(starts[i], to);
                    lower << QPointF(starts[i], from);
                }
                upper << QPointF(mid, to);
                lower << QPointF(mid, from);
                if (i == n - 1) {
                    upper << QPointF(ends[i], to);
                    lower << QPointF(ends[i], from);
                }
            }
        }
        d.upper->replace(upper);
        if (d.lower)
            d.lower->replace(lower);
    }
    rescale();
}

QList<QPointF> ChartPlot::drawnPoints(int drawn) const
{
    return m_drawn[drawn].upper->points();
}

void ChartPlot::setUtc(bool utc)
{
    m_utc = utc;
    rescale();
}

void ChartPlot::updateAxes(const QSizeF &viewSize)
{
    m_size = viewSize;
    rescale();
}

void ChartPlot::rescale()
{
    if (m_drawn.isEmpty())
        return;
    // Room left for the value axes' labels and the legend: about 90 px across, 110 px up and down.
    const int xTicks = std::max(2, int((m_size.width() - 90 - (m_hasSecondary ? 70 : 0)) / 90));
    const int yTicks = std::clamp(int((m_size.height() - 110) / 36), 3, 8);
    ChartScales::Scale time = ChartScales::timeScale(qint64(m_minX), qint64(m_maxX), xTicks, m_utc);
    // A label on the very end of the axis would hang past the plot: ticks in the last 3 % go unlabelled.
    const double cut = m_maxX - (m_maxX - m_minX) * 0.03;
    time.ticks.removeIf([cut](const ChartScales::Tick &tick) { return tick.value > cut; });
    setTicks(m_x, time);
    m_x->setRange(m_minX, m_maxX);
    // A little headroom, so the highest point does not touch the top of the plot.
    setTicks(m_y, ChartScales::valueScale(0, m_maxY * 1.04, yTicks, m_unit));
    m_y->setTitleText(ChartScales::axisTitle(m_unit, m_unitWord));
    m_x->setTitleText(m_utc ? u"Time (UTC)"_s : u"Time (local)"_s);
    if (m_hasSecondary) {
        setTicks(m_y2, ChartScales::valueScale(0, m_maxY2 * 1.04, yTicks, m_unit2));
        m_y2->setTitleText(ChartScales::axisTitle(m_unit2, m_unitWord2));
    }
}

QAbstractSeries *ChartPlot::anchor() const
{
    for (const Drawn &d : m_drawn) {
        if (!d.secondary)
            return d.series;
    }
    return m_drawn.isEmpty() ? nullptr : m_drawn.first().series;
}

bool ChartPlot::isDrawn(int dataIndex) const
{
    return std::any_of(
        m_drawn.cbegin(), m_drawn.cend(), [dataIndex](const Drawn &d) { return d.dataIndex == dataIndex; });
}

QColor ChartPlot::color(int dataIndex) const
{
    return Theme::seriesColor(m_palette, dataIndex);
}

void ChartPlot::applyColors(const QPalette &palette)
{
    m_palette = palette;
    const Theme::ChartColors c = Theme::chartColors(palette);
    m_chart->setBackgroundBrush(c.background);
    m_chart->setBackgroundPen(Qt::NoPen);
    m_chart->setPlotAreaBackgroundBrush(c.plotArea);
    m_chart->setPlotAreaBackgroundPen(QPen(c.axisLine, 1));
    m_chart->setTitleBrush(c.title);
    m_chart->legend()->setLabelColor(c.legendText);
    m_chart->legend()->setBrush(Qt::NoBrush);
    m_chart->legend()->setPen(Qt::NoPen);
    for (QCategoryAxis *axis : { m_x, m_y, m_y2 }) {
        axis->setLabelsBrush(c.axisLabel);
        axis->setTitleBrush(c.axisLabel);
        axis->setLinePen(QPen(c.axisLine, 1));
        axis->setGridLinePen(QPen(c.grid, 1));
        axis->setShadesVisible(false);
        axis->setMinorGridLineVisible(false);
    }
    // One grid: the right-hand axis's lines would not meet the left one's ticks.
    m_y2->setGridLineVisible(false);
    colourSeries();
}

void ChartPlot::colourSeries()
{
    const QColor background = Theme::chartColors(m_palette).plotArea;
    for (const Drawn &d : std::as_const(m_drawn)) {
        const QColor color = Theme::seriesColor(m_palette, d.dataIndex);
        if (auto *area = qobject_cast<QAreaSeries *>(d.series)) {
            const bool bars = m_style == ChartStyle::Bars || m_style == ChartStyle::StackedBars;
            // Stacked areas a little lighter than their edge, so the bands stay apart; bars solid.
            area->setBrush(bars ? color : Theme::blend(color, background, 0.72));
            area->setPen(bars ? QPen(Qt::NoPen) : QPen(color, 1.5));
        } else if (auto *line = qobject_cast<QLineSeries *>(d.series)) {
            QPen pen(color, d.secondary ? 2.0 : 2.0);
            if (d.secondary)
                pen.setStyle(Qt::DashLine); // the right-hand axis: dashed, so which axis is which stays clear
            line->setPen(pen);
            line->setColor(color);
            // Few buckets: dots, so a lone value between gaps is visible.
            line->setPointsVisible(line->count() <= 48);
            line->setMarkerSize(5);
        }
    }
    for (QLegendMarker *marker : m_chart->legend()->markers())
        marker->setLabelBrush(Theme::chartColors(m_palette).legendText);
}
