#pragma once

#include <QByteArray>

// One server-sent event as received from an upstream stream: the adapters translate streams event by event.
struct SseEvent
{
    QByteArray event; // the `event:` field; empty when the stream names no events (OpenAI, Gemini)
    QByteArray data; // the `data:` lines, joined with '\n' as the SSE specification says
};
