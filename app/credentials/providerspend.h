#pragma once

#include <QDateTime>
#include <QHash>
#include <QMutex>

// What each provider has cost this UTC calendar month, for the providers' monthly spend limits: seeded from
// the recorded requests at start, then added to as this process records requests; back to 0 when a new
// month begins. Thread-safe.
class ProviderSpend final
{
    Q_DISABLE_COPY_MOVE(ProviderSpend)
public:
    ProviderSpend() = default;

    static QDateTime monthStart(const QDateTime &at);
    static QDateTime nextMonthStart(const QDateTime &at);

    // The month's totals by provider as the records have them, as of `now`.
    void seed(const QHash<QString, double> &totals, const QDateTime &now);
    // A request to `provider` that arrived at `at` and cost `cost`; counted only when it arrived this month.
    void add(const QString &provider, double cost, const QDateTime &at, const QDateTime &now);
    double thisMonth(const QString &provider, const QDateTime &now);

private:
    void roll(const QDateTime &now);

    QMutex m_mutex;
    QDateTime m_monthStart;
    QHash<QString, double> m_totals;
};
