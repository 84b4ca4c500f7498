#include "geminiembeddings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>

#include <bit>

using namespace Qt::StringLiterals;

namespace GeminiEmbeddings {

std::optional<UpstreamCall> fromOpenAIRequest(
    const QJsonObject &openai, const QString &upstreamModel, QString *error)
{
    const QJsonValue input = openai.value(u"input");
    QStringList texts;
    if (input.isString()) {
        texts.append(input.toString());
    } else {
        for (const QJsonValue &item : input.toArray()) {
            if (!item.isString()) {
                *error
                    = u"Gemini embeds text only: 'input' must be a string or an array of strings, not tokens."_s;
                return std::nullopt;
            }
            texts.append(item.toString());
        }
    }
    if (texts.isEmpty()) {
        *error = u"'input' must not be empty"_s;
        return std::nullopt;
    }
    UpstreamCall call;
    const QString modelName = u"models/"_s + upstreamModel;
    QJsonArray requests;
    for (const QString &text : std::as_const(texts)) {
        QJsonObject request { { u"model"_s, modelName },
            { u"content"_s,
                QJsonObject { { u"parts"_s, QJsonArray { QJsonObject { { u"text"_s, text } } } } } } };
        if (openai.value(u"dimensions").isDouble())
            request.insert(u"outputDimensionality"_s, openai.value(u"dimensions").toInt());
        requests.append(request);
        call.inputBytes += text.toUtf8().size();
    }
    call.path = "/v1beta/models/" + upstreamModel.toUtf8() + ":batchEmbedContents";
    call.body = QJsonDocument(QJsonObject { { u"requests"_s, requests } }).toJson(QJsonDocument::Compact);
    call.base64 = openai.value(u"encoding_format").toString() == u"base64";
    return call;
}

std::optional<QJsonObject> toOpenAIResponse(
    const QByteArray &body, const QString &requestedModel, bool base64, QString *error)
{
    const QJsonArray embeddings = QJsonDocument::fromJson(body).object().value(u"embeddings").toArray();
    if (embeddings.isEmpty()) {
        *error = u"the upstream's answer holds no embeddings"_s;
        return std::nullopt;
    }
    QJsonArray data;
    for (qsizetype i = 0; i < embeddings.size(); ++i) {
        const QJsonArray values = embeddings.at(i).toObject().value(u"values").toArray();
        QJsonValue embedding = values;
        if (base64) { // little-endian float32, as OpenAI sends it
            QByteArray packed;
            for (const QJsonValue &value : values) {
                const quint32 bits = qToLittleEndian(std::bit_cast<quint32>(float(value.toDouble())));
                packed.append(reinterpret_cast<const char *>(&bits), sizeof bits);
            }
            embedding = QString::fromLatin1(packed.toBase64());
        }
        data.append(QJsonObject {
            { u"object"_s, u"embedding"_s }, { u"index"_s, int(i) }, { u"embedding"_s, embedding } });
    }
    return QJsonObject { { u"object"_s, u"list"_s }, { u"data"_s, data }, { u"model"_s, requestedModel } };
}

} // namespace GeminiEmbeddings
