// The gateway end to end with the official Anthropic SDK: `llm-gateway serve` in front of the one fake upstream
// that plays OpenAI, Anthropic and Gemini; the client talks to the gateway as it would to api.anthropic.com
// (baseURL without /v1: the SDK adds it) and reaches models of all three providers. A second part points the
// SDK straight at the fake, to show that the fake's Anthropic format is what the real client parses.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { clearUpstreamRequests, expectedUsage, stopProcess, upstreamRequests } from './support.mjs';
import { routes, startFakeUpstream, startStack, upstreamKeys, weatherCalls } from './translate-support.mjs';
import { expectUpstreamRequest } from './upstream-checks.mjs';

const system = 'Be brief.';
const question = 'Say hello to the translating gateway';
const expected = expectedUsage([{ role: 'system', content: system }, { role: 'user', content: question }]);
const weatherTool = {
  name: 'get_weather',
  description: 'Current weather of a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

function request(model, extra = {}) {
  return { model, max_tokens: 256, system, messages: [{ role: 'user', content: question }], ...extra };
}

function checkToolUses(message) {
  assert.equal(message.stop_reason, 'tool_use');
  const uses = message.content.filter((block) => block.type === 'tool_use');
  assert.equal(uses.length, 2, JSON.stringify(message.content));
  assert.deepEqual(uses.map((u) => u.name), ['get_weather', 'get_weather']);
  assert.deepEqual(uses.map((u) => u.input), weatherCalls);
  for (const use of uses) assert.ok(typeof use.id === 'string' && use.id.length > 0, `tool_use id: ${use.id}`);
  assert.notEqual(uses[0].id, uses[1].id);
}

describe('official anthropic client through llm-gateway serve', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new Anthropic({ apiKey: stack.gatewayKey, baseURL: stack.gatewayUrl, maxRetries: 0 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    await clearUpstreamRequests(stack.fakeUrl);
  });

  for (const route of routes) {
    // What every request of this file asks, as the upstream must receive it in its own format.
    const asked = { system, user: question, maxTokens: 256 };
    describe(`${route.model}`, () => {
      it('answers messages.create with the echo, end_turn and usage', async () => {
        const message = await client.messages.create(request(route.model));
        assert.equal(message.type, 'message');
        assert.equal(message.role, 'assistant');
        assert.match(message.id, /^msg_/);
        assert.deepEqual(message.content, [{ type: 'text', text: expected.reply }]);
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.usage.input_tokens, expected.prompt_tokens);
        assert.equal(message.usage.output_tokens, expected.completion_tokens);

        await expectUpstreamRequest(stack, route, { ...asked, model: route.model, stream: false });
      });

      it('streams with messages.stream: text events and finalMessage()', async () => {
        const stream = client.messages.stream(request(route.model));
        let text = '';
        stream.on('text', (delta) => { text += delta; });
        const message = await stream.finalMessage();
        assert.equal(text, expected.reply);
        assert.equal(message.content.length, 1);
        assert.equal(message.content[0].type, 'text');
        assert.equal(message.content[0].text, expected.reply);
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.usage.output_tokens, expected.completion_tokens);
        assert.equal(message.usage.input_tokens, expected.prompt_tokens);
        await expectUpstreamRequest(stack, route, { ...asked, model: route.model, stream: true });
      });

      it('returns tool_use blocks with parsed input (whole)', async () => {
        const message = await client.messages.create(request(route.tools, { tools: [weatherTool] }));
        checkToolUses(message);
        await expectUpstreamRequest(stack, route,
          { ...asked, model: route.tools, tools: ['get_weather'], stream: false });
      });

      it('returns tool_use blocks with parsed input (stream)', async () => {
        const stream = client.messages.stream(request(route.tools, { tools: [weatherTool] }));
        const message = await stream.finalMessage();
        checkToolUses(message);
        await expectUpstreamRequest(stack, route,
          { ...asked, model: route.tools, tools: ['get_weather'], stream: true });
      });
    });
  }

  // INTERFACE.md: responses carry usage.cost, /v1/messages answers too.
  it('reports usage.cost in USD on messages.create', async () => {
    const message = await client.messages.create(request('anthropic/claude-haiku-4-5'));
    assert.ok(typeof message.usage.cost === 'number' && message.usage.cost > 0, `cost: ${message.usage.cost}`);
  });

  it('rejects a wrong gateway key with AuthenticationError', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-not-a-gateway-key', baseURL: stack.gatewayUrl, maxRetries: 0 });
    await assert.rejects(wrong.messages.create(request('anthropic/claude-haiku-4-5')), (error) => {
      assert.ok(error instanceof Anthropic.AuthenticationError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 401);
      assert.equal(error.error?.type, 'error');
      assert.equal(error.error?.error?.type, 'authentication_error');
      return true;
    });
  });

  it('answers an unknown model with NotFoundError', async () => {
    await assert.rejects(client.messages.create(request('no-such-model-xyz')), (error) => {
      assert.ok(error instanceof Anthropic.NotFoundError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 404);
      assert.equal(error.error?.error?.type, 'not_found_error');
      return true;
    });
  });

  it('passes an upstream 429 of any provider on as RateLimitError', async () => {
    for (const provider of ['openai', 'anthropic', 'google']) {
      await assert.rejects(client.messages.create(request(`${provider}/fake-error-429`)), (error) => {
        assert.ok(error instanceof Anthropic.RateLimitError, `${provider}: got ${error?.constructor?.name}: ${error?.message}`);
        assert.equal(error.error?.error?.type, 'rate_limit_error');
        return true;
      });
    }
  });
});

describe('official anthropic client against the fake upstream', () => {
  let fake;
  let client;

  before(async () => {
    fake = await startFakeUpstream(['--cached-tokens', '3', '--cache-write-tokens', '2']);
    client = new Anthropic({ apiKey: upstreamKeys.anthropic, baseURL: fake.url, maxRetries: 0 });
  });

  after(async () => {
    const result = await stopProcess(fake?.child);
    if (result) assert.equal(result.code, 0, 'fake-upstream exits 0 on SIGTERM');
  });

  it('answers a message the SDK parses, with cache reads and writes apart from input_tokens', async () => {
    const message = await client.messages.create(request('claude-haiku-4-5'));
    assert.match(message.id, /^msg_01/);
    assert.equal(message.model, 'claude-haiku-4-5');
    assert.deepEqual(message.content, [{ type: 'text', text: expected.reply }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.equal(message.usage.input_tokens, expected.prompt_tokens - 5);
    assert.equal(message.usage.cache_read_input_tokens, 3);
    assert.equal(message.usage.cache_creation_input_tokens, 2);
    assert.equal(message.usage.output_tokens, expected.completion_tokens);
    const [received] = (await upstreamRequests(fake.url)).slice(-1);
    // SDK 1.x sends the key as a bearer token (older ones as x-api-key); the fake takes both.
    assert.ok(received.headers['x-api-key'] === upstreamKeys.anthropic
      || received.headers.authorization === `Bearer ${upstreamKeys.anthropic}`, JSON.stringify(received.headers));
    assert.ok(received.headers['anthropic-version'], 'the SDK sends anthropic-version');
  });

  it('streams events the SDK assembles, usage from message_start and message_delta', async () => {
    const stream = client.messages.stream(request('claude-haiku-4-5'));
    const types = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    assert.equal(message.content[0].text, expected.reply);
    assert.equal(message.usage.input_tokens, expected.prompt_tokens - 5);
    assert.equal(message.usage.output_tokens, expected.completion_tokens);
    assert.equal(types[0], 'message_start');
    assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
  });

  it('streams tool_use blocks with input_json_delta the SDK parses', async () => {
    const stream = client.messages.stream(request('claude-haiku-4-5-tools', { tools: [weatherTool] }));
    const partials = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    checkToolUses(await stream.finalMessage());
    assert.ok(partials.length >= 10, `input_json_delta events: ${partials.length}`);
  });

  it('answers fake-error-429 with an error the SDK raises as RateLimitError', async () => {
    await assert.rejects(client.messages.create(request('fake-error-429')), (error) => {
      assert.ok(error instanceof Anthropic.RateLimitError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.error?.error?.type, 'rate_limit_error');
      assert.match(error.requestID ?? '', /^req_/);
      return true;
    });
  });

  it('answers structured output (output_config.format json_schema) with JSON, refuses another format type', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'],
      additionalProperties: false };
    const message = await client.messages.create(request('claude-haiku-4-5',
      { output_config: { format: { type: 'json_schema', schema } } }));
    assert.equal(message.stop_reason, 'end_turn');
    assert.deepEqual(JSON.parse(message.content[0].text), { answer: `Echo: ${question}` });
    await assert.rejects(client.messages.create(request('claude-haiku-4-5',
      { output_config: { format: { type: 'json_object' } } })), (error) => {
      assert.ok(error instanceof Anthropic.BadRequestError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.match(error.message, /output_config\.format\.type/);
      return true;
    });
  });

  it('refuses a wrong key with AuthenticationError', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.url, maxRetries: 0 });
    await assert.rejects(wrong.messages.create(request('claude-haiku-4-5')), Anthropic.AuthenticationError);
  });
});
