#include "responsescase.h"

#include "proxyharness.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

const QList<ResponsesRoute> &ResponsesRoute::all()
{
    static const QList<ResponsesRoute> routes {
        { "openai", u"openai"_s, u"gpt-4o-mini"_s, u"gpt-4o-mini-tools"_s, true },
        { "anthropic", u"anthropic"_s, u"claude-haiku-4-5"_s, u"claude-haiku-4-5-tools"_s, false },
        { "google", u"google"_s, u"gemini-2.5-flash"_s, u"gemini-2.5-flash-tools"_s, false },
        { "mistral", u"mistral"_s, u"mistral-large-latest"_s, u"fake-tools"_s, false },
    };
    return routes;
}

void ResponsesRoute::addRows()
{
    QTest::addColumn<int>("route");
    for (int i = 0; i < all().size(); ++i)
        QTest::newRow(all()[i].tag) << i;
}

QByteArray ResponsesRoute::upstreamPath() const
{
    if (provider == u"openai")
        return "/v1/responses";
    if (provider == u"anthropic")
        return "/v1/messages";
    if (provider == u"google")
        return "/v1beta/models/";
    return "/v1/chat/completions";
}

QList<QPair<QString, QString>> responsesEnvironment()
{
    return { { u"MISTRAL_API_KEY"_s, QString::fromLatin1(ProxyHarness::openAIUpstreamKey) },
        { u"MISTRAL_BASE_URL"_s, u"{upstream}/v1"_s } };
}

namespace {
const QJsonObject weatherSchema { { u"type"_s, u"object"_s },
    { u"properties"_s, QJsonObject { { u"location"_s, QJsonObject { { u"type"_s, u"string"_s } } } } },
    { u"required"_s, QJsonArray { u"location"_s } } };

QJsonObject message(const QString &role, const QString &text)
{
    return { { u"type"_s, u"message"_s }, { u"role"_s, role },
        { u"content"_s,
            QJsonArray { QJsonObject { { u"type"_s, u"input_text"_s }, { u"text"_s, text } } } } };
}
} // namespace

QJsonObject responsesRequest(const QString &model, const QString &userText, bool stream, bool tools)
{
    QJsonObject body { { u"model"_s, model }, { u"instructions"_s, u"Be brief."_s },
        { u"input"_s, QJsonArray { message(u"user"_s, userText) } }, { u"max_output_tokens"_s, 256 } };
    if (stream)
        body.insert(u"stream"_s, true);
    if (tools) {
        body.insert(u"tools"_s,
            QJsonArray { QJsonObject { { u"type"_s, u"function"_s }, { u"name"_s, u"get_weather"_s },
                             { u"description"_s, u"Current weather of a city"_s },
                             { u"parameters"_s, weatherSchema } },
                QJsonObject { { u"type"_s, u"web_search"_s } } });
    }
    return body;
}

QJsonObject toolResultsRequest(const QString &model, const QString &question, bool stream)
{
    QJsonObject body = responsesRequest(model, question, stream, true);
    QJsonArray input = body.value(u"input"_s).toArray();
    for (const auto &[id, city, weather] : { std::tuple { u"call_p"_s, u"Paris"_s, u"Sunny in Paris"_s },
             std::tuple { u"call_t"_s, u"Tokyo"_s, u"Rain in Tokyo"_s } }) {
        input.append(QJsonObject { { u"type"_s, u"function_call"_s }, { u"call_id"_s, id },
            { u"name"_s, u"get_weather"_s },
            { u"arguments"_s, QString(u"{\"location\":\""_s + city + u"\"}"_s) } });
    }
    input.append(QJsonObject { { u"type"_s, u"function_call_output"_s }, { u"call_id"_s, u"call_p"_s },
        { u"output"_s, u"Sunny in Paris"_s } });
    input.append(QJsonObject { { u"type"_s, u"function_call_output"_s }, { u"call_id"_s, u"call_t"_s },
        { u"output"_s, u"Rain in Tokyo"_s } });
    body.insert(u"input"_s, input);
    return body;
}

TestHttpResult postResponses(
    ProxyHarness &harness, const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QList<QPair<QByteArray, QByteArray>> all { harness.authHeader(), { "content-type", "application/json" } };
    all += headers;
    return TestHttp::call(harness.nam(), harness.port(), "POST", u"/v1/responses"_s, body, all);
}

TestHttpResult postResponses(
    ProxyHarness &harness, const QJsonObject &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return postResponses(harness, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

ResponsesStream ResponsesStream::parse(const QByteArray &body)
{
    ResponsesStream stream;
    const QByteArrayList events = Sse::events(body);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray &raw = events[i];
        const qsizetype newline = raw.indexOf('\n');
        if (!raw.startsWith("event: ") || newline < 0 || !raw.sliced(newline + 1).startsWith("data: ")) {
            stream.problem
                = u"event %1 is not \"event: T\\ndata: …\": %2"_s.arg(i).arg(QString::fromUtf8(raw));
            return stream;
        }
        const QString type = QString::fromUtf8(raw.sliced(7, newline - 7));
        const QJsonObject data = Sse::json(raw.sliced(newline + 1));
        if (data.value(u"type"_s).toString() != type) {
            stream.problem = u"event %1 names %2 but its data says %3"_s.arg(i).arg(
                type, data.value(u"type"_s).toString());
            return stream;
        }
        if (data.value(u"sequence_number"_s).toInt(-1) != i) {
            stream.problem = u"event %1 (%2) has sequence_number %3"_s.arg(i).arg(type).arg(
                data.value(u"sequence_number"_s).toInt(-1));
            return stream;
        }
        stream.types.append(type);
        stream.events.append(data);
        if (type == u"response.output_text.delta")
            stream.text += data.value(u"delta"_s).toString();
        else if (type == u"response.function_call_arguments.delta")
            stream.arguments[data.value(u"item_id"_s).toString()] += data.value(u"delta"_s).toString();
        else if (type == u"response.output_item.done")
            stream.doneItems.append(data.value(u"item"_s));
        if (data.contains(u"response"_s))
            stream.final = data.value(u"response"_s).toObject();
    }
    if (stream.types.isEmpty())
        stream.problem = u"no events"_s;
    else if (stream.types.first() != u"response.created")
        stream.problem = u"the first event is "_s + stream.types.first();
    return stream;
}

QString outputText(const QJsonObject &response)
{
    QString text;
    for (const QJsonValue &item : response.value(u"output"_s).toArray()) {
        for (const QJsonValue &part : item.toObject().value(u"content"_s).toArray()) {
            if (part.toObject().value(u"type"_s).toString() == u"output_text")
                text += part.toObject().value(u"text"_s).toString();
        }
    }
    return text;
}

QList<QJsonObject> functionCalls(const QJsonArray &output)
{
    QList<QJsonObject> calls;
    for (const QJsonValue &item : output) {
        if (item.toObject().value(u"type"_s).toString() == u"function_call")
            calls.append(item.toObject());
    }
    return calls;
}
