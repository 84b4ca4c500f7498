#pragma once

#include <QJsonObject>
#include <QString>

// The JSON a fake upstream answers when the request asks for structured output (OpenAI's response_format or
// text.format json_schema, Anthropic's output_config.format, Gemini's responseSchema or responseJsonSchema):
// a value that holds to the schema, deterministic so that a test can predict it. An object has every property
// of `properties`; a string is `text` (the echo the fake would have answered), or an enum's first value; an
// integer or number is its `minimum`, else 1; a boolean true; an array holds one item; anything else null.
// Types are read in either case (Gemini's OpenAPI schemas write "STRING").
namespace FakeStructuredAnswer {

// Compact JSON text.
QString json(const QJsonObject &schema, const QString &text);

// The schema a request asks its answer to follow, in the request's own API; empty when it asks for none.
QJsonObject openAISchema(const QJsonObject &chatRequest); // response_format
QJsonObject responsesSchema(const QJsonObject &responsesRequest); // text.format
QJsonObject anthropicSchema(const QJsonObject &messagesRequest); // output_config.format
QJsonObject geminiSchema(const QJsonObject &generateContentRequest); // generationConfig

} // namespace FakeStructuredAnswer
