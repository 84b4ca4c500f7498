#pragma once

#include "exchangecodec.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

// GET /v1/models, /v1/models/{id}, /v1beta/models and /v1beta/models/{model}: the models a client can ask the
// gateway for, in its own API's shape. OpenAI's list; Anthropic's (type "model", display_name, created_at,
// has_more, first_id, last_id) when the request carries anthropic-version or x-api-key; Google's under
// /v1beta (name "models/…", supportedGenerationMethods). Not model requests: no record.
namespace ModelListing {

struct Model
{
    QString provider;
    QString id; // "provider/model", what a client names in its requests
    qint64 inputTokenLimit = 0;
    qint64 outputTokenLimit = 0;
    bool embeddings = false; // an embeddings model (OpenAI's endpoint only): not listed for Gemini clients
};

// What a GET asks for: the list (empty id) or one model, in which client's shape.
struct Query
{
    ClientFormat format = ClientFormat::OpenAI;
    QString id;
};
// nullopt when `path` is not a listing path. `anthropicClient`: the request carries anthropic-version or
// x-api-key.
std::optional<Query> queryFor(const QByteArray &path, bool anthropicClient);

QByteArray listBody(const QList<Model> &models, ClientFormat format);
// The model a client named: its "provider/model" id, or a bare model name (the first provider listing it).
const Model *find(const QList<Model> &models, const QString &id);
QByteArray modelBody(const Model &model, ClientFormat format);
// 404 for a model the gateway cannot reach, in the client's envelope.
ProxyError notFound(const QString &id);

} // namespace ModelListing
