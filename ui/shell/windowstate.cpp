#include "windowstate.h"

#include <QSettings>

namespace {
const QString kVersion = QStringLiteral("window/layoutVersion");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSplitter = QStringLiteral("window/splitter");
const QString kPage = QStringLiteral("window/page");
} // namespace

WindowState WindowState::load(const QSettings &settings)
{
    WindowState loaded;
    loaded.page = settings.value(kPage).toString();
    // Geometry is only where the window was, valid whatever the layout; the other blobs describe the layout.
    loaded.geometry = settings.value(kGeometry).toByteArray();
    if (settings.value(kVersion).toInt() != kLayoutVersion)
        return loaded;
    loaded.state = settings.value(kState).toByteArray();
    loaded.splitter = settings.value(kSplitter).toByteArray();
    return loaded;
}

void WindowState::save(QSettings &settings) const
{
    settings.setValue(kVersion, kLayoutVersion);
    settings.setValue(kGeometry, geometry);
    settings.setValue(kState, state);
    settings.setValue(kSplitter, splitter);
    if (!page.isEmpty())
        settings.setValue(kPage, page);
}

void WindowState::savePage(QSettings &settings, const QString &page)
{
    settings.setValue(kPage, page);
}
