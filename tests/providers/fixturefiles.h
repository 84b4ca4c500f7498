#pragma once

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

// Reading the provider suites' fixture files (a missing or malformed fixture stops the suite with its path),
// one data row per fixture, and JSON compared as text.
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

// One data row "fixture" (QJsonObject) per *.json file in `directory`, named after the file.
inline void addRows(const QString &directory)
{
    QTest::addColumn<QJsonObject>("fixture");
    const QDir dir(directory);
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        qFatal("no fixtures in %s", qPrintable(dir.path()));
    for (const QString &file : files)
        QTest::newRow(qPrintable(file.chopped(5))) << readObject(dir.filePath(file));
}

// Compact text (keys sorted, 1024.0 written as 1024): what the suites compare, readable when it fails.
inline QByteArray text(const QJsonValue &value)
{
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

} // namespace FixtureFiles

#define COMPARE_JSON(actual, expected) QCOMPARE(FixtureFiles::text(actual), FixtureFiles::text(expected))
