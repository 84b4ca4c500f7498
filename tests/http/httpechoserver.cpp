// A child process for tst_httpserver: an HttpServer whose handler answers every request at once (as the
// gateway does for /health, 401 and 404), so a test can hammer it and see whether the process survives.
// Prints "port <n>" when listening; runs until killed.

#include "httpserver.h"

#include <QCoreApplication>
#include <cstdio>

namespace {
class ImmediateHandler final : public HttpHandler
{
public:
    void handle(HttpRequest &&request, HttpResponder responder) override
    {
        responder.respond(200, "text/plain", request.target);
    }
};
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    HttpServer::Options options;
    options.workerCount = 1;
    HttpServer server(options, [] { return std::make_unique<ImmediateHandler>(); });
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        std::fprintf(stderr, "cannot listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    std::printf("port %u\n", unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
