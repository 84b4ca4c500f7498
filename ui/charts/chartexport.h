#pragma once

#include <QByteArray>
#include <QString>

class QWidget;
struct ChartData;

// A chart's numbers and picture to files, without dialogs (the view asks for the file name; tests call
// these directly). Errors come back as a sentence a user can act on.
namespace ChartExport {

// RFC 4180 CSV: one row per bucket with its start and end (ISO 8601, UTC) and each series' raw number,
// empty where nothing was measured; the header names every column with its unit, e.g. "Cost (USD)".
QByteArray toCsv(const ChartData &data);
bool writeCsv(const ChartData &data, const QString &path, QString *error);
// The widget as it is on screen, at the screen's device pixel ratio (a 2× screen gives a 2× image).
bool writePng(QWidget *widget, const QString &path, QString *error);

} // namespace ChartExport
