#pragma once

#include <QFrame>

class ChartView;
class QHBoxLayout;
class QLabel;

// A chart of the dashboard with its heading above it (Qt Charts' own title would scale with the plot and
// sit inside it) and room for small controls on the heading's right, such as the cost chart's split.
class ChartPanel final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartPanel)
public:
    ChartPanel(const QString &title, QWidget *parent);

    ChartView *chart() const { return m_chart; }
    // Puts `widget` at the heading's right end.
    void addHeaderWidget(QWidget *widget);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QLabel *m_title;
    QHBoxLayout *m_header;
    ChartView *m_chart;
};
