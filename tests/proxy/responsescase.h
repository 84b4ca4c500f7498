#pragma once

#include "testhttp.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

class ProxyHarness;

// One provider family a Responses client reaches through the gateway, with the models the suites use for it
// (served by the fake upstream; see FakeAnswer for what their names ask for).
struct ResponsesRoute
{
    const char *tag;
    QString provider;
    QString upstreamModel; // in the catalog, so that it has a price
    QString toolsModel; // without the provider prefix; the fake answers it with two get_weather calls
    bool passthrough; // the provider has a Responses API: the request goes as it is

    QString model() const { return provider + u'/' + upstreamModel; }
    QString tools() const { return provider + u'/' + toolsModel; }
    QByteArray upstreamPath() const; // where requests land on the fake upstream (a prefix for Gemini)

    // openai (passthrough), anthropic, google and mistral (an OpenAI-compatible server without Responses).
    static const QList<ResponsesRoute> &all();
    static void addRows(); // column "route", an index
    static const ResponsesRoute &at(int index) { return all().at(index); }
};

// The gateway environment the suites need: the translating providers and mistral, all on the fake upstream.
QList<QPair<QString, QString>> responsesEnvironment();

// A Responses request: instructions "Be brief." and the user's text as input; `tools` adds get_weather and a
// web_search tool.
QJsonObject responsesRequest(
    const QString &model, const QString &userText, bool stream = false, bool tools = false);
// The tool round trip's second turn: the user's question, the two calls and their outputs.
QJsonObject toolResultsRequest(const QString &model, const QString &question, bool stream = false);
// POST /v1/responses with the harness's key.
TestHttpResult postResponses(
    ProxyHarness &harness, const QJsonObject &body, const QList<QPair<QByteArray, QByteArray>> &headers = {});
TestHttpResult postResponses(
    ProxyHarness &harness, const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers = {});

// A Responses event stream, checked for form as it is parsed.
struct ResponsesStream
{
    QString
        problem; // empty when well formed: "event: T\ndata: {"type":"T",…}" each, sequence numbers 0, 1, …
    QStringList types; // in order
    QList<QJsonObject> events;
    QString text; // the output_text deltas joined
    QJsonObject final; // the response of the last event
    QJsonArray doneItems; // of the output_item.done events
    QHash<QString, QString> arguments; // item id → its argument deltas joined
    static ResponsesStream parse(const QByteArray &body);
};

// The text of a Response's output_text parts.
QString outputText(const QJsonObject &response);
// A Response's function_call items.
QList<QJsonObject> functionCalls(const QJsonArray &output);
