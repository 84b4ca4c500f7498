#include "dashboardcards.h"

#include "dashboardcardsmodel.h"

#include <QGridLayout>
#include <QResizeEvent>

namespace {
using Card = DashboardCardsModel::Card;
constexpr int kMinCardWidth = 170;

DashboardCard::Meaning meaningOf(const QVariant &value)
{
    switch (DashboardCardsModel::ChangeMeaning(value.toInt())) {
    case DashboardCardsModel::ChangeMeaning::Good:
        return DashboardCard::Meaning::Good;
    case DashboardCardsModel::ChangeMeaning::Bad:
        return DashboardCard::Meaning::Bad;
    case DashboardCardsModel::ChangeMeaning::Neutral:
        return DashboardCard::Meaning::Neutral;
    case DashboardCardsModel::ChangeMeaning::None:
        break;
    }
    return DashboardCard::Meaning::None;
}
} // namespace

DashboardCards::DashboardCards(DashboardCardsModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_grid(new QGridLayout(this))
{
    setObjectName(QStringLiteral("dashboardCards"));
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(10);
    m_order = { int(Card::Requests), int(Card::Cost), int(Card::ErrorRate), int(Card::LatencyP50),
        int(Card::LatencyP95), int(Card::InputTokens), int(Card::OutputTokens), int(Card::CachedTokens),
        int(Card::TopModel) };
    for (int row = 0; row < DashboardCardsModel::kCardCount; ++row) {
        auto *card = new DashboardCard(this);
        const QString name = QVariant::fromValue(Card(row)).toString(); // "Requests", "LatencyP50" …
        card->setObjectName(QStringLiteral("card") + name);
        m_cards.append(card);
    }
    relayout(5);
    connect(&m_model, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
                updateCard(row);
        });
    connect(&m_model, &QAbstractItemModel::modelReset, this, &DashboardCards::updateAll);
    updateAll();
}

void DashboardCards::setPreviousPeriod(const QString &words)
{
    m_previousPeriod = words;
    updateAll();
}

DashboardCard *DashboardCards::card(int modelRow) const
{
    return m_cards.value(modelRow);
}

void DashboardCards::updateAll()
{
    for (int row = 0; row < m_cards.size(); ++row)
        updateCard(row);
}

void DashboardCards::updateCard(int row)
{
    if (row < 0 || row >= m_cards.size() || row >= m_model.rowCount())
        return;
    const QModelIndex index = m_model.index(row);
    DashboardCard::Content content;
    content.title = index.data(Qt::DisplayRole).toString();
    content.value = index.data(DashboardCardsModel::ValueTextRole).toString();
    const QVariant change = index.data(DashboardCardsModel::ChangeRole);
    if (change.isValid())
        content.change = change.toDouble();
    content.meaning = meaningOf(index.data(DashboardCardsModel::ChangeMeaningRole));
    content.detail = index.data(DashboardCardsModel::DetailRole).toString();
    content.toolTip = index.data(Qt::ToolTipRole).toString();
    m_cards.at(row)->setContent(content, m_previousPeriod);
}

int DashboardCards::columnsFor(int width) const
{
    // 5 keeps the nine cards in two rows on a laptop screen; 3 gives three full rows on a narrow one.
    for (int columns : { 5, 3, 2 }) {
        if (width >= columns * kMinCardWidth + (columns - 1) * m_grid->horizontalSpacing())
            return columns;
    }
    return 1;
}

void DashboardCards::relayout(int columns)
{
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (DashboardCard *card : std::as_const(m_cards))
        m_grid->removeWidget(card);
    for (int column = 0; column < m_grid->columnCount(); ++column)
        m_grid->setColumnStretch(column, 0);
    for (int i = 0; i < m_order.size(); ++i)
        m_grid->addWidget(m_cards.at(m_order.at(i)), i / columns, i % columns);
    for (int column = 0; column < columns; ++column)
        m_grid->setColumnStretch(column, 1);
    // Keyboard order follows the reading order of the grid.
    for (int i = 1; i < m_order.size(); ++i)
        setTabOrder(m_cards.at(m_order.at(i - 1)), m_cards.at(m_order.at(i)));
}

void DashboardCards::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout(columnsFor(event->size().width()));
}
