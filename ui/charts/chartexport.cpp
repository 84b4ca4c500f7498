#include "chartexport.h"

#include "chartdata.h"

#include <QPixmap>
#include <QSaveFile>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace ChartExport {

namespace {

QString field(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

QString iso(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

} // namespace

QByteArray toCsv(const ChartData &data)
{
    QStringList header { u"start (UTC)"_s, u"end (UTC)"_s };
    for (const ChartData::Column &c : data.columns)
        header.append(field(c.unitWord.isEmpty() ? c.name : c.name + u" ("_s + c.unitWord + u')'));
    QString out = header.join(u',') + u"\r\n"_s;
    for (int row = 0; row < data.bucketCount(); ++row) {
        QStringList line { iso(data.starts[row]), iso(data.ends[row]) };
        for (const ChartData::Column &c : data.columns) {
            const auto &v = c.values.value(row);
            // Full precision: the CSV is for further work, not for reading; 'g' with 17 digits round-trips.
            line.append(v ? QString::number(*v, 'g', 17) : QString());
        }
        out += line.join(u',') + u"\r\n"_s;
    }
    return out.toUtf8();
}

bool writeCsv(const ChartData &data, const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = u"Could not write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    file.write(toCsv(data));
    if (!file.commit()) {
        if (error)
            *error = u"Could not write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

bool writePng(QWidget *widget, const QString &path, QString *error)
{
    // grab() renders at the widget's device pixel ratio already, so the image is as sharp as the screen.
    const QPixmap pixmap = widget->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        if (error)
            *error = u"Could not save the picture to %1."_s.arg(path);
        return false;
    }
    return true;
}

} // namespace ChartExport
