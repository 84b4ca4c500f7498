#pragma once

#include <QUrl>

struct PageContext;

// Where clients reach the gateway: the hosted gateway's own address while it runs (its port may differ from
// the one asked for), else the address the API client talks to.
namespace BaseUrl {

// The gateway's root, e.g. http://127.0.0.1:4747.
QUrl root(const PageContext &context);
// What OpenAI/Anthropic SDKs take as their base URL: the root with /v1.
QUrl forClients(const QUrl &root);

} // namespace BaseUrl
