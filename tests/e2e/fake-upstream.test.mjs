// The official OpenAI SDK pointed straight at the fake upstream: proves that the fake speaks what the real
// client expects, so that gateway tests built on it test the gateway and not the fake.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { cleanEnv, clearUpstreamRequests, expectedUsage, requiredEnv, startProcess, stopProcess,
  upstreamRequests } from './support.mjs';

const upstreamKey = 'sk-fake-upstream-direct';
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Tell me about the fake upstream' },
];
const expected = expectedUsage(messages);

describe('official openai client against the fake upstream', () => {
  let fake;
  let fakeUrl;
  let client;

  before(async () => {
    const started = await startProcess(requiredEnv('FAKE_UPSTREAM_BIN'),
      ['--port', '0', '--key', upstreamKey, '--cached-tokens', '3', '--reasoning-tokens', '2'], { env: cleanEnv() });
    fake = started.child;
    fakeUrl = started.line;
    assert.match(fakeUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    client = new OpenAI({ apiKey: upstreamKey, baseURL: `${fakeUrl}/v1`, maxRetries: 0 });
  });

  after(async () => {
    const result = await stopProcess(fake);
    if (result) assert.equal(result.code, 0, 'fake-upstream exits 0 on SIGTERM');
  });

  it('answers a chat completion the SDK parses, with predictable usage', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'gpt-4o-mini');
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, expected.reply);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.prompt_tokens, expected.prompt_tokens);
    assert.equal(completion.usage.completion_tokens, expected.completion_tokens + 2);
    assert.equal(completion.usage.total_tokens, expected.total_tokens + 2);
    assert.equal(completion.usage.prompt_tokens_details.cached_tokens, 3);
    assert.equal(completion.usage.completion_tokens_details.reasoning_tokens, 2);
  });

  it('streams without usage when the client does not ask for it', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let text = '';
    let finish = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.usage, undefined, 'no usage field at all without stream_options');
      assert.equal(chunk.choices.length, 1);
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    assert.equal(text, expected.reply);
    assert.equal(finish, 'stop');
    assert.equal(chunks, 1 + expected.completion_tokens + 1);
  });

  it('streams usage last, with empty choices, when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage.prompt_tokens, expected.prompt_tokens);
    assert.equal(last.usage.total_tokens, expected.total_tokens + 2);
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, null);
    assert.equal(chunks.slice(0, -1).map((c) => c.choices[0].delta.content ?? '').join(''), expected.reply);
  });

  it('streams two parallel tool calls that the SDK assembles', async () => {
    const tools = [{
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
    }];
    const runner = client.chat.completions.stream({
      model: 'fake-tools', messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }], tools,
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls.length, 2);
    assert.deepEqual(choice.message.tool_calls.map((c) => c.function.name), ['get_weather', 'get_weather']);
    assert.deepEqual(choice.message.tool_calls.map((c) => JSON.parse(c.function.arguments)),
      [{ location: 'Paris' }, { location: 'Tokyo' }]);
    assert.notEqual(choice.message.tool_calls[0].id, choice.message.tool_calls[1].id);

    const whole = await client.chat.completions.create({
      model: 'fake-tools', messages: [{ role: 'user', content: 'Weather?' }], tools,
    });
    assert.deepEqual(whole.choices[0].message.tool_calls.map((c) => c.function.arguments),
      choice.message.tool_calls.map((c) => c.function.arguments));
  });

  it('turns an upstream 429 into RateLimitError', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'fake-error-429', messages }), (error) => {
      assert.ok(error instanceof OpenAI.RateLimitError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      return true;
    });
  });

  it('rejects a wrong key with AuthenticationError', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${fakeUrl}/v1`, maxRetries: 0 });
    await assert.rejects(wrong.models.list(), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, `got ${error?.constructor?.name}`);
      assert.equal(error.code, 'invalid_api_key');
      return true;
    });
  });

  it('lists models and embeds text', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.includes('gpt-4o-mini'), ids.join(','));
    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a b c', dimensions: 6 });
    assert.equal(embedding.data[0].embedding.length, 6); // the SDK asked for base64 and decoded it
    assert.equal(embedding.usage.prompt_tokens, 3);
  });

  it('records what it received, as seen over /__fake/requests', async () => {
    await clearUpstreamRequests(fakeUrl);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-test': 'yes' } });
    const [request] = await upstreamRequests(fakeUrl);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.headers.authorization, `Bearer ${upstreamKey}`);
    assert.equal(request.headers['x-test'], 'yes');
    assert.deepEqual(request.json.messages, messages);
  });
});
