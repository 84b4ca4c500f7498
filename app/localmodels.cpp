#include "localmodels.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

Q_LOGGING_CATEGORY(lcDiscovery, "gateway.discovery", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace {

// The model names in an Ollama /api/tags answer ({"models":[{"name":…}]}) or an OpenAI-style list
// ({"data":[{"id":…}]}, LM Studio).
QStringList modelNames(const QJsonObject &answer)
{
    QStringList names;
    for (const QJsonValue &model : answer.value(u"models").toArray())
        names.append(model.toObject().value(u"name").toString());
    for (const QJsonValue &model : answer.value(u"data").toArray())
        names.append(model.toObject().value(u"id").toString());
    names.removeAll(QString());
    return names;
}

} // namespace

ModelCatalog discoverLocalModels(const GatewayConfig &config, int timeoutMs)
{
    ModelCatalog found;
    QNetworkAccessManager network;
    QEventLoop loop;
    int pending = 0;
    for (const ProviderConfig &provider : config.providers) {
        if (!provider.spec.local)
            continue;
        const QString path = provider.spec.id == u"ollama" ? u"/api/tags"_s : u"/v1/models"_s;
        QNetworkRequest request(QUrl(provider.baseUrl + path));
        request.setTransferTimeout(timeoutMs);
        QNetworkReply *reply = network.get(request);
        ++pending;
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, id = provider.spec.id] {
            reply->deleteLater();
            if (reply->error() == QNetworkReply::NoError) {
                const QStringList names = modelNames(QJsonDocument::fromJson(reply->readAll()).object());
                for (const QString &name : names) {
                    ModelInfo model;
                    model.provider = id;
                    model.id = name;
                    model.price = ModelPrice{}; // free: it runs on the user's machine
                    found.insert(model);
                }
                qCInfo(lcDiscovery).noquote() << id << "serves" << names.size() << "models";
            } else {
                qCDebug(lcDiscovery).noquote() << id << "not reachable:" << reply->errorString();
            }
            if (--pending == 0)
                loop.quit();
        });
    }
    if (pending > 0) {
        QTimer::singleShot(timeoutMs + 500, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return found;
}
