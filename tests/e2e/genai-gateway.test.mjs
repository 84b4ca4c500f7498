// The official Google Gen AI SDK as a client of the gateway: generateContent and its stream, with tools,
// through the gateway to an OpenAI, an Anthropic and a Gemini upstream (one fake speaking all three), and
// the SDK's own error type for a bad key. Every request is checked as the upstream received it, too.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI } from '@google/genai';
import { clearUpstreamRequests } from './support.mjs';
import { routes, startStack, weatherCalls } from './translate-support.mjs';
import { expectUpstreamRequest } from './upstream-checks.mjs';

const question = 'hello through the gateway';
const weatherQuestion = 'Weather in Paris and Tokyo?';
const config = { systemInstruction: 'Be brief.', maxOutputTokens: 200 };
const asked = { system: 'Be brief.', user: question, maxTokens: 200 };
const weatherTool = {
  functionDeclarations: [{
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'OBJECT', properties: { location: { type: 'STRING' } }, required: ['location'] },
  }],
};

describe('official @google/genai client through llm-gateway serve', () => {
  let stack;
  let ai;

  before(async () => {
    stack = await startStack();
    ai = new GoogleGenAI({ apiKey: stack.gatewayKey, httpOptions: { baseUrl: stack.gatewayUrl } });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    await clearUpstreamRequests(stack.fakeUrl);
  });

  for (const route of routes) {
    it(`generateContent to ${route.provider}`, async () => {
      const response = await ai.models.generateContent({ model: route.model, contents: question, config });
      assert.match(response.text, /hello through the gateway/);
      assert.equal(response.candidates[0].finishReason, 'STOP');
      assert.ok(response.usageMetadata.promptTokenCount > 0);
      assert.ok(response.usageMetadata.totalTokenCount >= response.usageMetadata.promptTokenCount);
      await expectUpstreamRequest(stack, route, { ...asked, model: route.model, stream: false });
    });

    it(`generateContentStream to ${route.provider}`, async () => {
      const stream = await ai.models.generateContentStream({ model: route.model, contents: question, config });
      let text = '';
      let chunks = 0;
      let last;
      for await (const chunk of stream) {
        chunks += 1;
        text += chunk.text ?? '';
        last = chunk;
      }
      assert.ok(chunks > 1, `chunks: ${chunks}`);
      assert.match(text, /hello through the gateway/);
      assert.equal(last.candidates[0].finishReason, 'STOP');
      assert.ok(last.usageMetadata.totalTokenCount > 0);
      await expectUpstreamRequest(stack, route, { ...asked, model: route.model, stream: true });
    });

    it(`function calls from ${route.provider}`, async () => {
      const response = await ai.models.generateContent({
        model: route.tools, contents: weatherQuestion, config: { tools: [weatherTool] },
      });
      const calls = response.functionCalls ?? [];
      assert.deepEqual(calls.map((call) => call.name), ['get_weather', 'get_weather']);
      assert.deepEqual(calls.map((call) => call.args), weatherCalls);
      await expectUpstreamRequest(stack, route,
        { user: weatherQuestion, tools: ['get_weather'], model: route.tools, stream: false });
    });

    it(`function calls streamed from ${route.provider}`, async () => {
      const stream = await ai.models.generateContentStream({
        model: route.tools, contents: weatherQuestion, config: { tools: [weatherTool] },
      });
      const calls = [];
      for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
      assert.deepEqual(calls.map((call) => call.name), ['get_weather', 'get_weather']);
      assert.deepEqual(calls.map((call) => call.args), weatherCalls);
      await expectUpstreamRequest(stack, route,
        { user: weatherQuestion, tools: ['get_weather'], model: route.tools, stream: true });
    });
  }

  it('refuses a wrong gateway key with the SDK\'s ApiError 401', async () => {
    const stranger = new GoogleGenAI({ apiKey: 'llmgw_1_notthesecret', httpOptions: { baseUrl: stack.gatewayUrl } });
    await assert.rejects(stranger.models.generateContent({ model: 'openai/gpt-4o-mini', contents: 'hi' }),
      (error) => error instanceof ApiError && error.status === 401);
  });
});
