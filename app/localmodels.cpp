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

QList<LocalModels::Model> LocalModels::models() const
{
    QReadLocker locker(&m_lock);
    QList<Model> all;
    for (auto it = m_byProvider.cbegin(); it != m_byProvider.cend(); ++it) {
        for (const QString &id : it.value())
            all.append({ it.key(), id });
    }
    return all;
}

QStringList LocalModels::providersOf(const QString &model) const
{
    QReadLocker locker(&m_lock);
    QStringList providers;
    for (auto it = m_byProvider.cbegin(); it != m_byProvider.cend(); ++it) {
        if (it.value().contains(model))
            providers.append(it.key());
    }
    return providers;
}

bool LocalModels::set(const QString &provider, const QStringList &models)
{
    QWriteLocker locker(&m_lock);
    if (m_byProvider.value(provider) == models)
        return false;
    if (models.isEmpty())
        m_byProvider.remove(provider);
    else
        m_byProvider.insert(provider, models);
    m_generation.fetch_add(1, std::memory_order_release);
    return true;
}

void discoverLocalModels(const QList<ProviderConfig> &providers, int timeoutMs, LocalModels &into)
{
    QNetworkAccessManager network;
    QEventLoop loop;
    int pending = 0;
    for (const ProviderConfig &provider : providers) {
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
                if (into.set(id, names))
                    qCInfo(lcDiscovery).noquote() << id << "serves" << names.size() << "models";
            } else if (into.set(id, {})) {
                qCInfo(lcDiscovery).noquote() << id << "not reachable:" << reply->errorString();
            }
            if (--pending == 0)
                loop.quit();
        });
    }
    if (pending > 0) {
        QTimer::singleShot(timeoutMs + 500, &loop, &QEventLoop::quit);
        loop.exec();
    }
}
