#include "fakestructuredanswer.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace FakeStructuredAnswer {
namespace {

QJsonValue valueFor(const QJsonObject &schema, const QString &text)
{
    const QJsonArray choices = schema.value(u"enum").toArray();
    if (!choices.isEmpty())
        return choices.first();
    const QString type = schema.value(u"type").toString().toLower();
    if (type == u"object") {
        QJsonObject object;
        const QJsonObject properties = schema.value(u"properties").toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it)
            object.insert(it.key(), valueFor(it.value().toObject(), text));
        return object;
    }
    if (type == u"string")
        return text;
    if (type == u"integer" || type == u"number")
        return schema.value(u"minimum").toDouble(1);
    if (type == u"boolean")
        return true;
    if (type == u"array")
        return QJsonArray { valueFor(schema.value(u"items").toObject(), text) };
    return QJsonValue::Null;
}

} // namespace

QString json(const QJsonObject &schema, const QString &text)
{
    const QJsonValue value = valueFor(schema, text);
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    // A scalar: wrapped in an array to serialise, then unwrapped.
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

QJsonObject openAISchema(const QJsonObject &chatRequest)
{
    const QJsonObject format = chatRequest.value(u"response_format").toObject();
    if (format.value(u"type").toString() != u"json_schema")
        return {};
    return format.value(u"json_schema").toObject().value(u"schema").toObject();
}

QJsonObject responsesSchema(const QJsonObject &responsesRequest)
{
    const QJsonObject format = responsesRequest.value(u"text").toObject().value(u"format").toObject();
    if (format.value(u"type").toString() != u"json_schema")
        return {};
    return format.value(u"schema").toObject();
}

QJsonObject anthropicSchema(const QJsonObject &messagesRequest)
{
    const QJsonObject format = messagesRequest.value(u"output_config").toObject().value(u"format").toObject();
    if (format.value(u"type").toString() != u"json_schema")
        return {};
    return format.value(u"schema").toObject();
}

QJsonObject geminiSchema(const QJsonObject &generateContentRequest)
{
    const QJsonObject config = generateContentRequest.value(u"generationConfig").toObject();
    if (config.value(u"responseMimeType").toString() != u"application/json")
        return {};
    if (config.value(u"responseJsonSchema").isObject())
        return config.value(u"responseJsonSchema").toObject();
    return config.value(u"responseSchema").toObject();
}

} // namespace FakeStructuredAnswer
