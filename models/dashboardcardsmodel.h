#pragma once

#include "apitypes.h"

#include <QAbstractListModel>
#include <optional>

// The dashboard's summary cards, one row each (Card order): the value of the current period, the value of
// the period just before, and the change between them, with whether that change is good news.
//
// Roles:
//   Qt::DisplayRole     the card's title ("Requests", "Cost" …)
//   CardRole            the Card (int)
//   ValueTextRole       the current value with unit ("1.2k", "$3.40", "850 ms", "gpt-4o-mini")
//   ValueRole           the current value as double (invalid QVariant when nothing was measured; the top
//                       model card: its request count)
//   PreviousTextRole    the previous period's value with unit ("–" before it has arrived)
//   PreviousValueRole   the previous period's value as double, or invalid
//   ChangeRole          signed change in percent (double), or invalid when the previous period is 0 or empty
//   ChangeTextRole      "+12.3%", "−4.0%", or empty when there is no change to show
//   UpIsGoodRole        int: +1 a rise is good, -1 a rise is bad (cost, errors, latency), 0 neutral (volume)
//   ChangeMeaningRole   ChangeMeaning (int): what the current change means, for colouring
//   DetailRole          a second line: the requests' cached share, the tokens' cost, the top model's share …
//   Qt::ToolTipRole     the title, both periods' values and the change in one sentence
class DashboardCardsModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardCardsModel)

public:
    enum class Card {
        Requests,
        Cost,
        InputTokens,
        OutputTokens,
        CachedTokens,
        ErrorRate,
        LatencyP50,
        LatencyP95,
        TopModel
    };
    Q_ENUM(Card)
    static constexpr int kCardCount = 9;
    enum class ChangeMeaning { None, Good, Bad, Neutral };
    Q_ENUM(ChangeMeaning)
    enum Role {
        CardRole = Qt::UserRole + 1,
        ValueTextRole,
        ValueRole,
        PreviousTextRole,
        PreviousValueRole,
        ChangeRole,
        ChangeTextRole,
        UpIsGoodRole,
        ChangeMeaningRole,
        DetailRole,
    };

    explicit DashboardCardsModel(QObject *parent = nullptr);

    // Each part arrives on its own (cards first, comparison and top model when their answers come);
    // every setter emits dataChanged for the rows it touches. The rows never change.
    void setCurrent(const UsageData &current);
    void setPrevious(const UsageData &previous);
    void setByModel(const UsageData &byModel); // group_by=model over the current period
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static int upIsGood(Card card);

private:
    QVariant value(Card card, const std::optional<UsageData> &report) const;
    QString text(Card card, const std::optional<UsageData> &report) const;
    std::optional<double> change(Card card) const;
    QString detail(Card card) const;

    std::optional<UsageData> m_current;
    std::optional<UsageData> m_previous;
    std::optional<UsageData> m_byModel;
};
