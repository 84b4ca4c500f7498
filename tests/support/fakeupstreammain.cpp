// fake-upstream: the FakeUpstream as a process, for end-to-end tests that drive the real gateway binary.

#include "fakeupstream.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe work here; the event loop picks the byte up.
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

int intOption(const QCommandLineParser &parser, const QString &name, int max)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < 0 || value > max) {
        std::fprintf(stderr, "fake-upstream: --%s must be a number from 0 to %d\n", qPrintable(name), max);
        std::exit(2);
    }
    return value;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fake-upstream"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A fake OpenAI, Anthropic and Gemini API on 127.0.0.1 for tests. Prints its URL (the base URL for "
        "ANTHROPIC_BASE_URL and GEMINI_BASE_URL; OpenAI clients add /v1), records requests at "
        "/__fake/requests."));
    parser.addHelpOption();
    parser.addOptions({
        { QStringLiteral("port"), QStringLiteral("Port to listen on (0: any free port)."),
            QStringLiteral("N"), QStringLiteral("0") },
        { QStringLiteral("key"),
            QStringLiteral("Require key K of every client (OpenAI: 'Authorization: Bearer K', Anthropic: "
                           "'x-api-key: K', Gemini: 'x-goog-api-key: K')."),
            QStringLiteral("K") },
        { QStringLiteral("anthropic-key"),
            QStringLiteral("Require key K (x-api-key or bearer) on /v1/messages instead."),
            QStringLiteral("K") },
        { QStringLiteral("gemini-key"), QStringLiteral("Require 'x-goog-api-key: K' on /v1beta instead."),
            QStringLiteral("K") },
        { QStringLiteral("cache-write-tokens"),
            QStringLiteral("Report N prompt tokens as written to the cache (Anthropic)."),
            QStringLiteral("N"), QStringLiteral("0") },
        { QStringLiteral("cached-tokens"), QStringLiteral("Report N cached prompt tokens."),
            QStringLiteral("N"), QStringLiteral("0") },
        { QStringLiteral("reasoning-tokens"), QStringLiteral("Report N reasoning tokens."),
            QStringLiteral("N"), QStringLiteral("0") },
    });
    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "fake-upstream: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);

    FakeUpstream upstream;
    upstream.setExpectedKey(parser.value(QStringLiteral("key")).toUtf8());
    upstream.setCachedTokens(intOption(parser, QStringLiteral("cached-tokens"), 1'000'000));
    upstream.setReasoningTokens(intOption(parser, QStringLiteral("reasoning-tokens"), 1'000'000));
    upstream.setCacheWriteTokens(intOption(parser, QStringLiteral("cache-write-tokens"), 1'000'000));
    if (parser.isSet(QStringLiteral("anthropic-key")))
        upstream.setAnthropicKey(parser.value(QStringLiteral("anthropic-key")).toUtf8());
    if (parser.isSet(QStringLiteral("gemini-key")))
        upstream.setGeminiKey(parser.value(QStringLiteral("gemini-key")).toUtf8());
    if (!upstream.listen(quint16(intOption(parser, QStringLiteral("port"), 65535)))) {
        std::fprintf(stderr, "fake-upstream: %s\n", qPrintable(upstream.errorString()));
        return 1;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0) {
        std::perror("fake-upstream: socketpair");
        return 1;
    }
    QSocketNotifier notifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [] { QCoreApplication::quit(); });
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    std::printf("http://127.0.0.1:%u\n", unsigned(upstream.port()));
    std::fflush(stdout);
    return app.exec();
}
