#pragma once

#include "apicall.h"
#include "httpresponder.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcApi)

// Serves the management API (/api/v1/...) on one worker thread: authenticates the bearer personal access
// token, parses the JSON body and hands the call to its resource; answers errors as
// {"error":{"message","code"}}. The proxy's handler owns one per worker and passes it every /api/v1/ request.
class ApiHandler final
{
public:
    explicit ApiHandler(const ApiContext &context);

    static bool handles(const QByteArray &path) { return path.startsWith("/api/v1/"); }
    void handle(const HttpRequest &request, HttpResponder &responder);

private:
    ApiReply dispatch(const HttpRequest &request);

    ApiContext m_context;
};
