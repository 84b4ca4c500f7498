#include "recordcolumns.h"

#include <QStringList>

#include <cstdio>

namespace RecordColumns {

QString list()
{
    QStringList names;
    for (const char *name : kNames)
        names.append(QLatin1String(name));
    return names.join(QStringLiteral(", "));
}

QByteArray isoUtc(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    const QDate date = utc.date();
    const QTime clock = utc.time();
    char text[32];
    const int length = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year(),
        date.month(), date.day(), clock.hour(), clock.minute(), clock.second(), clock.msec());
    return QByteArray(text, length);
}

} // namespace RecordColumns
