#pragma once

#include "formatting.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

class QAbstractItemModel;

// A series model read into plain values: bucket starts and ends, and each series column's name, unit
// and numbers. The chart, its hover box, its accessible text and its CSV export all read the same copy.
//
// The model is a UsageSeriesModel or any table shaped like it: column 0 holds each bucket's start in
// BucketStartRole (Qt::UserRole + 1, a UTC QDateTime), the other columns numbers in ValueRole
// (Qt::UserRole + 2, a double, or an invalid QVariant for "nothing measured") and unit words in UnitRole
// (Qt::UserRole + 3), with the series names as horizontal header data.
struct ChartData
{
    static constexpr int kBucketStartRole = Qt::UserRole + 1;
    static constexpr int kValueRole = Qt::UserRole + 2;
    static constexpr int kUnitRole = Qt::UserRole + 3;

    struct Column
    {
        int column = 0; // in the model
        QString name;
        QString unitWord; // as the model says it: "tokens", "USD" …
        Formatting::Unit unit = Formatting::Unit::Count;
        QList<std::optional<double>> values; // one per bucket
    };

    QList<QDateTime> starts; // UTC
    QList<QDateTime> ends; // the next bucket's start; the last one's from `bucket`
    QList<Column> columns;

    // `bucket` ("minute", "hour", "day", "week", "month" or empty) sizes the last bucket; without it the
    // last bucket is as long as the one before.
    static ChartData read(const QAbstractItemModel *model, const QString &bucket = {});
    // Re-reads only the numbers (the same buckets and columns): what a live update changes.
    void readValues(const QAbstractItemModel *model);

    int bucketCount() const { return int(starts.size()); }
    // Nothing to draw: no buckets, or only zero amounts and no measured rate or latency.
    bool isEmpty() const;
    // The bucket whose [start, end) holds `ms`, or the nearest one; -1 without buckets.
    int bucketAt(qint64 ms) const;
    static QDateTime bucketEnd(const QDateTime &start, const QString &bucket);
};
