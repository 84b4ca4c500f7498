#include "dashboardcardsmodel.h"

#include "formatting.h"

#include <cmath>

using namespace Qt::StringLiterals;
using Formatting::Unit;

namespace {

using Card = DashboardCardsModel::Card;

QString title(Card card)
{
    switch (card) {
    case Card::Requests:
        return u"Requests"_s;
    case Card::Cost:
        return u"Cost"_s;
    case Card::InputTokens:
        return u"Input tokens"_s;
    case Card::OutputTokens:
        return u"Output tokens"_s;
    case Card::CachedTokens:
        return u"Cached tokens"_s;
    case Card::ErrorRate:
        return u"Error rate"_s;
    case Card::LatencyP50:
        return u"Latency p50"_s;
    case Card::LatencyP95:
        return u"Latency p95"_s;
    case Card::TopModel:
        return u"Top model"_s;
    }
    return {};
}

Unit unitOf(Card card)
{
    switch (card) {
    case Card::Requests:
    case Card::TopModel:
        return Unit::Count;
    case Card::Cost:
        return Unit::Usd;
    case Card::InputTokens:
    case Card::OutputTokens:
    case Card::CachedTokens:
        return Unit::Tokens;
    case Card::ErrorRate:
        return Unit::Percent;
    case Card::LatencyP50:
    case Card::LatencyP95:
        return Unit::Milliseconds;
    }
    return Unit::Count;
}

std::optional<double> number(Card card, const UsageData::Totals &t)
{
    switch (card) {
    case Card::Requests:
        return double(t.requests);
    case Card::Cost:
        return t.costUsd;
    case Card::InputTokens:
        return double(t.promptTokens);
    case Card::OutputTokens:
        return double(t.completionTokens);
    case Card::CachedTokens:
        return double(t.cachedTokens);
    case Card::ErrorRate:
        return t.errorRatePercent();
    case Card::LatencyP50:
        return t.duration.p50;
    case Card::LatencyP95:
        return t.duration.p95;
    case Card::TopModel:
        return std::nullopt; // from the by-model report
    }
    return std::nullopt;
}

// The most-used model: most requests, then most cost.
const UsageData::Group *topModel(const std::optional<UsageData> &byModel)
{
    if (!byModel)
        return nullptr;
    const UsageData::Group *top = nullptr;
    for (const UsageData::Group &group : byModel->groups) {
        if (group.totals.requests <= 0)
            continue;
        if (!top || group.totals.requests > top->totals.requests
            || (group.totals.requests == top->totals.requests && group.totals.costUsd > top->totals.costUsd))
            top = &group;
    }
    return top;
}

} // namespace

DashboardCardsModel::DashboardCardsModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int DashboardCardsModel::upIsGood(Card card)
{
    switch (card) {
    case Card::Cost:
    case Card::ErrorRate:
    case Card::LatencyP50:
    case Card::LatencyP95:
        return -1;
    case Card::CachedTokens:
        return 1; // more input served from a cache: cheaper and faster
    case Card::Requests:
    case Card::InputTokens:
    case Card::OutputTokens:
    case Card::TopModel:
        return 0; // volume is neither good nor bad news
    }
    return 0;
}

void DashboardCardsModel::setCurrent(const UsageData &current)
{
    m_current = current;
    emit dataChanged(index(0), index(kCardCount - 1));
}

void DashboardCardsModel::setPrevious(const UsageData &previous)
{
    m_previous = previous;
    emit dataChanged(index(0), index(kCardCount - 1));
}

void DashboardCardsModel::setByModel(const UsageData &byModel)
{
    m_byModel = byModel;
    const QModelIndex top = index(int(Card::TopModel));
    emit dataChanged(top, top);
}

void DashboardCardsModel::clear()
{
    m_current.reset();
    m_previous.reset();
    m_byModel.reset();
    emit dataChanged(index(0), index(kCardCount - 1));
}

int DashboardCardsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kCardCount;
}

QVariant DashboardCardsModel::value(Card card, const std::optional<UsageData> &report) const
{
    if (card == Card::TopModel) {
        // Only the current period has a by-model report; the previous period has no top model to compare.
        const UsageData::Group *top = &report == &m_current ? topModel(m_byModel) : nullptr;
        return top ? QVariant(double(top->totals.requests)) : QVariant();
    }
    if (!report)
        return {};
    const std::optional<double> n = number(card, report->totals);
    return n ? QVariant(*n) : QVariant();
}

QString DashboardCardsModel::text(Card card, const std::optional<UsageData> &report) const
{
    if (card == Card::TopModel) {
        const UsageData::Group *top = &report == &m_current ? topModel(m_byModel) : nullptr;
        return top ? top->label() : u"\u2013"_s;
    }
    const QVariant v = value(card, report);
    return Formatting::format(v.isValid() ? std::optional(v.toDouble()) : std::nullopt, unitOf(card));
}

std::optional<double> DashboardCardsModel::change(Card card) const
{
    if (card == Card::TopModel || !m_current || !m_previous)
        return std::nullopt;
    const std::optional<double> now = number(card, m_current->totals);
    const std::optional<double> before = number(card, m_previous->totals);
    // Against nothing, any change is infinite: no percentage is better than "+∞%".
    if (!now || !before || *before == 0)
        return std::nullopt;
    return (*now - *before) / std::abs(*before) * 100.0;
}

QString DashboardCardsModel::detail(Card card) const
{
    if (!m_current)
        return {};
    const UsageData::Totals &t = m_current->totals;
    switch (card) {
    case Card::Requests:
        return t.requests > 0
            ? u"%1 answered from the response cache"_s.arg(Formatting::percent(*t.cacheHitRatePercent()))
            : QString();
    case Card::Cost:
        return t.unpricedRequests > 0 ? u"%1 requests without a known price are not counted"_s.arg(
                   Formatting::count(double(t.unpricedRequests)))
                                      : QString();
    case Card::CachedTokens:
        return t.promptTokens > 0 ? u"%1 of input"_s.arg(
                   Formatting::percent(100.0 * double(t.cachedTokens) / double(t.promptTokens)))
                                  : QString();
    case Card::ErrorRate:
        return t.requests > 0 ? u"%1 errors"_s.arg(Formatting::count(double(t.errors))) : QString();
    case Card::TopModel:
        if (const UsageData::Group *top = topModel(m_byModel); top && t.requests > 0)
            return u"%1 of requests"_s.arg(
                Formatting::percent(100.0 * double(top->totals.requests) / double(t.requests)));
        return {};
    case Card::InputTokens:
    case Card::OutputTokens:
    case Card::LatencyP50:
    case Card::LatencyP95:
        return {};
    }
    return {};
}

QVariant DashboardCardsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto card = Card(index.row());
    const std::optional<double> delta = change(card);
    switch (role) {
    case Qt::DisplayRole:
        return title(card);
    case CardRole:
        return int(card);
    case ValueTextRole:
        return text(card, m_current);
    case ValueRole:
        return value(card, m_current);
    case PreviousTextRole:
        return text(card, m_previous);
    case PreviousValueRole:
        return value(card, m_previous);
    case ChangeRole:
        return delta ? QVariant(*delta) : QVariant();
    case ChangeTextRole:
        return delta ? Formatting::signedPercent(*delta) : QString();
    case UpIsGoodRole:
        return upIsGood(card);
    case ChangeMeaningRole: {
        if (!delta)
            return int(ChangeMeaning::None);
        if (std::abs(*delta) < 0.05 || upIsGood(card) == 0)
            return int(ChangeMeaning::Neutral);
        return int((*delta > 0) == (upIsGood(card) > 0) ? ChangeMeaning::Good : ChangeMeaning::Bad);
    }
    case DetailRole:
        return detail(card);
    case Qt::ToolTipRole: {
        QString tip = u"%1: %2"_s.arg(title(card), text(card, m_current));
        if (m_previous && card != Card::TopModel)
            tip += u", previous period %1"_s.arg(text(card, m_previous));
        if (delta)
            tip += u" (%1)"_s.arg(Formatting::signedPercent(*delta));
        return tip;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> DashboardCardsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(CardRole, "card");
    names.insert(ValueTextRole, "valueText");
    names.insert(ValueRole, "value");
    names.insert(PreviousTextRole, "previousText");
    names.insert(PreviousValueRole, "previousValue");
    names.insert(ChangeRole, "change");
    names.insert(ChangeTextRole, "changeText");
    names.insert(UpIsGoodRole, "upIsGood");
    names.insert(ChangeMeaningRole, "changeMeaning");
    names.insert(DetailRole, "detail");
    return names;
}
