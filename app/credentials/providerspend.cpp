#include "providerspend.h"

QDateTime ProviderSpend::monthStart(const QDateTime &at)
{
    const QDate date = at.toUTC().date();
    return QDateTime(QDate(date.year(), date.month(), 1), QTime(0, 0), Qt::UTC);
}

QDateTime ProviderSpend::nextMonthStart(const QDateTime &at)
{
    return monthStart(at).addMonths(1);
}

void ProviderSpend::roll(const QDateTime &now)
{
    // Also when the wall clock was set back: the totals belong to another month than this one.
    const QDateTime start = monthStart(now);
    if (start != m_monthStart) {
        m_monthStart = start;
        m_totals.clear();
    }
}

void ProviderSpend::seed(const QHash<QString, double> &totals, const QDateTime &now)
{
    QMutexLocker locker(&m_mutex);
    m_monthStart = monthStart(now);
    m_totals = totals;
}

void ProviderSpend::add(const QString &provider, double cost, const QDateTime &at, const QDateTime &now)
{
    QMutexLocker locker(&m_mutex);
    roll(now);
    if (at >= m_monthStart)
        m_totals[provider] += cost;
}

double ProviderSpend::thisMonth(const QString &provider, const QDateTime &now)
{
    QMutexLocker locker(&m_mutex);
    roll(now);
    return m_totals.value(provider);
}
