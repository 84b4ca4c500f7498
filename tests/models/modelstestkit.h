#pragma once

#include "apiclient.h"
#include "apiteam.h"

#include <QTest>
#include <functional>
#include <memory>
#include <optional>

// What the models' integration suites share: a real Gateway with its team (ApiTeam) and an ApiClient
// pointed at it with the owner's token, plus traffic made through the proxy.
class ModelsGateway final
{
    Q_DISABLE_COPY_MOVE(ModelsGateway)
public:
    ModelsGateway() = default;

    bool start(QString *error) { return start(ProxyHarness::Options(), error); }
    // options.clock: a TestClock puts the records at times the test chooses.
    bool start(const ProxyHarness::Options &options, QString *error);
    ApiTeam &team() { return m_team; }
    ApiClient &client() { return *m_client; }
    QUrl url();

    // `count` chat completions for `model` with the harness's own key (or `apiKey`); true when all got 200
    // (or, for models named fake-error-<status>, that status).
    bool chat(const QString &model, int count = 1, const QByteArray &apiKey = {});
    // Waits until the store holds `count` records, so that usage and logs include them.
    bool waitForRecords(qsizetype count);

private:
    ApiTeam m_team;
    std::unique_ptr<ApiClient> m_client;
};

// Runs the event loop until `call(context, done)` delivers its answer, at most `timeoutMs`.
template<class T>
std::optional<ApiResult<T>> await(
    const std::function<void(QObject *, ApiClient::Callback<T>)> &call, int timeoutMs = 10'000)
{
    std::optional<ApiResult<T>> result;
    QObject context;
    call(&context, [&result](const ApiResult<T> &answer) { result = answer; });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, timeoutMs))
        qWarning("no answer from the gateway within %d ms", timeoutMs);
    return result;
}

// Shorthands for the calls the suites make most.
std::optional<ApiResult<UsageData>> awaitUsage(ApiClient &client, const UsageQuery &query);
std::optional<ApiResult<StatusInfo>> awaitStatus(ApiClient &client);
