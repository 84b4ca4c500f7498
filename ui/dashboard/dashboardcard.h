#pragma once

#include <QFrame>
#include <optional>

class QLabel;

// One summary card of the dashboard: a title, the value, its change against the previous period (an arrow
// and a percentage, coloured by whether the change is good news) and a detail line. Focusable, so keyboard
// and screen-reader users can step through the cards; its accessible name reads the whole card.
class DashboardCard final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardCard)
public:
    enum class Meaning { None, Good, Bad, Neutral };

    struct Content
    {
        QString title; // "Cost"
        QString value; // "$12.34"
        std::optional<double> change; // signed percent against the previous period
        Meaning meaning = Meaning::None;
        QString detail; // "12% from cache"
        QString toolTip;
    };

    explicit DashboardCard(QWidget *parent = nullptr);

    void setContent(const Content &content, const QString &previousPeriod);
    const Content &content() const { return m_content; }
    // The card in one sentence, e.g. "Cost: $12.34, up 8.0% on the previous 7 days".
    static QString describe(const Content &content, const QString &previousPeriod);
    // "▲ 8.0%", "▼ 3.1%", "= 0%"; empty without a change.
    static QString changeText(std::optional<double> change);
    QString valueText() const;
    QString changeLabelText() const;

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    void applyColors();

    Content m_content;
    QLabel *m_title;
    QLabel *m_value;
    QLabel *m_change;
    QLabel *m_detail;
    bool m_applyingColors = false;
};
