#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// The bytes of an OpenAI chat.completion.chunk carrying one text delta for choice 0, exactly as QJsonDocument
// writes the chunk object the stream translators build (members sorted), with `jsonText` (a JSON string
// literal, quotes included, as the upstream escaped it) copied in place. The translators' fast path for the
// commonest event of a stream: no document is built.
namespace TextDeltaChunk {
QByteArray build(QByteArrayView jsonText, qint64 created, const QString &id, const QString &model);
} // namespace TextDeltaChunk
