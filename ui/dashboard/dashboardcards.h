#pragma once

#include "dashboardcard.h"

#include <QList>
#include <QWidget>

class DashboardCardsModel;
class QGridLayout;

// The dashboard's row of summary cards, one DashboardCard per row of a DashboardCardsModel, laid out in as
// many columns as the width allows (so no card is squeezed until its value is cut). Operational cards come
// first (requests, cost, errors, latency), then tokens and the top model.
class DashboardCards final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardCards)
public:
    DashboardCards(DashboardCardsModel &model, QWidget *parent);

    // "the previous 7 days": what the change is against, for the cards' accessible names.
    void setPreviousPeriod(const QString &words);
    // The card showing model row `row` (DashboardCardsModel::Card).
    DashboardCard *card(int modelRow) const;
    QList<DashboardCard *> cards() const { return m_cards; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateCard(int row);
    void updateAll();
    void relayout(int columns);
    int columnsFor(int width) const;

    DashboardCardsModel &m_model;
    QString m_previousPeriod;
    QList<DashboardCard *> m_cards; // by model row
    QList<int> m_order; // model rows in display order
    QGridLayout *m_grid;
    int m_columns = 0;
};
