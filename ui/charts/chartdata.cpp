#include "chartdata.h"

#include "chartscales.h"

#include <QAbstractItemModel>
#include <algorithm>

using namespace Qt::StringLiterals;

ChartData ChartData::read(const QAbstractItemModel *model, const QString &bucket)
{
    ChartData data;
    if (!model)
        return data;
    const int rows = model->rowCount();
    const int columns = model->columnCount();
    for (int row = 0; row < rows; ++row)
        data.starts.append(model->index(row, 0).data(kBucketStartRole).toDateTime().toUTC());
    for (int row = 0; row < rows; ++row) {
        if (row + 1 < rows)
            data.ends.append(data.starts[row + 1]);
        else if (!bucket.isEmpty())
            data.ends.append(bucketEnd(data.starts[row], bucket));
        else if (rows > 1)
            data.ends.append(data.starts[row].addMSecs(data.starts[row - 1].msecsTo(data.starts[row])));
        else
            data.ends.append(data.starts[row].addSecs(3600));
    }
    for (int column = 1; column < columns; ++column) {
        Column c;
        c.column = column;
        c.name = model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        c.unitWord = model->headerData(column, Qt::Horizontal, kUnitRole).toString();
        if (c.unitWord.isEmpty() && rows > 0)
            c.unitWord = model->index(0, column).data(kUnitRole).toString();
        c.unit = ChartScales::unitFromWord(c.unitWord);
        data.columns.append(c);
    }
    data.readValues(model);
    return data;
}

void ChartData::readValues(const QAbstractItemModel *model)
{
    for (Column &c : columns) {
        c.values.clear();
        c.values.reserve(starts.size());
        for (int row = 0; row < starts.size(); ++row) {
            const QVariant v = model->index(row, c.column).data(kValueRole);
            c.values.append(v.isValid() ? std::optional<double>(v.toDouble()) : std::nullopt);
        }
    }
}

bool ChartData::isEmpty() const
{
    if (starts.isEmpty())
        return true;
    // Amounts are zero in a bucket without requests, so zeros alone mean nothing happened; a rate or a
    // latency exists only where there were requests, so even 0 % (no errors at all) is something to show.
    return std::none_of(columns.cbegin(), columns.cend(), [](const Column &c) {
        const bool measured = c.unit == Formatting::Unit::Percent || c.unit == Formatting::Unit::Milliseconds
            || c.unit == Formatting::Unit::TokensPerSecond;
        return std::any_of(c.values.cbegin(), c.values.cend(),
            [measured](const auto &v) { return v && (measured || *v != 0.0); });
    });
}

int ChartData::bucketAt(qint64 ms) const
{
    if (starts.isEmpty())
        return -1;
    if (ms < starts.first().toMSecsSinceEpoch())
        return 0;
    // Buckets are in time order: the last whose start is at or before `ms`.
    const auto it = std::upper_bound(starts.cbegin(), starts.cend(), ms,
        [](qint64 t, const QDateTime &start) { return t < start.toMSecsSinceEpoch(); });
    return int(std::distance(starts.cbegin(), it)) - 1;
}

QDateTime ChartData::bucketEnd(const QDateTime &start, const QString &bucket)
{
    if (bucket == "minute"_L1)
        return start.addSecs(60);
    if (bucket == "hour"_L1)
        return start.addSecs(3600);
    if (bucket == "day"_L1)
        return start.addDays(1);
    if (bucket == "week"_L1)
        return start.addDays(7);
    if (bucket == "month"_L1)
        return start.addMonths(1);
    return start.addSecs(3600);
}
