#pragma once

#include "apitypes.h"
#include "formatting.h"

#include <QAbstractTableModel>

// The "by model / provider / key / member" table of a grouped usage report: one row per group.
//
// Roles: Qt::DisplayRole formatted text with unit; SortRole what a QSortFilterProxyModel should sort by
// (a double for numbers, missing values lowest; the name as text) — set proxy->setSortRole(SortRole);
// ValueRole the raw number (invalid QVariant where nothing was measured); UnitRole the column's unit word;
// GroupKeyRole the group's key (model, provider, key id, member) to filter other views by.
// Qt::TextAlignmentRole puts numbers on the right.
class UsageGroupsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageGroupsModel)

public:
    enum Column {
        Name,
        Requests,
        InputTokens,
        OutputTokens,
        CachedTokens,
        Cost,
        Errors,
        ErrorRate,
        DurationP50,
        DurationP95,
        TtftP50,
        TtftP95,
        OutputTokensPerSecond,
        CacheHitRate,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role { SortRole = Qt::UserRole + 1, ValueRole, UnitRole, GroupKeyRole };

    explicit UsageGroupsModel(QObject *parent = nullptr);

    // Resets when the groups differ; dataChanged when the same groups in the same order got new numbers.
    void setReport(const UsageData &report);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static Formatting::Unit unit(Column column);
    // The number a cell holds (nullopt: nothing measured); Name has none.
    static std::optional<double> value(const UsageData::Totals &totals, Column column);

private:
    QList<UsageData::Group> m_groups;
};
