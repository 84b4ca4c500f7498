// The official OpenAI SDK through the gateway to OpenAI, Anthropic and Gemini models: the gateway translates the
// Chat Completions request into the provider's format and the answer, stream and tool calls back. One fake
// upstream plays the three providers; every test checks what the client got and what the upstream received.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { clearUpstreamRequests, expectedUsage, upstreamRequests } from './support.mjs';
import { routes, startStack, weatherCalls } from './translate-support.mjs';
import { expectUpstreamRequest } from './upstream-checks.mjs';

const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Translate me through the gateway' },
];
const expected = expectedUsage(messages);
const weatherQuestion = 'Weather in Paris and Tokyo?';
const schema = {
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
  additionalProperties: false,
};
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
}];

describe('official openai client through llm-gateway serve to OpenAI, Anthropic and Gemini', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new OpenAI({ apiKey: stack.gatewayKey, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    await clearUpstreamRequests(stack.fakeUrl);
  });

  for (const route of routes) {
    const asked = { system: 'Be brief.', user: messages[1].content };
    const askedTools = { user: weatherQuestion, tools: ['get_weather'] };
    describe(route.model, () => {
      it('answers a chat completion with the echo, usage and cost', async () => {
        const completion = await client.chat.completions.create({ model: route.model, messages, max_tokens: 300 });
        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices[0].message.role, 'assistant');
        assert.equal(completion.choices[0].message.content, expected.reply);
        assert.equal(completion.choices[0].finish_reason, 'stop');
        assert.equal(completion.usage.prompt_tokens, expected.prompt_tokens);
        assert.equal(completion.usage.completion_tokens, expected.completion_tokens);
        assert.equal(completion.usage.total_tokens, expected.total_tokens);
        assert.ok(typeof completion.usage.cost === 'number' && completion.usage.cost > 0, `cost: ${completion.usage.cost}`);

        await expectUpstreamRequest(stack, route, { ...asked, model: route.model, maxTokens: 300, stream: false });
      });

      it('streams the same text, without usage when the client did not ask', async () => {
        const stream = await client.chat.completions.create({ model: route.model, messages, stream: true });
        let text = '';
        let finish = null;
        for await (const chunk of stream) {
          assert.equal(chunk.object, 'chat.completion.chunk');
          assert.equal(chunk.usage ?? null, null, `a chunk carries usage: ${JSON.stringify(chunk)}`);
          text += chunk.choices[0]?.delta?.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
        assert.equal(text, expected.reply);
        assert.equal(finish, 'stop');
        await expectUpstreamRequest(stack, route, { ...asked, model: route.model, stream: true });
      });

      it('ends a stream with the usage chunk when the client asks (include_usage)', async () => {
        const stream = await client.chat.completions.create({
          model: route.model, messages, stream: true, stream_options: { include_usage: true },
        });
        const chunks = [];
        for await (const chunk of stream) chunks.push(chunk);
        const last = chunks.at(-1);
        assert.deepEqual(last.choices, [], `last chunk: ${JSON.stringify(last)}`);
        assert.equal(last.usage.prompt_tokens, expected.prompt_tokens);
        assert.equal(last.usage.completion_tokens, expected.completion_tokens);
        assert.equal(last.usage.total_tokens, expected.total_tokens);
        assert.ok(typeof last.usage.cost === 'number' && last.usage.cost > 0, `cost: ${last.usage.cost}`);
        assert.equal(chunks.slice(0, -1).map((c) => c.choices[0]?.delta?.content ?? '').join(''), expected.reply);
        await expectUpstreamRequest(stack, route, { ...asked, model: route.model, stream: true });
      });

      it('returns tool calls with JSON arguments (whole)', async () => {
        const completion = await client.chat.completions.create({
          model: route.tools, messages: [{ role: 'user', content: weatherQuestion }], tools,
        });
        const choice = completion.choices[0];
        assert.equal(choice.finish_reason, 'tool_calls');
        assert.equal(choice.message.tool_calls.length, 2);
        assert.deepEqual(choice.message.tool_calls.map((c) => c.type), ['function', 'function']);
        assert.deepEqual(choice.message.tool_calls.map((c) => c.function.name), ['get_weather', 'get_weather']);
        assert.deepEqual(choice.message.tool_calls.map((c) => JSON.parse(c.function.arguments)), weatherCalls);
        assert.notEqual(choice.message.tool_calls[0].id, choice.message.tool_calls[1].id);
        await expectUpstreamRequest(stack, route, { ...askedTools, model: route.tools, stream: false });
      });

      it('streams tool calls the SDK assembles (chat.completions.stream, finalChatCompletion)', async () => {
        const stream = client.chat.completions.stream({
          model: route.tools, messages: [{ role: 'user', content: weatherQuestion }], tools,
        });
        const completion = await stream.finalChatCompletion();
        const choice = completion.choices[0];
        assert.equal(choice.finish_reason, 'tool_calls');
        assert.deepEqual(choice.message.tool_calls.map((c) => c.function.name), ['get_weather', 'get_weather']);
        assert.deepEqual(choice.message.tool_calls.map((c) => JSON.parse(c.function.arguments)), weatherCalls);
        for (const call of choice.message.tool_calls) assert.ok(call.id, 'tool call id');
        await expectUpstreamRequest(stack, route, { ...askedTools, model: route.tools, stream: true });
      });

      it('streams an answer asked for by JSON schema, sent as the provider\'s structured output', async () => {
        const stream = await client.chat.completions.create({ model: route.model, messages, stream: true,
          response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } } });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        assert.deepEqual(JSON.parse(text), { answer: expected.reply }); // the fake's JSON for the schema
        const [received] = await upstreamRequests(stack.fakeUrl);
        if (route.provider === 'openai') {
          assert.deepEqual(received.json.response_format.json_schema.schema, schema);
        } else if (route.provider === 'anthropic') { // output_config.format, generally available: no beta header
          assert.deepEqual(received.json.output_config, { format: { type: 'json_schema', schema } });
          assert.equal(received.headers['anthropic-beta'], undefined);
        } else {
          assert.equal(received.json.generationConfig.responseMimeType, 'application/json');
          assert.deepEqual(received.json.generationConfig.responseSchema.required, ['answer']);
        }
      });

      it('raises the upstream\'s mid-stream error as APIError, after the text that came before it', async () => {
        const model = route.provider === 'openai' ? 'openai/fake-stream-error' : `${route.model}-stream-error`;
        const stream = await client.chat.completions.create({ model, messages, stream: true });
        let text = '';
        await assert.rejects((async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        })(), (error) => {
          assert.ok(error instanceof OpenAI.APIError, `got ${error?.constructor?.name}: ${error?.message}`);
          assert.match(error.message, /overloaded|error while processing/i);
          return true;
        });
        assert.match(text, /^Echo:/, 'the pieces before the error arrived');
      });

      it('passes an upstream 429 on as RateLimitError', async () => {
        const model = `${route.provider}/fake-error-429`;
        await assert.rejects(client.chat.completions.create({ model, messages }), (error) => {
          assert.ok(error instanceof OpenAI.RateLimitError, `got ${error?.constructor?.name}: ${error?.message}`);
          assert.equal(error.status, 429);
          return true;
        });
      });
    });
  }
});
