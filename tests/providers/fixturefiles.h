#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

// Reading the provider suites' fixture files; a missing or malformed fixture stops the suite with its path.
namespace FixtureFiles {

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture %s", qPrintable(path));
    return file.readAll();
}

inline QJsonObject readObject(const QString &path)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(readFile(path), &error);
    if (!document.isObject())
        qFatal("fixture %s is not a JSON object: %s", qPrintable(path), qPrintable(error.errorString()));
    return document.object();
}

} // namespace FixtureFiles
