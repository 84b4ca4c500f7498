#pragma once

#include <QByteArray>

// One server-sent event as received from an upstream stream: the adapters translate streams event by event.
struct SseEvent
{
    QByteArray event; // the `event:` field; empty when the stream names no events (OpenAI, Gemini)
    QByteArray data; // the `data:` lines, joined with '\n' as the SSE specification says
};

// Reads one complete event (its lines, up to and including the blank line that ends it): the `event:` field
// and the `data:` lines, joined. Comments (": …") and other fields are skipped.
SseEvent parseSseEvent(QByteArrayView text);
