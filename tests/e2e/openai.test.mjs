// The gateway end to end with the official OpenAI SDK: fake-upstream plays OpenAI, `llm-gateway serve` sits
// in between, and the client talks to the gateway as it would to api.openai.com. Checks what the client
// gets, what the upstream received, and what the gateway recorded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { cleanEnv, expectedUsage, removeDir, requiredEnv, run, startProcess, stopProcess, tempDir,
  upstreamRequests } from './support.mjs';

const upstreamKey = 'sk-upstream-e2e-7f3a';
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hello to the gateway' },
];
const expected = expectedUsage(messages);

// Every model request sent to the gateway, by the x-request-id we give it; the export must hold one record
// each. Listing models is not a model request and leaves no record.
const made = [];
function track(id, recorded = true) {
  if (recorded) made.push(id);
  return { headers: { 'x-request-id': id } };
}

describe('official openai client through llm-gateway serve', () => {
  const gatewayBin = requiredEnv('LLM_GATEWAY_BIN');
  const dataDir = tempDir('llmgw-e2e-');
  let fake;
  let fakeUrl;
  let gateway;
  let gatewayUrl;
  let gatewayKey;
  let client;
  let gatewayEnv;

  before(async () => {
    const upstream = await startProcess(requiredEnv('FAKE_UPSTREAM_BIN'), ['--port', '0', '--key', upstreamKey],
      { env: cleanEnv() });
    fake = upstream.child;
    fakeUrl = upstream.line;
    gatewayEnv = cleanEnv({ OPENAI_BASE_URL: `${fakeUrl}/v1`, OPENAI_API_KEY: upstreamKey, HOME: dataDir });

    const created = await run(gatewayBin, ['keys', 'create', '--name', 'e2e', '--data-dir', dataDir],
      { env: gatewayEnv });
    assert.equal(created.code, 0, `keys create failed: ${created.stderr}`);
    gatewayKey = created.stdout.trim().split('\n').at(-1).trim();
    assert.ok(gatewayKey.length >= 16, `keys create printed no key: ${JSON.stringify(created.stdout)}`);

    const started = await startProcess(gatewayBin, ['serve', '--port', '0', '--data-dir', dataDir],
      { env: gatewayEnv });
    gateway = started.child;
    const match = /^Listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(started.line);
    assert.ok(match, `first line of serve: ${JSON.stringify(started.line)}`);
    gatewayUrl = match[1];
    client = new OpenAI({ apiKey: gatewayKey, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 });
  });

  after(async () => {
    // Cleanup runs even when a test failed; the gateway may already have been stopped by the last test.
    await stopProcess(gateway, { signal: 'SIGKILL' });
    await stopProcess(fake);
    removeDir(dataDir);
  });

  it('answers a chat completion with the upstream content, usage and cost', async () => {
    const completion = await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages }, track('e2e-chat'));
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.content, expected.reply);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.ok(['gpt-4o-mini', 'openai/gpt-4o-mini'].includes(completion.model), `model: ${completion.model}`);
    assert.equal(completion.usage.prompt_tokens, expected.prompt_tokens);
    assert.equal(completion.usage.completion_tokens, expected.completion_tokens);
    assert.equal(completion.usage.total_tokens, expected.total_tokens);
    assert.equal(typeof completion.usage.cost, 'number', 'usage.cost in USD (gpt-4o-mini has a known price)');
    assert.ok(completion.usage.cost > 0, `usage.cost: ${completion.usage.cost}`);
  });

  it('streams the same text, without usage when the client did not ask', async () => {
    const stream = await client.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages, stream: true }, track('e2e-stream-plain'));
    let text = '';
    let finish = null;
    for await (const chunk of stream) {
      assert.equal(chunk.usage ?? null, null, `a chunk carries usage: ${JSON.stringify(chunk)}`);
      assert.equal(chunk.choices.length, 1, `a chunk without a choice: ${JSON.stringify(chunk)}`);
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    assert.equal(text, expected.reply);
    assert.equal(finish, 'stop');
  });

  it('ends a stream with the usage chunk when the client asks', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true },
    }, track('e2e-stream-usage'));
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, [], `last chunk: ${JSON.stringify(last)}`);
    assert.equal(last.usage.prompt_tokens, expected.prompt_tokens);
    assert.equal(last.usage.completion_tokens, expected.completion_tokens);
    assert.equal(last.usage.total_tokens, expected.total_tokens);
    const text = chunks.slice(0, -1).map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, expected.reply);
  });

  it('lists models', async () => {
    const page = await client.models.list(track('e2e-models', false));
    const models = page.data;
    assert.ok(models.length > 0, 'no models listed');
    for (const model of models) {
      assert.equal(typeof model.id, 'string');
      assert.equal(model.object, 'model');
    }
    assert.ok(models.some((m) => m.id.includes('gpt-4o-mini')), models.map((m) => m.id).join(', '));
  });

  it('rejects a wrong gateway key with AuthenticationError', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-not-a-gateway-key', baseURL: `${gatewayUrl}/v1`, maxRetries: 0 });
    await assert.rejects(wrong.chat.completions.create(
      { model: 'openai/gpt-4o-mini', messages }, track('e2e-wrong-key')), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 401);
      return true;
    });
  });

  it('answers an unknown bare model with NotFoundError model_not_found', async () => {
    await assert.rejects(client.chat.completions.create(
      { model: 'no-such-model-xyz', messages }, track('e2e-unknown-model')), (error) => {
      assert.ok(error instanceof OpenAI.NotFoundError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.code, 'model_not_found');
      return true;
    });
  });

  it('passes an upstream 429 on as RateLimitError', async () => {
    await assert.rejects(client.chat.completions.create(
      { model: 'openai/fake-error-429', messages }, track('e2e-upstream-429')), (error) => {
      assert.ok(error instanceof OpenAI.RateLimitError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 429);
      return true;
    });
  });

  it('sent the upstream the bare model name, the upstream key, and always asked for usage', async () => {
    const received = (await upstreamRequests(fakeUrl)).filter((r) => r.path === '/v1/chat/completions');
    const models = received.map((r) => r.json?.model);
    assert.ok(!models.includes('no-such-model-xyz'), 'an unknown model must not reach the upstream');
    assert.deepEqual(models.filter((m) => m === 'gpt-4o-mini').length, 3, `models upstream saw: ${models}`);
    assert.ok(models.includes('fake-error-429'), `models upstream saw: ${models}`);
    for (const request of received) {
      assert.ok(!request.json.model.startsWith('openai/'), `prefix sent upstream: ${request.json.model}`);
      assert.equal(request.headers.authorization, `Bearer ${upstreamKey}`);
      assert.ok(!JSON.stringify(request.headers).includes(gatewayKey), 'the gateway key leaked upstream');
    }
    const streams = received.filter((r) => r.json.stream === true);
    assert.equal(streams.length, 2);
    for (const request of streams) {
      assert.equal(request.json.stream_options?.include_usage, true,
        `stream_options sent upstream: ${JSON.stringify(request.json.stream_options)}`);
    }
  });

  it('exits 0 on SIGTERM and exports one record per request', async () => {
    const stopped = await stopProcess(gateway, { signal: 'SIGTERM', timeoutMs: 15000 });
    assert.equal(stopped.killed, false, 'serve did not exit within 15 s of SIGTERM');
    assert.equal(stopped.code, 0, `serve exit: ${JSON.stringify(stopped)}; stderr: ${gateway.output.stderr}`);

    const exported = await run(gatewayBin, ['export', '--format', 'jsonl', '--data-dir', dataDir],
      { env: gatewayEnv });
    assert.equal(exported.code, 0, `export failed: ${exported.stderr}`);
    const records = exported.stdout.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
    const byId = new Map();
    for (const record of records) byId.set(record.request_id, [...(byId.get(record.request_id) ?? []), record]);
    const counts = made.map((id) => `${id}: ${byId.get(id)?.length ?? 0}`).join(', ');
    // The upstream's 429 is retried by the gateway (one try, two retries): one record per attempt.
    const attemptsOf = (id) => (id === 'e2e-upstream-429' ? 3 : 1);
    const expectedRecords = made.reduce((sum, id) => sum + attemptsOf(id), 0);
    assert.equal(records.length, expectedRecords,
      `records: ${records.length}, expected: ${expectedRecords} (${counts}); request_ids exported: `
      + `${records.map((r) => r.request_id).join(', ')}`);
    for (const id of made) {
      assert.equal(byId.get(id)?.length, attemptsOf(id), `records per request: ${counts}`);
      assert.deepEqual(byId.get(id).map((r) => r.attempt), [1, 2, 3].slice(0, attemptsOf(id)), id);
    }

    for (const id of ['e2e-chat', 'e2e-stream-plain', 'e2e-stream-usage']) {
      const [record] = byId.get(id);
      assert.equal(record.requested_model, 'openai/gpt-4o-mini', id);
      assert.equal(record.used_provider, 'openai', id);
      assert.equal(record.status, 200, id);
      assert.equal(record.streamed, id !== 'e2e-chat', id);
      assert.equal(record.prompt_tokens, expected.prompt_tokens, id);
      assert.equal(record.completion_tokens, expected.completion_tokens, id);
      assert.equal(record.total_tokens, expected.total_tokens, id);
      assert.equal(record.cached_tokens, 0, id);
      assert.equal(record.reasoning_tokens, 0, id);
      assert.ok(typeof record.cost === 'number' && record.cost > 0, `${id} cost: ${record.cost}`);
      assert.match(record.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, id);
    }
    assert.equal(byId.get('e2e-upstream-429')[0].status, 429);
    assert.equal(byId.get('e2e-unknown-model')[0].status, 404);
  });
});
