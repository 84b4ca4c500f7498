#pragma once

#include "chartdata.h"
#include "chartplot.h"

#include <QAbstractItemModel>
#include <QChartView>
#include <QDateTime>
#include <QPointer>
#include <memory>

class ChartTip;

class QGraphicsLineItem;
class QGraphicsRectItem;
class QLabel;

// The one chart of the window: a usage series model (UsageSeriesModel or any table shaped like it, see
// ChartData) over time, with a crosshair that lists every series' value at the bucket under the mouse (or
// under the arrow keys), a drag across the plot that selects a time range, PNG and CSV export, and an empty
// state instead of empty axes. Colours follow the palette. This is the seam to Qt Charts (deprecated from
// Qt 6.10): pages talk to ChartView and models, never to QChart.
class ChartView final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartView)
public:
    using Style = ChartStyle;

    explicit ChartView(QWidget *parent = nullptr);
    ~ChartView() override;

    // Not owned. A reset (or rows/columns added or removed) rebuilds the series; dataChanged only
    // replaces their points, keeping the hover and everything else.
    void setModel(QAbstractItemModel *model);
    QAbstractItemModel *model() const { return m_model; }
    // Auto takes the style from a UsageSeriesModel's metric; other models draw lines.
    void setChartStyle(Style style);
    Style chartStyle() const { return m_style; }
    Style effectiveStyle() const;
    // Which model columns to draw (1 …); empty: all.
    void setColumns(const QList<int> &modelColumns);

    // "Tokens over time": the accessible name becomes "Tokens over time chart", and the file name offered
    // when saving is made from it.
    void setTitle(const QString &title);
    QString title() const { return m_title; }
    // Times on the axis and in the hover box in UTC instead of local time.
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }
    void setEmptyText(const QString &text);

    const ChartData &chartData() const { return m_data; }
    bool isEmptyStateShown() const;
    // The drawn series and their points (ChartPlot::drawnPoints): for tests and the accessible summary.
    int drawnSeriesCount() const { return m_plot.drawnCount(); }
    QAbstractSeries *drawnSeries(int index) const { return m_plot.drawnSeries(index); }
    QList<QPointF> drawnPoints(int index) const { return m_plot.drawnPoints(index); }
    ChartPlot &plot() { return m_plot; }

    // The bucket the crosshair is on, -1 for none; the hover box's text as plain sentences.
    int hoveredBucket() const { return m_hovered; }
    void setHoveredBucket(int bucket);
    QString hoverText() const;
    // Where bucket `bucket`'s middle is, in viewport coordinates (tests and keyboard use).
    QPoint bucketPosition(int bucket) const;

    bool saveCsv(const QString &path, QString *error = nullptr) const;
    bool savePng(const QString &path, QString *error = nullptr);
    // The same through a file dialog, with errors in a message box.
    void saveCsvAs();
    void savePngAs();

signals:
    // The user dragged across [from, to) (bucket boundaries, UTC): the page narrows itself to that range.
    void rangeSelected(const QDateTime &from, const QDateTime &to);
    void hoveredBucketChanged(int bucket);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void rebuild();
    void valuesChanged();
    void applyColors();
    void updateEmptyState();
    void updateHover();
    void updateAccessibleText();
    void cancelDrag();
    QPointF chartPoint(const QPointF &viewportPos) const;
    qint64 msAt(qreal chartX) const;
    QString suggestedFileName(const QString &suffix) const;

    QPointer<QAbstractItemModel> m_model;
    QList<QMetaObject::Connection> m_connections;
    ChartData m_data;
    ChartPlot m_plot;
    Style m_style = Style::Auto;
    QList<int> m_columns; // model columns
    QString m_title;
    bool m_utc = false;
    int m_hovered = -1;
    // A drag across the plot: where it started (chart x), whether it moved far enough to be a drag.
    std::optional<qreal> m_dragStart;
    bool m_dragging = false;
    bool m_exporting = false;
    QLabel *m_empty;
    QGraphicsLineItem *m_crosshair;
    QGraphicsRectItem *m_band;
    ChartTip *m_tip;
};
