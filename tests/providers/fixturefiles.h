#pragma once

#include "sseevent.h"

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
    const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
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

// Splits a recorded stream into its events as the proxy's SSE reader hands them over: CRLF or LF, blocks
// ended by a blank line (the last one also by the end of the text), `data:` lines joined with '\n'.
inline QList<SseEvent> parseSse(QByteArray text)
{
    text.replace("\r\n", "\n");
    QList<SseEvent> events;
    qsizetype position = 0;
    while (position < text.size()) {
        qsizetype end = text.indexOf("\n\n", position);
        if (end < 0)
            end = text.size();
        SseEvent event;
        QByteArrayList data;
        for (const QByteArray &line : text.mid(position, end - position).split('\n')) {
            const auto value = [&line](int skip) {
                const QByteArray rest = line.mid(skip);
                return rest.startsWith(' ') ? rest.mid(1) : rest;
            };
            if (line.startsWith("data:"))
                data.append(value(5));
            else if (line.startsWith("event:"))
                event.event = value(6).trimmed();
        }
        if (!data.isEmpty() || !event.event.isEmpty()) {
            event.data = data.join('\n');
            events.append(event);
        }
        position = end + 2;
    }
    return events;
}

} // namespace FixtureFiles

#define COMPARE_JSON(actual, expected) QCOMPARE(FixtureFiles::text(actual), FixtureFiles::text(expected))
