// The official OpenAI SDK through the gateway to Anthropic and Gemini models: the gateway translates the Chat
// Completions request into the provider's format and the answer, stream and tool calls back. One fake upstream
// plays both providers; the tests check what the client gets and what the upstream received.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { clearUpstreamRequests, expectedUsage, upstreamRequests } from './support.mjs';
import { routes, startStack, upstreamKeys, weatherCalls } from './translate-support.mjs';

const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Translate me through the gateway' },
];
const expected = expectedUsage(messages);
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
}];

describe('official openai client through llm-gateway serve to Anthropic and Gemini', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new OpenAI({ apiKey: stack.gatewayKey, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
  });

  after(async () => {
    await stack?.stop();
  });

  for (const route of routes.filter((r) => r.provider !== 'openai')) {
    describe(route.model, () => {
      it('answers a chat completion with the echo, usage and cost', async () => {
        await clearUpstreamRequests(stack.fakeUrl);
        const completion = await client.chat.completions.create({ model: route.model, messages });
        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices[0].message.role, 'assistant');
        assert.equal(completion.choices[0].message.content, expected.reply);
        assert.equal(completion.choices[0].finish_reason, 'stop');
        assert.equal(completion.usage.prompt_tokens, expected.prompt_tokens);
        assert.equal(completion.usage.completion_tokens, expected.completion_tokens);
        assert.equal(completion.usage.total_tokens, expected.total_tokens);
        assert.ok(typeof completion.usage.cost === 'number' && completion.usage.cost > 0, `cost: ${completion.usage.cost}`);

        // The upstream got its own format.
        const received = await upstreamRequests(stack.fakeUrl);
        assert.equal(received.length, 1);
        const [request] = received;
        assert.match(request.path, route.path);
        assert.ok(!JSON.stringify(request.headers).includes(stack.gatewayKey), 'the gateway key leaked upstream');
        if (route.provider === 'anthropic') {
          assert.equal(request.headers['x-api-key'], upstreamKeys.anthropic);
          assert.equal(request.headers['anthropic-version'], '2023-06-01');
          assert.equal(request.json.model, 'claude-haiku-4-5');
          assert.ok(request.json.max_tokens > 0, `max_tokens: ${request.json.max_tokens}`);
          const systemText = typeof request.json.system === 'string'
            ? request.json.system : request.json.system.map((b) => b.text).join('');
          assert.equal(systemText, 'Be brief.');
          assert.deepEqual(request.json.messages.map((m) => m.role), ['user']);
        } else {
          assert.equal(request.headers['x-goog-api-key'], upstreamKeys.gemini);
          assert.equal(request.json.systemInstruction.parts[0].text, 'Be brief.');
          assert.deepEqual(request.json.contents, [{ role: 'user', parts: [{ text: messages[1].content }] }]);
        }
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
      });

      it('returns tool calls with JSON arguments (whole)', async () => {
        const completion = await client.chat.completions.create({
          model: route.tools, messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }], tools,
        });
        const choice = completion.choices[0];
        assert.equal(choice.finish_reason, 'tool_calls');
        assert.equal(choice.message.tool_calls.length, 2);
        assert.deepEqual(choice.message.tool_calls.map((c) => c.type), ['function', 'function']);
        assert.deepEqual(choice.message.tool_calls.map((c) => c.function.name), ['get_weather', 'get_weather']);
        assert.deepEqual(choice.message.tool_calls.map((c) => JSON.parse(c.function.arguments)), weatherCalls);
        assert.notEqual(choice.message.tool_calls[0].id, choice.message.tool_calls[1].id);
      });

      it('streams tool calls the SDK assembles (chat.completions.stream, finalChatCompletion)', async () => {
        const stream = client.chat.completions.stream({
          model: route.tools, messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }], tools,
        });
        const completion = await stream.finalChatCompletion();
        const choice = completion.choices[0];
        assert.equal(choice.finish_reason, 'tool_calls');
        assert.deepEqual(choice.message.tool_calls.map((c) => c.function.name), ['get_weather', 'get_weather']);
        assert.deepEqual(choice.message.tool_calls.map((c) => JSON.parse(c.function.arguments)), weatherCalls);
        for (const call of choice.message.tool_calls) assert.ok(call.id, 'tool call id');
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
