#pragma once

#include "jsonscan.h"
#include "usage.h"

#include <QString>

// The OpenAI Responses wire format as the passthrough reads it in place: usage and how the answer ended.
namespace ResponsesWire {

// Usage from a Responses `usage` object (input_tokens, output_tokens and their details).
TokenUsage readUsage(QByteArrayView text, JsonScan::Span usage);

// How the Response at `response` ended, in Chat Completions words for the record: "tool_calls" when its
// output holds a function call, "length" or "content_filter" when incomplete for that reason, "error" when
// failed, else "stop"; empty while it is still in progress.
QString finishReason(QByteArrayView text, JsonScan::Span response);

} // namespace ResponsesWire
