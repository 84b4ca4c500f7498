#pragma once

#include "fakeanthropicapi.h"
#include "fakechatcompletion.h"
#include "fakegeminiapi.h"
#include "fakehttprequest.h"
#include "fakeopenaiapi.h"

#include <QHostAddress>
#include <QMutex>
#include <QObject>
#include <QUrl>
#include <atomic>
#include <memory>

class Clock;
class FakeStreamGate;
class QTcpServer;
class ReservedPort;

// A stand-in for OpenAI's API on 127.0.0.1 that answers Chat Completions in OpenAI's exact wire format,
// deterministically, and records every request it receives, so tests can check both what the gateway sent
// and what it made of the answer.
//
// The model name picks a behaviour (the gateway forwards it without its "openai/" prefix):
//   fake-error-<status>   that status with OpenAI's error envelope
//   fake-slow-<ms>        waits before sending the response head
//   fake-stream-delay-<ms> waits between stream events
//   fake-stream-gated     holds each stream event after the first until the test releases it (streamGate())
//   fake-drop             closes the connection without answering
//   fake-drop-mid-stream  sends two stream events (or half a body) and closes
//   fake-stream-error     (or …-stream-error, on every API) streams two pieces, then the API's error event
//   fake-agent            (or …-agent, on every API) a coding agent's tool round trip (see FakeAgentScript)
//   fake-tools            two parallel tool calls, finish_reason "tool_calls"
//   fake-length           finish_reason "length"
//   fake-not-json         200 with a body that is not JSON
//   anything else         "Echo: " + the last user message (token rules in FakeChatCompletion)
// A request asking for structured output by JSON schema (on every API) gets, in place of the echo, JSON that
// holds to the schema, with the echo as its strings (see FakeStructuredAnswer).
//
// POST /v1/responses answers in OpenAI's Responses format with the same rules (see FakeResponses).
//
// The same instance plays Anthropic (POST /v1/messages, see FakeAnthropicApi) and Gemini (/v1beta/models/…,
// see FakeGeminiApi), chosen by path, with the same echo and token rules, so that one fake serves a gateway
// that translates between formats.
//
// Also serves GET /v1/models, GET /v1/models/{id}, POST /v1/embeddings, and for tests in other processes
// GET /__fake/requests (the record as a JSON array) and DELETE /__fake/requests (clears it).
//
// Listen in the thread the fake lives in. After that, the settings, the record, the gate and the port may be
// used from any thread (FakeUpstreamThread runs the fake on a thread of its own).
class FakeUpstream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeUpstream)

public:
    // Without a clock, `created` comes from the system clock.
    explicit FakeUpstream(const Clock *clock = nullptr, QObject *parent = nullptr);
    ~FakeUpstream() override;

    // Port 0 picks a free one. Returns false and sets errorString() when the port cannot be bound.
    bool listen(quint16 port = 0);
    // Listens on a port reserved before, which no one else could take meanwhile (the reservation ends).
    bool listen(ReservedPort &reserved);
    quint16 port() const;
    QString errorString() const { return m_errorString; }
    // http://127.0.0.1:PORT/v1, the value an OpenAI client or OPENAI_BASE_URL wants.
    QUrl baseUrl() const;
    // http://127.0.0.1:PORT, what ANTHROPIC_BASE_URL and GEMINI_BASE_URL want (no /v1).
    QUrl rootUrl() const;

    // When set, requests without the key get each API's 401 (OpenAI: "Authorization: Bearer <key>",
    // Anthropic: x-api-key or a bearer token, Gemini: x-goog-api-key or ?key=, which answers 400/403 as
    // Google does). Sets the key of all three APIs; the two below then give Anthropic and Gemini their own.
    void setExpectedKey(const QByteArray &key);
    void setAnthropicKey(const QByteArray &key);
    void setGeminiKey(const QByteArray &key);
    void setCachedTokens(int tokens);
    void setReasoningTokens(int tokens);
    // Anthropic only: prompt tokens reported as cache_creation_input_tokens.
    void setCacheWriteTokens(int tokens);

    QList<FakeHttpRequest> receivedRequests() const;
    void clearReceivedRequests();
    // Where "fake-stream-gated" streams wait for the test, event by event.
    FakeStreamGate &streamGate() { return *m_gate; }
    // Connections accepted so far; with keep-alive, fewer than requests.
    quint64 connectionCount() const { return m_connectionCount.load(); }

    // The record in the form GET /__fake/requests serves it.
    static QByteArray requestsToJson(const QList<FakeHttpRequest> &requests);

signals:
    // In the fake's thread.
    void requestReceived(const FakeHttpRequest &request);

private:
    void acceptConnections();
    FakeReply handle(const FakeHttpRequest &request);

    void applyTokenSettings(const FakeTokenSettings &settings); // with m_mutex held

    std::unique_ptr<Clock> m_ownClock;
    QTcpServer *m_server;
    FakeStreamGate *m_gate;
    std::atomic<quint16> m_port = 0;
    std::atomic<quint64> m_connectionCount = 0;
    QString m_errorString;

    mutable QMutex m_mutex; // the APIs' settings and state, and the record
    FakeOpenAiApi m_api;
    FakeAnthropicApi m_anthropic;
    FakeGeminiApi m_gemini;
    QList<FakeHttpRequest> m_requests;
};
