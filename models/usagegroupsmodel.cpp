#include "usagegroupsmodel.h"

#include "usagemath.h"

#include <QHash>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;
using Formatting::Unit;

UsageGroupsModel::UsageGroupsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void UsageGroupsModel::setReport(const UsageData &report)
{
    QHash<QString, UsageData::Group> byKey;
    for (const UsageData::Group &group : report.groups)
        byKey.insert(group.key, group);
    const bool sameGroups = byKey.size() == m_groups.size() && report.groups.size() == m_groups.size()
        && std::all_of(m_groups.cbegin(), m_groups.cend(),
            [&](const UsageData::Group &group) { return byKey.contains(group.key); });
    if (!sameGroups) {
        beginResetModel();
        m_groups = UsageMath::byCost(report.groups);
        endResetModel();
        return;
    }
    // The same groups with new numbers (a live refresh): rows keep their order even where costs overtook
    // each other, so the view keeps its sort, selection and scroll position.
    for (UsageData::Group &group : m_groups)
        group = byKey.value(group.key);
    if (!m_groups.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void UsageGroupsModel::clear()
{
    beginResetModel();
    m_groups.clear();
    endResetModel();
}

int UsageGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int UsageGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

Formatting::Unit UsageGroupsModel::unit(Column column)
{
    switch (column) {
    case Name:
    case Requests:
    case Errors:
    case ColumnCount:
        return Unit::Count;
    case InputTokens:
    case OutputTokens:
    case CachedTokens:
        return Unit::Tokens;
    case Cost:
        return Unit::Usd;
    case ErrorRate:
    case CacheHitRate:
        return Unit::Percent;
    case DurationP50:
    case DurationP95:
    case TtftP50:
    case TtftP95:
        return Unit::Milliseconds;
    case OutputTokensPerSecond:
        return Unit::TokensPerSecond;
    }
    return Unit::Count;
}

std::optional<double> UsageGroupsModel::value(const UsageData::Totals &t, Column column)
{
    switch (column) {
    case Name:
    case ColumnCount:
        return std::nullopt;
    case Requests:
        return double(t.requests);
    case InputTokens:
        return double(t.promptTokens);
    case OutputTokens:
        return double(t.completionTokens);
    case CachedTokens:
        return double(t.cachedTokens);
    case Cost:
        return t.costUsd;
    case Errors:
        return double(t.errors);
    case ErrorRate:
        return t.errorRatePercent();
    case DurationP50:
        return t.duration.p50;
    case DurationP95:
        return t.duration.p95;
    case TtftP50:
        return t.ttft.p50;
    case TtftP95:
        return t.ttft.p95;
    case OutputTokensPerSecond:
        return t.outputTokensPerSecond();
    case CacheHitRate:
        return t.cacheHitRatePercent();
    }
    return std::nullopt;
}

QVariant UsageGroupsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UsageData::Group &group = m_groups.at(index.row());
    const auto column = Column(index.column());
    if (role == GroupKeyRole)
        return group.key;
    if (column == Name) {
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            return group.label();
        case Qt::ToolTipRole:
            return group.name.isEmpty() ? group.key : u"%1 (key %2)"_s.arg(group.name, group.key);
        default:
            return {};
        }
    }
    const std::optional<double> number = value(group.totals, column);
    switch (role) {
    case Qt::DisplayRole:
        return Formatting::format(number, unit(column));
    case SortRole:
        // Unmeasured cells sort below every number, in either direction consistently.
        return number ? *number : -std::numeric_limits<double>::infinity();
    case ValueRole:
        return number ? QVariant(*number) : QVariant();
    case UnitRole:
        return Formatting::unitName(unit(column));
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant UsageGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QString titles[ColumnCount] = {
        u"Name"_s,
        u"Requests"_s,
        u"Input tokens"_s,
        u"Output tokens"_s,
        u"Cached tokens"_s,
        u"Cost"_s,
        u"Errors"_s,
        u"Error rate"_s,
        u"Duration p50"_s,
        u"Duration p95"_s,
        u"First token p50"_s,
        u"First token p95"_s,
        u"Output speed"_s,
        u"Cache-hit rate"_s,
    };
    switch (role) {
    case Qt::DisplayRole:
        return titles[section];
    case UnitRole:
        return section == Name ? QVariant() : QVariant(Formatting::unitName(unit(Column(section))));
    case Qt::ToolTipRole:
        if (section == OutputTokensPerSecond)
            return u"Output tokens per second of request time"_s;
        if (section == CachedTokens)
            return u"Input tokens read from the provider's prompt cache (counted within the input tokens)"_s;
        if (section == TtftP50 || section == TtftP95)
            return u"Time to the first token of a streamed answer"_s;
        return {};
    case Qt::TextAlignmentRole:
        return section == Name ? QVariant() : QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QHash<int, QByteArray> UsageGroupsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sort");
    names.insert(ValueRole, "value");
    names.insert(UnitRole, "unit");
    names.insert(GroupKeyRole, "groupKey");
    return names;
}
