#pragma once

#include "requestrecord.h"

#include <QByteArray>

// The request and response bodies a record keeps under Retain All Data, shaped as the gateway stores them:
// the client's request as sent (OpenAI Chat Completions, or Anthropic Messages on /v1/messages), and the
// answer as relayed, an SSE stream of one event per few tokens when streamed. Their sizes follow the record's
// tokens (about four characters a token) and their text is words, so that they compress as prompts and
// answers do.
namespace SeedPayloads {
// Fills r.requestBody and r.responseBody from r's endpoint, model, tokens, status and streaming; the same
// `seed` gives the same text.
void fill(RequestRecord &r, quint64 seed);
} // namespace SeedPayloads
