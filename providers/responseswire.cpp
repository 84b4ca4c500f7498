#include "responseswire.h"

using namespace Qt::StringLiterals;

namespace ResponsesWire {

TokenUsage readUsage(QByteArrayView text, JsonScan::Span usage)
{
    const auto number = [&](std::initializer_list<QByteArrayView> path) {
        return JsonScan::toInteger(text, JsonScan::path(text, usage, path)).value_or(0);
    };
    TokenUsage out;
    out.promptTokens = number({ "input_tokens" });
    out.completionTokens = number({ "output_tokens" });
    out.cachedTokens = number({ "input_tokens_details", "cached_tokens" });
    out.reasoningTokens = number({ "output_tokens_details", "reasoning_tokens" });
    out.known = true;
    return out;
}

QString finishReason(QByteArrayView text, JsonScan::Span response)
{
    const QString status
        = JsonScan::toString(text, JsonScan::member(text, response, "status")).value_or(QString());
    if (status == "failed"_L1 || status == "cancelled"_L1)
        return u"error"_s;
    if (status == "incomplete"_L1) {
        const auto reason
            = JsonScan::toString(text, JsonScan::path(text, response, { "incomplete_details", "reason" }));
        return reason == u"content_filter"_s ? u"content_filter"_s : u"length"_s;
    }
    if (status != "completed"_L1)
        return {};
    const JsonScan::Span output = JsonScan::member(text, response, "output");
    const qsizetype count = JsonScan::elementCount(text, output);
    for (qsizetype i = 0; i < count; ++i) {
        const JsonScan::Span item = JsonScan::element(text, output, i);
        if (JsonScan::toString(text, JsonScan::member(text, item, "type")) == u"function_call"_s)
            return u"tool_calls"_s;
    }
    return u"stop"_s;
}

} // namespace ResponsesWire
