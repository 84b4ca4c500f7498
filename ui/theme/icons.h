#pragma once

#include <QIcon>
#include <QStringList>

// The window's own icons, drawn as vector paths at whatever size and device pixel ratio they are asked for
// (crisp on high-DPI screens) in the palette's text colour at paint time, so they follow light and dark.
// Names: "dashboard", "usage", "refresh", "back", "save", "copy", "play", "pause", "stop".
namespace Icons {

// A null QIcon for an unknown name (and a warning in gateway.ui).
QIcon icon(const QString &name);
QStringList names();

} // namespace Icons
