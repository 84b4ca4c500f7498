#pragma once

#include "responsesinbound.h"

// What the parts of the Responses request translation share (not for use outside ResponsesInbound).
namespace ResponsesInbound {

// "where[index]", for error messages that point into the request.
QString at(const QString &where, qsizetype index);
// Fails a translation: sets the message and the parameter it is about.
std::nullopt_t refuse(QString *error, QByteArray *param, const QString &message, const QByteArray &about);
// A namespace tool's function as it goes upstream: "<namespace>__<name>".
QString flattenedName(const QString &space, const QString &name);
// The input items (and instructions) → Chat Completions messages.
std::optional<QJsonArray> messagesFrom(const QJsonObject &request, QString *error, QByteArray *param);

} // namespace ResponsesInbound
