#include "chartview.h"

#include "chartexport.h"
#include "chartscales.h"
#include "charttip.h"
#include "theme/theme.h"
#include "usageseriesmodel.h"

#include <QAbstractItemModel>
#include <QAccessible>
#include <QClipboard>
#include <QCoreApplication>
#include <QFileDialog>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLegend>
#include <QLoggingCategory>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcChart, "gateway.ui")

// A press that moves less than this is a click (it only moves the crosshair), not a range.
constexpr qreal kDragThreshold = 4;

ChartStyle autoStyle(const UsageSeriesModel *model)
{
    using Metric = UsageSeriesModel::Metric;
    const bool grouped = !model->report().groups.isEmpty();
    switch (model->metric()) {
    case Metric::Requests:
        return model->stacked() ? ChartStyle::StackedBars : ChartStyle::Bars;
    case Metric::Tokens:
    case Metric::Cost:
        return model->stacked() ? ChartStyle::StackedAreas : ChartStyle::Lines;
    case Metric::Latency:
        return ChartStyle::Lines;
    case Metric::Errors:
    case Metric::Cache:
        // Ungrouped: the count as bars with its rate as a line on the right; grouped: each group's rate.
        return grouped ? ChartStyle::Lines : ChartStyle::Bars;
    }
    return ChartStyle::Lines;
}

} // namespace

ChartView::ChartView(QWidget *parent)
    : QChartView(parent)
    , m_plot(chart())
    , m_empty(new QLabel(this))
    , m_crosshair(new QGraphicsLineItem)
    , m_band(new QGraphicsRectItem)
    , m_tip(new ChartTip)
{
    setObjectName(u"chartView"_s);
    setRenderHint(QPainter::Antialiasing);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(320, 200);
    viewport()->setMouseTracking(true);
    // The hover box and band are redrawn on every mouse move: repaint only what changed.
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);

    QChart *c = chart();
    // Animations replay on every live update and hide the numbers while they run.
    c->setAnimationOptions(QChart::NoAnimation);
    c->setBackgroundRoundness(0);
    // Room above the top tick's label and right of the last time label, which Qt Charts centres on the tick
    // and would otherwise cut in half.
    c->setMargins(QMargins(6, 12, 22, 2));
    c->layout()->setContentsMargins(0, 0, 0, 0);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->legend()->setShowToolTips(true);
    c->legend()->hide();

    for (QGraphicsItem *item : std::initializer_list<QGraphicsItem *> { m_band, m_crosshair, m_tip }) {
        scene()->addItem(item);
        item->hide();
    }
    m_band->setZValue(90);
    m_crosshair->setZValue(95);
    m_tip->setZValue(100);

    m_empty->setObjectName(u"chartEmptyState"_s);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setText(tr("No requests in this range"));
    QFont font = m_empty->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    m_empty->setFont(font);
    m_empty->setAttribute(Qt::WA_TransparentForMouseEvents);

    setTitle(tr("Usage over time"));
    applyColors();
    updateEmptyState();
}

ChartView::~ChartView()
{
    for (const auto &connection : std::as_const(m_connections))
        disconnect(connection);
}

void ChartView::setModel(QAbstractItemModel *model)
{
    for (const auto &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_model = model;
    if (model) {
        auto rebuildLater = [this] { rebuild(); };
        m_connections = {
            connect(model, &QAbstractItemModel::modelReset, this, rebuildLater),
            connect(model, &QAbstractItemModel::layoutChanged, this, rebuildLater),
            connect(model, &QAbstractItemModel::rowsInserted, this, rebuildLater),
            connect(model, &QAbstractItemModel::rowsRemoved, this, rebuildLater),
            connect(model, &QAbstractItemModel::columnsInserted, this, rebuildLater),
            connect(model, &QAbstractItemModel::columnsRemoved, this, rebuildLater),
            connect(model, &QAbstractItemModel::headerDataChanged, this, rebuildLater),
            connect(model, &QAbstractItemModel::dataChanged, this, &ChartView::valuesChanged),
            connect(model, &QObject::destroyed, this, [this] { setModel(nullptr); }),
        };
    }
    rebuild();
}

void ChartView::setChartStyle(Style style)
{
    if (m_style == style)
        return;
    m_style = style;
    rebuild();
}

ChartView::Style ChartView::effectiveStyle() const
{
    if (m_style != Style::Auto)
        return m_style;
    if (const auto *usage = qobject_cast<const UsageSeriesModel *>(m_model.data()))
        return autoStyle(usage);
    return Style::Lines;
}

void ChartView::setColumns(const QList<int> &modelColumns)
{
    m_columns = modelColumns;
    rebuild();
}

void ChartView::setTitle(const QString &title)
{
    m_title = title;
    setAccessibleName(tr("%1 chart").arg(title));
    updateAccessibleText();
}

void ChartView::setUtc(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    m_plot.setUtc(utc);
    updateHover();
}

void ChartView::setEmptyText(const QString &text)
{
    m_empty->setText(text);
}

bool ChartView::isEmptyStateShown() const
{
    return !m_empty->isHidden();
}

void ChartView::rebuild()
{
    cancelDrag();
    const auto *usage = qobject_cast<const UsageSeriesModel *>(m_model.data());
    const QList<QDateTime> before = m_data.starts;
    m_data = ChartData::read(m_model, usage ? usage->report().bucket : QString());
    // The crosshair stays on its bucket only if the buckets are the same ones (another metric, say).
    if (m_data.starts != before)
        m_hovered = -1;
    QList<int> indexes;
    for (const int column : std::as_const(m_columns)) {
        for (int i = 0; i < m_data.columns.size(); ++i) {
            if (m_data.columns[i].column == column)
                indexes.append(i);
        }
    }
    if (m_data.isEmpty())
        m_plot.clear();
    else
        m_plot.rebuild(m_data, effectiveStyle(), indexes, m_utc);
    qCDebug(lcChart) << m_title << "rebuilt:" << m_data.bucketCount() << "buckets," << m_plot.drawnCount()
                     << "series";
    m_plot.updateAxes(viewport()->size());
    applyColors();
    chart()->legend()->setVisible(m_plot.drawnCount() > 1);
    if (m_hovered >= m_data.bucketCount())
        m_hovered = -1;
    updateEmptyState();
    updateHover();
}

void ChartView::valuesChanged()
{
    if (!m_model)
        return;
    // Same buckets and columns (a live refresh): new numbers in the same series, hover kept.
    const int rows = m_model->rowCount();
    const bool sameShape
        = rows == m_data.bucketCount() && m_model->columnCount() == m_data.columns.size() + 1;
    if (!sameShape) {
        rebuild();
        return;
    }
    const bool wasEmpty = m_data.isEmpty();
    m_data.readValues(m_model);
    if (wasEmpty != m_data.isEmpty()) {
        rebuild();
        return;
    }
    if (!wasEmpty)
        m_plot.replaceValues(m_data);
    updateHover();
}

void ChartView::applyColors()
{
    const Theme::ChartColors c = Theme::chartColors(palette());
    m_plot.applyColors(palette());
    setBackgroundBrush(c.background);
    QPalette emptyPalette = m_empty->palette();
    emptyPalette.setColor(QPalette::WindowText, c.emptyText);
    m_empty->setPalette(emptyPalette);
    m_crosshair->setPen(QPen(c.crosshair, 1, Qt::DashLine));
    m_band->setBrush(c.selection);
    QColor edge = c.selection;
    edge.setAlphaF(0.8f);
    m_band->setPen(QPen(edge, 1));
    m_tip->setColors(c.tipBackground, c.tipText, c.tipBorder);
    m_tip->setFont(font());
    updateHover();
}

void ChartView::updateEmptyState()
{
    const bool empty = m_data.isEmpty();
    m_empty->setVisible(empty);
    chart()->setPlotAreaBackgroundVisible(!empty);
    if (empty)
        chart()->legend()->hide();
    m_empty->setGeometry(viewport()->geometry());
    updateAccessibleText();
}

void ChartView::setHoveredBucket(int bucket)
{
    if (bucket < -1 || bucket >= m_data.bucketCount() || m_data.isEmpty())
        bucket = -1;
    if (bucket == m_hovered)
        return;
    m_hovered = bucket;
    updateHover();
    emit hoveredBucketChanged(bucket);
}

QString ChartView::hoverText() const
{
    if (m_hovered < 0 || m_hovered >= m_data.bucketCount())
        return {};
    QStringList parts;
    for (const ChartData::Column &c : m_data.columns)
        parts.append(c.name + u' ' + Formatting::format(c.values.value(m_hovered), c.unit));
    return ChartScales::rangeText(m_data.starts[m_hovered], m_data.ends[m_hovered], m_utc) + u": "_s
        + parts.join(u", "_s);
}

QPoint ChartView::bucketPosition(int bucket) const
{
    if (bucket < 0 || bucket >= m_data.bucketCount() || !m_plot.anchor())
        return {};
    const double mid = (double(m_data.starts[bucket].toMSecsSinceEpoch())
                           + double(m_data.ends[bucket].toMSecsSinceEpoch()))
        / 2;
    const QRectF plot = chart()->plotArea();
    QPointF p = chart()->mapToPosition(QPointF(mid, 0), m_plot.anchor());
    p.setY(plot.center().y());
    return mapFromScene(chart()->mapToScene(p));
}

void ChartView::updateHover()
{
    const bool show
        = m_hovered >= 0 && m_hovered < m_data.bucketCount() && m_plot.anchor() && !m_data.isEmpty();
    m_crosshair->setVisible(show);
    m_tip->setVisible(show);
    updateAccessibleText();
    if (!show)
        return;
    const QRectF plot = chart()->plotArea();
    const QPoint at = bucketPosition(m_hovered);
    const qreal x = chart()->mapFromScene(mapToScene(at)).x();
    m_crosshair->setLine(
        QLineF(chart()->mapToScene(QPointF(x, plot.top())), chart()->mapToScene(QPointF(x, plot.bottom()))));

    const ChartStyle style = m_plot.style();
    m_tip->showBucket(m_data, m_hovered,
        style == ChartStyle::StackedAreas || style == ChartStyle::StackedBars, m_utc, [this](int column) {
            return m_plot.isDrawn(column) ? std::optional(m_plot.color(column)) : std::nullopt;
        });

    // To the right of the crosshair, or to its left where it would leave the plot.
    const QSizeF size = m_tip->size();
    qreal left = x + 12;
    if (left + size.width() > plot.right())
        left = x - 12 - size.width();
    left = std::max(left, plot.left());
    m_tip->setPos(chart()->mapToScene(QPointF(left, plot.top() + 8)));
}

void ChartView::updateAccessibleText()
{
    QString description;
    if (m_data.isEmpty())
        description = m_empty->text() + u'.';
    else if (m_hovered >= 0)
        description = hoverText();
    else
        description = tr("%1 to %2, %n time buckets. Use the left and right arrow keys to read each bucket.",
            nullptr, m_data.bucketCount())
                          .arg(ChartScales::timeText(m_data.starts.first(), m_utc),
                              ChartScales::timeText(m_data.ends.last(), m_utc));
    if (description == accessibleDescription())
        return;
    setAccessibleDescription(description);
    // Said through the description only: a widget tooltip would repeat the box on screen when the mouse
    // rests.
    if (QAccessible::isActive()) {
        QAccessibleEvent event(this, QAccessible::DescriptionChanged);
        QAccessible::updateAccessibility(&event);
    }
}

QPointF ChartView::chartPoint(const QPointF &viewportPos) const
{
    return chart()->mapFromScene(mapToScene(viewportPos.toPoint()));
}

qint64 ChartView::msAt(qreal chartX) const
{
    const QPointF value
        = chart()->mapToValue(QPointF(chartX, chart()->plotArea().center().y()), m_plot.anchor());
    return qint64(value.x());
}

void ChartView::mousePressEvent(QMouseEvent *event)
{
    const QPointF p = chartPoint(event->position());
    if (event->button() == Qt::LeftButton && m_plot.anchor() && chart()->plotArea().contains(p)) {
        setFocus(Qt::MouseFocusReason);
        m_dragStart = p.x();
        m_dragging = false;
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void ChartView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF p = chartPoint(event->position());
    const QRectF plot = chart()->plotArea();
    if (m_dragStart) {
        const qreal x = std::clamp(p.x(), plot.left(), plot.right());
        if (!m_dragging && std::abs(x - *m_dragStart) >= kDragThreshold)
            m_dragging = true;
        if (m_dragging) {
            // A translucent rectangle in the scene: Graphics View repaints only the strip that changed, so
            // no cached picture of the chart is needed while dragging (heaptrack's QWidget plot needs one).
            // It covers whole buckets, as the range it will select does.
            const int a = m_data.bucketAt(msAt(std::min(x, *m_dragStart)));
            const int b = m_data.bucketAt(msAt(std::max(x, *m_dragStart)));
            const auto xOf = [this, &plot](const QDateTime &t) {
                const qreal at
                    = chart()->mapToPosition(QPointF(double(t.toMSecsSinceEpoch()), 0), m_plot.anchor()).x();
                return std::clamp(at, plot.left(), plot.right());
            };
            const QRectF band(QPointF(a >= 0 ? xOf(m_data.starts[a]) : std::min(x, *m_dragStart), plot.top()),
                QPointF(b >= 0 ? xOf(m_data.ends[b]) : std::max(x, *m_dragStart), plot.bottom()));
            m_band->setRect(
                QRectF(chart()->mapToScene(band.topLeft()), chart()->mapToScene(band.bottomRight())));
            m_band->show();
        }
    }
    if (m_plot.anchor() && plot.contains(QPointF(std::clamp(p.x(), plot.left(), plot.right()), p.y())))
        setHoveredBucket(m_data.bucketAt(msAt(p.x())));
    else if (!m_dragging)
        setHoveredBucket(-1);
    QChartView::mouseMoveEvent(event);
}

void ChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_dragStart) {
        const QRectF plot = chart()->plotArea();
        const qreal end = std::clamp(chartPoint(event->position()).x(), plot.left(), plot.right());
        const qreal start = *m_dragStart;
        const bool wasDrag = m_dragging && std::abs(end - start) >= kDragThreshold;
        cancelDrag();
        if (wasDrag) {
            // Whole buckets: the range covers every bucket the band touched.
            const int a = m_data.bucketAt(msAt(std::min(start, end)));
            const int b = m_data.bucketAt(msAt(std::max(start, end)));
            if (a >= 0 && b >= 0) {
                qCDebug(lcChart) << m_title << "range selected" << m_data.starts[a] << m_data.ends[b];
                emit rangeSelected(m_data.starts[a], m_data.ends[b]);
            }
        }
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ChartView::cancelDrag()
{
    m_dragStart.reset();
    m_dragging = false;
    m_band->hide();
}

void ChartView::leaveEvent(QEvent *event)
{
    if (!m_dragging && !hasFocus())
        setHoveredBucket(-1);
    QChartView::leaveEvent(event);
}

void ChartView::keyPressEvent(QKeyEvent *event)
{
    const int count = m_data.isEmpty() ? 0 : m_data.bucketCount();
    switch (event->key()) {
    case Qt::Key_Escape:
        if (m_dragStart) {
            cancelDrag();
            event->accept();
            return;
        }
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (count > 0) {
            const int step = event->key() == Qt::Key_Left ? -1 : 1;
            setHoveredBucket(
                m_hovered < 0 ? (step < 0 ? count - 1 : 0) : std::clamp(m_hovered + step, 0, count - 1));
            event->accept();
            return;
        }
        break;
    case Qt::Key_Home:
    case Qt::Key_End:
        if (count > 0) {
            setHoveredBucket(event->key() == Qt::Key_Home ? 0 : count - 1);
            event->accept();
            return;
        }
        break;
    default:
        break;
    }
    QChartView::keyPressEvent(event);
}

void ChartView::focusInEvent(QFocusEvent *event)
{
    QChartView::focusInEvent(event);
    viewport()->update();
}

void ChartView::focusOutEvent(QFocusEvent *event)
{
    QChartView::focusOutEvent(event);
    cancelDrag();
    if (!underMouse())
        setHoveredBucket(-1);
    viewport()->update();
}

void ChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    m_plot.updateAxes(viewport()->size());
    m_empty->setGeometry(viewport()->geometry());
    updateHover();
}

void ChartView::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyColors();
}

void ChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (!hasFocus() || m_exporting)
        return;
    // A focus ring around the plot: the chart takes keys (arrows) and should say so.
    QColor ring = palette().color(QPalette::Highlight);
    painter->save();
    painter->setPen(QPen(ring, 2));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(chart()->mapRectToScene(chart()->rect()).adjusted(1, 1, -1, -1));
    painter->restore();
}

void ChartView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    QAction *png = menu.addAction(tr("Save Chart as PNG…"), this, &ChartView::savePngAs);
    QAction *csv = menu.addAction(tr("Save Data as CSV…"), this, &ChartView::saveCsvAs);
    QAction *copy = menu.addAction(tr("Copy Data"), this,
        [this] { QGuiApplication::clipboard()->setText(QString::fromUtf8(ChartExport::toCsv(m_data))); });
    const bool haveData = m_data.bucketCount() > 0;
    csv->setEnabled(haveData);
    copy->setEnabled(haveData);
    png->setEnabled(true);
    menu.exec(event->globalPos());
}

QString ChartView::suggestedFileName(const QString &suffix) const
{
    QString base = m_title.toLower();
    base.replace(QRegularExpression(u"[^a-z0-9]+"_s), u"-"_s);
    if (!m_data.starts.isEmpty())
        base += u'-' + m_data.starts.first().toUTC().toString(u"yyyyMMdd"_s);
    return base + u'.' + suffix;
}

bool ChartView::saveCsv(const QString &path, QString *error) const
{
    return ChartExport::writeCsv(m_data, path, error);
}

bool ChartView::savePng(const QString &path, QString *error)
{
    // Qt Charts lays out axes and legend on a posted event: a picture taken right after new data would show
    // the previous axes. Let that happen first (not user input: nothing can change the data meanwhile).
    QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
    // The picture is of the chart, not of the keyboard focus.
    m_exporting = true;
    const bool ok = ChartExport::writePng(this, path, error);
    m_exporting = false;
    return ok;
}

void ChartView::saveCsvAs()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Data as CSV"), dir + u'/' + suggestedFileName(u"csv"_s), tr("CSV files (*.csv)"));
    QString error;
    if (!path.isEmpty() && !saveCsv(path, &error))
        QMessageBox::warning(this, tr("Save Data as CSV"), error);
}

void ChartView::savePngAs()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Chart as PNG"), dir + u'/' + suggestedFileName(u"png"_s), tr("PNG images (*.png)"));
    QString error;
    if (!path.isEmpty() && !savePng(path, &error))
        QMessageBox::warning(this, tr("Save Chart as PNG"), error);
}
