#include "modelstestkit.h"

#include "testhttp.h"

using namespace Qt::StringLiterals;

bool ModelsGateway::start(const ProxyHarness::Options &options, QString *error)
{
    if (!m_team.start(options, error))
        return false;
    m_client = std::make_unique<ApiClient>();
    m_client->setBaseUrl(url());
    m_client->setToken(m_team.owner.token);
    return true;
}

QUrl ModelsGateway::url()
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_team.harness().port()));
}

bool ModelsGateway::chat(const QString &model, int count, const QByteArray &apiKey)
{
    const QByteArray key = apiKey.isEmpty() ? m_team.harness().apiKey() : apiKey;
    const int expected = model.contains(u"fake-error-"_s) ? model.section(u'-', -1).toInt() : 200;
    for (int i = 0; i < count; ++i) {
        const int status = m_team.chat(key, model).status;
        if (status != expected) {
            qWarning() << "chat" << model << "answered" << status << "not" << expected;
            return false;
        }
    }
    return true;
}

bool ModelsGateway::waitForRecords(qsizetype count)
{
    return m_team.harness().waitForRecords(count).size() >= count;
}

std::optional<ApiResult<UsageData>> awaitUsage(ApiClient &client, const UsageQuery &query)
{
    return await<UsageData>([&](QObject *context, ApiClient::Callback<UsageData> done) {
        client.usage(u"test-usage"_s, query, context, std::move(done));
    });
}

std::optional<ApiResult<StatusInfo>> awaitStatus(ApiClient &client)
{
    return await<StatusInfo>([&](QObject *context, ApiClient::Callback<StatusInfo> done) {
        client.status(u"test-status"_s, context, std::move(done));
    });
}
