#pragma once

#include <QByteArray>
#include <QString>

class QSettings;

// What the window remembers between runs (geometry, toolbar/dock state, splitter, last page), read and
// written through QSettings under "window/". A layout version guards the opaque blobs: when the layout
// changes, bump kLayoutVersion and old blobs are ignored instead of restoring a layout that no longer fits.
struct WindowState
{
    static constexpr int kLayoutVersion = 1;

    QByteArray geometry; // QWidget::saveGeometry
    QByteArray state; // QMainWindow::saveState(kLayoutVersion)
    QByteArray splitter; // QSplitter::saveState
    QString page; // the last page's key (its objectName)

    static WindowState load(const QSettings &settings);
    void save(QSettings &settings) const;
    static void savePage(QSettings &settings, const QString &page);
};
