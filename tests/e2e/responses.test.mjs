// The official OpenAI SDK's Responses API (client.responses.create) through llm-gateway serve to every provider
// family: OpenAI (passed through to its /v1/responses), Anthropic, Gemini and Mistral (an OpenAI-compatible server
// without a Responses API), all played by one fake upstream. Every test checks what the SDK returned and what the
// upstream received.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { clearUpstreamRequests, expectedUsage, upstreamRequests } from './support.mjs';
import { startStack, upstreamKeys, weatherCalls } from './translate-support.mjs';
import { expectUpstreamRequest, upstreamModel } from './upstream-checks.mjs';

const routes = [
  { provider: 'openai', model: 'openai/gpt-4o-mini', tools: 'openai/gpt-4o-mini-tools' },
  { provider: 'anthropic', model: 'anthropic/claude-haiku-4-5', tools: 'anthropic/claude-haiku-4-5-tools' },
  { provider: 'google', model: 'google/gemini-2.5-flash', tools: 'google/gemini-2.5-flash-tools' },
  { provider: 'mistral', model: 'mistral/mistral-large-latest', tools: 'mistral/fake-tools' },
];

const instructions = 'Be brief.';
const question = 'Answer me through the Responses API';
const expected = expectedUsage([{ role: 'system', content: instructions }, { role: 'user', content: question }]);
const weatherQuestion = 'Weather in Paris and Tokyo?';
const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  strict: false,
};
const schema = {
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
  additionalProperties: false,
};

// OpenAI's own Responses API gets the request as the SDK sent it, but for the model's name.
async function expectResponsesPassthrough(stack, route, { stream }) {
  const received = await upstreamRequests(stack.fakeUrl);
  assert.equal(received.length, 1, JSON.stringify(received.map((r) => r.target)));
  const [request] = received;
  assert.equal(request.path, '/v1/responses');
  assert.equal(request.headers.authorization, `Bearer ${upstreamKeys.openai}`);
  assert.equal(request.json.model, upstreamModel(route.model));
  assert.equal(request.json.instructions, instructions);
  assert.equal(request.json.stream === true, stream);
  return request;
}

async function expectAsked(stack, route, { stream, model = route.model, user = question, tools, maxTokens = 200 }) {
  if (route.provider === 'openai') return expectResponsesPassthrough(stack, { ...route, model }, { stream });
  return expectUpstreamRequest(stack, route, { model, system: instructions, user, tools, maxTokens, stream });
}

function functionCalls(output) {
  return output.filter((item) => item.type === 'function_call');
}

describe('official openai client responses.create through llm-gateway serve to every provider family', () => {
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
    describe(route.model, () => {
      it('answers a response with the echo, usage and cost', async () => {
        const response = await client.responses.create({ model: route.model, instructions, input: question,
          max_output_tokens: 200 });
        assert.equal(response.object, 'response');
        assert.equal(response.status, 'completed');
        assert.match(response.id, /^resp_/);
        assert.equal(response.output_text, expected.reply);
        assert.equal(response.output.length, 1);
        assert.equal(response.output[0].type, 'message');
        assert.equal(response.usage.input_tokens, expected.prompt_tokens);
        assert.equal(response.usage.output_tokens, expected.completion_tokens);
        assert.equal(response.usage.total_tokens, expected.total_tokens);
        assert.ok(typeof response.usage.cost === 'number' && response.usage.cost > 0, `cost: ${response.usage.cost}`);
        await expectAsked(stack, route, { stream: false });
      });

      it('streams the response event by event with sequence numbers', async () => {
        const stream = await client.responses.create({ model: route.model, instructions, input: question,
          max_output_tokens: 200, stream: true });
        const types = [];
        let text = '';
        let completed;
        for await (const event of stream) {
          assert.equal(event.sequence_number, types.length, `${event.type} out of sequence`);
          types.push(event.type);
          if (event.type === 'response.output_text.delta') text += event.delta;
          if (event.type === 'response.completed') completed = event.response;
        }
        assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added',
          'response.content_part.added']);
        assert.deepEqual(types.slice(-4), ['response.output_text.done', 'response.content_part.done',
          'response.output_item.done', 'response.completed']);
        assert.equal(text, expected.reply);
        assert.equal(completed.output[0].content[0].text, expected.reply);
        assert.equal(completed.usage.input_tokens, expected.prompt_tokens);
        assert.equal(completed.usage.output_tokens, expected.completion_tokens);
        assert.ok(completed.usage.cost > 0, `cost: ${completed.usage.cost}`);
        await expectAsked(stack, route, { stream: true });
      });

      it('calls tools, streamed, and takes their outputs back', async () => {
        const stream = client.responses.stream({ model: route.tools, instructions, input: weatherQuestion,
          tools: [weatherTool], max_output_tokens: 200 });
        const argumentDeltas = {};
        stream.on('response.function_call_arguments.delta', (event) => {
          argumentDeltas[event.item_id] = (argumentDeltas[event.item_id] ?? '') + event.delta;
        });
        const first = await stream.finalResponse();
        const calls = functionCalls(first.output);
        assert.deepEqual(calls.map((call) => call.name), ['get_weather', 'get_weather']);
        assert.deepEqual(calls.map((call) => JSON.parse(call.arguments)), weatherCalls);
        for (const call of calls) assert.equal(argumentDeltas[call.id], call.arguments);
        await expectAsked(stack, route, { stream: true, model: route.tools, user: weatherQuestion, tools: ['get_weather'] });

        await clearUpstreamRequests(stack.fakeUrl);
        const input = [{ role: 'user', content: weatherQuestion }, ...calls.map(({ call_id, name, arguments: args }) =>
          ({ type: 'function_call', call_id, name, arguments: args }))];
        for (const call of calls) {
          input.push({ type: 'function_call_output', call_id: call.call_id,
            output: `${JSON.parse(call.arguments).location}: sunny` });
        }
        const second = await client.responses.create({ model: route.model, instructions, input, tools: [weatherTool],
          max_output_tokens: 200 });
        assert.equal(second.output_text, `Echo: ${weatherQuestion}`);
        const [received] = await upstreamRequests(stack.fakeUrl);
        const sent = JSON.stringify(received.json);
        if (route.provider === 'google') { // Gemini pairs calls and responses by name and order, without ids
          assert.deepEqual(received.json.contents.map((c) => c.parts.map((p) => Object.keys(p)[0])),
            [['text'], ['functionCall', 'functionCall'], ['functionResponse', 'functionResponse']]);
        } else {
          for (const call of calls) assert.ok(sent.includes(call.call_id), `${call.call_id} missing upstream: ${sent}`);
        }
        assert.ok(sent.includes('Paris: sunny') && sent.includes('Tokyo: sunny'), sent);
      });

      it('asks for JSON by schema through text.format', async () => {
        const request = { model: route.model, instructions, input: question, max_output_tokens: 200,
          text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } } };
        const response = await client.responses.create(request);
        assert.deepEqual(response.text.format, request.text.format);
        assert.deepEqual(JSON.parse(response.output_text), { answer: `Echo: ${question}` }); // the fake's JSON
        const [received] = await upstreamRequests(stack.fakeUrl);
        if (route.provider === 'openai') assert.deepEqual(received.json.text, request.text);
        else if (route.provider === 'google') {
          assert.equal(received.json.generationConfig.responseMimeType, 'application/json');
          assert.deepEqual(received.json.generationConfig.responseSchema.required, ['answer']);
        } else if (route.provider === 'anthropic') { // structured output, generally available: no beta header
          assert.deepEqual(received.json.output_config, { format: { type: 'json_schema', schema } });
          assert.equal(received.headers['anthropic-beta'], undefined);
        } else {
          assert.equal(received.json.response_format.type, 'json_schema');
          assert.deepEqual(received.json.response_format.json_schema.schema, schema);
        }
      });
    });
  }

  it('refuses previous_response_id for a model without OpenAI\'s Responses API, saying why', async () => {
    await assert.rejects(client.responses.create({ model: 'anthropic/claude-haiku-4-5', input: question,
      previous_response_id: 'resp_earlier' }), (error) => {
      assert.equal(error.status, 400);
      assert.equal(error.param, 'previous_response_id');
      assert.match(error.message, /does not store responses/);
      return true;
    });
    assert.equal((await upstreamRequests(stack.fakeUrl)).length, 0);
  });

  for (const model of ['openai/fake-drop-mid-stream', 'mistral/fake-drop-mid-stream']) {
    it(`raises the error when the upstream breaks off a stream (${model})`, async () => {
      const stream = await client.responses.create({ model, instructions, input: question, stream: true });
      const types = [];
      await assert.rejects(async () => {
        for await (const event of stream) types.push(event.type);
      }, (error) => {
        assert.match(error.message, /broke off during the stream/);
        return true;
      });
      assert.equal(types[0], 'response.created');
      if (model.startsWith('mistral/')) assert.equal(types.at(-1), 'response.failed');
    });
  }

  it('answers an unknown model with 404 model_not_found', async () => {
    await assert.rejects(client.responses.create({ model: 'nosuch/model', input: question }), (error) => {
      assert.equal(error.status, 404);
      assert.equal(error.code, 'model_not_found');
      return true;
    });
  });
});
