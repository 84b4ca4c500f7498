// What the fake upstream must have received for one request the gateway translated: the provider's own path,
// auth header and body (model, system, messages or contents, tools, max tokens, stream flags). Shared by the
// client test files, which each drive all three upstreams.
import assert from 'node:assert/strict';
import { upstreamRequests } from './support.mjs';
import { upstreamKeys } from './translate-support.mjs';

// The model the upstream sees: the gateway's name without its provider prefix.
export function upstreamModel(gatewayModel) {
  return gatewayModel.slice(gatewayModel.indexOf('/') + 1);
}

// Text of a message's content in any of the three formats: a string, or an array of text blocks/parts.
function textOf(content) {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

function checkOpenAI(request, expect) {
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal(request.headers.authorization, `Bearer ${upstreamKeys.openai}`);
  const body = request.json;
  assert.equal(body.model, expect.model);
  const system = body.messages.filter((m) => m.role === 'system' || m.role === 'developer');
  assert.deepEqual(system.map((m) => textOf(m.content)), expect.system ? [expect.system] : []);
  const users = body.messages.filter((m) => m.role === 'user');
  assert.deepEqual(users.map((m) => textOf(m.content)), [expect.user]);
  assert.deepEqual((body.tools ?? []).map((t) => [t.type, t.function.name]),
    (expect.tools ?? []).map((name) => ['function', name]));
  for (const tool of body.tools ?? []) assert.equal(tool.function.parameters.properties.location.type, 'string');
  if (expect.maxTokens !== undefined) assert.equal(body.max_tokens ?? body.max_completion_tokens, expect.maxTokens);
  assert.equal(body.stream === true, expect.stream, `stream: ${body.stream}`);
  // The gateway always obtains usage from upstream, whatever the client asked.
  if (expect.stream) assert.equal(body.stream_options?.include_usage, true, JSON.stringify(body.stream_options));
}

function checkAnthropic(request, expect) {
  assert.equal(request.path, '/v1/messages');
  assert.ok(request.headers['x-api-key'] === upstreamKeys.anthropic
    || request.headers.authorization === `Bearer ${upstreamKeys.anthropic}`, JSON.stringify(request.headers));
  assert.equal(request.headers['anthropic-version'], '2023-06-01');
  const body = request.json;
  assert.equal(body.model, expect.model);
  assert.equal(textOf(body.system ?? ''), expect.system ?? '');
  assert.deepEqual(body.messages.map((m) => [m.role, textOf(m.content)]), [['user', expect.user]]);
  assert.deepEqual((body.tools ?? []).map((t) => t.name), expect.tools ?? []);
  for (const tool of body.tools ?? []) assert.equal(tool.input_schema.properties.location.type, 'string');
  // Anthropic requires max_tokens: the gateway supplies one when the client gave none.
  if (expect.maxTokens !== undefined) assert.equal(body.max_tokens, expect.maxTokens);
  else assert.ok(Number.isInteger(body.max_tokens) && body.max_tokens > 0, `max_tokens: ${body.max_tokens}`);
  assert.equal(body.stream === true, expect.stream, `stream: ${body.stream}`);
}

function checkGemini(request, expect) {
  const method = expect.stream ? 'streamGenerateContent' : 'generateContent';
  assert.equal(request.path, `/v1beta/models/${expect.model}:${method}`);
  if (expect.stream) assert.match(request.target, /[?&]alt=sse(&|$)/);
  assert.equal(request.headers['x-goog-api-key'], upstreamKeys.gemini);
  const body = request.json;
  assert.equal(textOf(body.systemInstruction?.parts ?? ''), expect.system ?? '');
  assert.deepEqual(body.contents.map((c) => [c.role, textOf(c.parts)]), [['user', expect.user]]);
  const declarations = (body.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
  assert.deepEqual(declarations.map((d) => d.name), expect.tools ?? []);
  for (const d of declarations) {
    const schema = d.parameters ?? d.parametersJsonSchema;
    assert.match(schema.properties.location.type, /^string$/i, JSON.stringify(d));
  }
  if (expect.maxTokens !== undefined) assert.equal(body.generationConfig?.maxOutputTokens, expect.maxTokens);
}

const checks = { openai: checkOpenAI, mistral: checkOpenAI, anthropic: checkAnthropic, google: checkGemini };

// Asserts that the fake received exactly one request since it was last cleared, for `route`'s provider, as
// `expect` says: { model (gateway name), system?, user, tools? (names), maxTokens?, stream }. The gateway key
// must not reach upstream.
export async function expectUpstreamRequest(stack, route, expect) {
  const received = await upstreamRequests(stack.fakeUrl);
  assert.equal(received.length, 1, `upstream requests: ${JSON.stringify(received.map((r) => r.target))}`);
  const [request] = received;
  assert.ok(!JSON.stringify(request.headers).includes(stack.gatewayKey), 'the gateway key leaked upstream');
  assert.ok(request.json, `upstream body is not JSON: ${request.body}`);
  checks[route.provider](request, { ...expect, model: upstreamModel(expect.model) });
  return request;
}
