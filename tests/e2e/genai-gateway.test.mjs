// The official Google Gen AI SDK as a client of the gateway: generateContent and its stream, with tools,
// through the gateway to an OpenAI, an Anthropic and a Gemini upstream (one fake speaking all three), and
// the SDK's own error type for a bad key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI } from '@google/genai';
import { routes, startStack, weatherCalls } from './translate-support.mjs';

const question = 'hello through the gateway';
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

  for (const route of routes) {
    it(`generateContent to ${route.provider}`, async () => {
      const response = await ai.models.generateContent({
        model: route.model, contents: question, config: { systemInstruction: 'Be brief.' },
      });
      assert.match(response.text, /hello through the gateway/);
      assert.equal(response.candidates[0].finishReason, 'STOP');
      assert.ok(response.usageMetadata.promptTokenCount > 0);
      assert.ok(response.usageMetadata.totalTokenCount >= response.usageMetadata.promptTokenCount);
    });

    it(`generateContentStream to ${route.provider}`, async () => {
      const stream = await ai.models.generateContentStream({ model: route.model, contents: question });
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
    });

    it(`function calls from ${route.provider}`, async () => {
      const response = await ai.models.generateContent({
        model: route.tools, contents: 'Weather in Paris and Tokyo?', config: { tools: [weatherTool] },
      });
      const calls = response.functionCalls ?? [];
      assert.deepEqual(calls.map((call) => call.name), ['get_weather', 'get_weather']);
      assert.deepEqual(calls.map((call) => call.args), weatherCalls);
    });
  }

  it('refuses a wrong gateway key with the SDK\'s ApiError 401', async () => {
    const stranger = new GoogleGenAI({ apiKey: 'llmgw_1_notthesecret', httpOptions: { baseUrl: stack.gatewayUrl } });
    await assert.rejects(stranger.models.generateContent({ model: 'openai/gpt-4o-mini', contents: 'hi' }),
      (error) => error instanceof ApiError && error.status === 401);
  });
});
