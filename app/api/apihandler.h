#pragma once

#include "apicall.h"
#include "httpresponder.h"

#include <QLoggingCategory>
#include <QObject>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcApi)

// Serves the management API (/api/v1/...) for one worker thread: parses the JSON body, finds the call in the
// route table (ApiRoutes), refuses secrets over plain HTTP from other machines, authenticates the bearer
// personal access token, checks the route's role gate and hands the call to its handler; answers errors as
// {"error":{"message","code"}}. The proxy's handler owns one per worker and passes it every /api/v1/ request.
//
// Calls run on the API's own thread pool (ApiContext::pool), never on the worker: sign-in (PBKDF2), the
// keychain and exports of the whole store take long, and the proxy requests the worker serves must not wait
// behind them. Answers come back to the worker's thread, where the connection lives.
class ApiHandler final
{
public:
    explicit ApiHandler(const ApiContext &context); // in the worker's thread
    ~ApiHandler(); // waits for the calls still running on the pool

    static bool handles(const QByteArray &path) { return path.startsWith("/api/v1/"); }
    void handle(const HttpRequest &request, const HttpResponder &responder);
    // A request the HTTP layer refused after its head (413: the body is too large), answered in the API's
    // error format.
    static void rejected(int status, const QByteArray &message, HttpResponder &responder);

private:
    struct InFlight;
    static ApiReply dispatch(const ApiContext &context, const HttpRequest &request,
        const QString &clientAddress, bool confidential);

    ApiContext m_context;
    std::unique_ptr<QObject> m_home; // lives in the worker's thread: answers are delivered through it
    std::shared_ptr<InFlight> m_inFlight;
};
