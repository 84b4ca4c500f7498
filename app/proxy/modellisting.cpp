#include "modellisting.h"

#include "jsonscan.h"

using namespace Qt::StringLiterals;

namespace ModelListing {
namespace {

// The catalog has no release dates; a fixed, valid timestamp keeps clients that parse it working.
constexpr char createdAt[] = "1970-01-01T00:00:00Z";

QByteArray openAIModel(const Model &model)
{
    return "{\"id\":" + JsonScan::quote(model.id)
        + ",\"object\":\"model\",\"created\":0,\"owned_by\":" + JsonScan::quote(model.provider) + '}';
}

QByteArray anthropicModel(const Model &model)
{
    return "{\"type\":\"model\",\"id\":" + JsonScan::quote(model.id)
        + ",\"display_name\":" + JsonScan::quote(model.id) + ",\"created_at\":\"" + createdAt + "\"}";
}

QByteArray geminiModel(const Model &model)
{
    QByteArray out = "{\"name\":" + JsonScan::quote(QString(u"models/"_s + model.id))
        + ",\"version\":\"\",\"displayName\":" + JsonScan::quote(model.id)
        + ",\"description\":" + JsonScan::quote(u"%1 through the gateway"_s.arg(model.id));
    if (model.inputTokenLimit > 0)
        out += ",\"inputTokenLimit\":" + QByteArray::number(model.inputTokenLimit);
    if (model.outputTokenLimit > 0)
        out += ",\"outputTokenLimit\":" + QByteArray::number(model.outputTokenLimit);
    return out
        + ",\"supportedGenerationMethods\":[\"generateContent\",\"streamGenerateContent\",\"countTokens\"]}";
}

} // namespace

std::optional<Query> queryFor(const QByteArray &path, bool anthropicClient)
{
    static const QByteArray gemini = "/v1beta/models";
    static const QByteArray geminiSlash = gemini + '/';
    const auto idAfter = [&path](qsizetype prefix) {
        return QString::fromUtf8(QByteArray::fromPercentEncoding(path.sliced(prefix)));
    };
    if (path == gemini || path == geminiSlash)
        return Query { ClientFormat::Gemini, {} };
    if (path.startsWith(geminiSlash)) {
        if (path.indexOf(':', gemini.size()) >= 0)
            return std::nullopt; // a method: generateContent, countTokens …
        return Query { ClientFormat::Gemini, idAfter(gemini.size() + 1) };
    }
    const ClientFormat format = anthropicClient ? ClientFormat::Anthropic : ClientFormat::OpenAI;
    for (const QByteArrayView prefix : { QByteArrayView("/v1/models"), QByteArrayView("/models") }) {
        if (path == prefix)
            return Query { format, {} };
        if (path.startsWith(prefix) && path.size() > prefix.size() + 1 && path.at(prefix.size()) == '/')
            return Query { format, idAfter(prefix.size() + 1) };
    }
    return std::nullopt;
}

QByteArray listBody(const QList<Model> &models, ClientFormat format)
{
    QByteArray items;
    const Model *first = nullptr;
    const Model *last = nullptr;
    for (const Model &model : models) {
        if (format == ClientFormat::Gemini && model.embeddings)
            continue;
        if (!items.isEmpty())
            items += ',';
        items += format == ClientFormat::Gemini ? geminiModel(model)
            : format == ClientFormat::Anthropic ? anthropicModel(model)
                                                : openAIModel(model);
        first = first ? first : &model;
        last = &model;
    }
    if (format == ClientFormat::Gemini)
        return "{\"models\":[" + items + "]}";
    if (format == ClientFormat::Anthropic) {
        return "{\"data\":[" + items
            + "],\"has_more\":false,\"first_id\":" + (first ? JsonScan::quote(first->id) : QByteArray("null"))
            + ",\"last_id\":" + (last ? JsonScan::quote(last->id) : QByteArray("null")) + '}';
    }
    return "{\"object\":\"list\",\"data\":[" + items + "]}";
}

const Model *find(const QList<Model> &models, const QString &id)
{
    const Model *bare = nullptr;
    for (const Model &model : models) {
        if (model.id == id)
            return &model;
        if (!bare && model.id == model.provider % u'/' % id)
            bare = &model;
    }
    return bare;
}

QByteArray modelBody(const Model &model, ClientFormat format)
{
    if (format == ClientFormat::Gemini)
        return geminiModel(model);
    return format == ClientFormat::Anthropic ? anthropicModel(model) : openAIModel(model);
}

ProxyError notFound(const QString &id)
{
    return ProxyError::modelNotFound(
        u"The model '%1' does not exist or this gateway has no configured provider for it."_s.arg(id));
}

} // namespace ModelListing
