// The official Google Gen AI SDK pointed straight at the fake upstream: proves that the fake's Gemini format
// (generateContent, streamGenerateContent?alt=sse, functionCall parts, error envelope) is what the real client
// parses, so that the gateway's Gemini tests built on the fake test the gateway. genai-gateway.test.mjs uses the
// same SDK as a client of the gateway.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, FunctionCallingConfigMode, GoogleGenAI } from '@google/genai';
import { expectedUsage, stopProcess, upstreamRequests } from './support.mjs';
import { startFakeUpstream, upstreamKeys, weatherCalls } from './translate-support.mjs';

const system = 'Be brief.';
const question = 'Tell the fake Gemini something';
const expected = expectedUsage([{ role: 'system', content: system }, { role: 'user', content: question }]);
const weatherTool = {
  functionDeclarations: [{
    name: 'get_weather',
    description: 'Current weather of a city',
    parametersJsonSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  }],
};

describe('official @google/genai client against the fake upstream', () => {
  let fake;
  let ai;

  before(async () => {
    fake = await startFakeUpstream(['--cached-tokens', '3', '--reasoning-tokens', '2']);
    ai = new GoogleGenAI({ apiKey: upstreamKeys.gemini, httpOptions: { baseUrl: fake.url } });
  });

  after(async () => {
    const result = await stopProcess(fake?.child);
    if (result) assert.equal(result.code, 0, 'fake-upstream exits 0 on SIGTERM');
  });

  it('answers generateContent with text, finishReason and usageMetadata the SDK parses', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash', contents: question, config: { systemInstruction: system },
    });
    assert.equal(response.text, expected.reply);
    assert.equal(response.candidates.length, 1);
    assert.equal(response.candidates[0].content.role, 'model');
    assert.equal(response.candidates[0].finishReason, 'STOP');
    assert.equal(response.modelVersion, 'gemini-2.5-flash');
    assert.ok(response.responseId, 'responseId');
    assert.equal(response.usageMetadata.promptTokenCount, expected.prompt_tokens);
    assert.equal(response.usageMetadata.candidatesTokenCount, expected.completion_tokens);
    assert.equal(response.usageMetadata.thoughtsTokenCount, 2);
    assert.equal(response.usageMetadata.cachedContentTokenCount, 3);
    assert.equal(response.usageMetadata.totalTokenCount, expected.prompt_tokens + expected.completion_tokens + 2);

    const [received] = (await upstreamRequests(fake.url)).slice(-1);
    assert.equal(received.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(received.headers['x-goog-api-key'], upstreamKeys.gemini);
    assert.deepEqual(received.json.contents, [{ role: 'user', parts: [{ text: question }] }]);
    assert.equal(received.json.systemInstruction.parts[0].text, system);
  });

  it('streams with generateContentStream: several chunks, usageMetadata on the last', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash', contents: question, config: { systemInstruction: system },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length > 2, `chunks: ${chunks.length}`);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), expected.reply);
    assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
    assert.equal(chunks.at(-1).usageMetadata.promptTokenCount, expected.prompt_tokens);
    assert.equal(chunks.at(-1).usageMetadata.candidatesTokenCount, expected.completion_tokens);
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usageMetadata, undefined);

    const [received] = (await upstreamRequests(fake.url)).slice(-1);
    assert.equal(received.target, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  for (const streamed of [false, true]) {
    it(`returns functionCall parts the SDK exposes as functionCalls (${streamed ? 'stream' : 'whole'})`, async () => {
      const params = {
        model: 'gemini-2.5-flash-tools',
        contents: 'Weather in Paris and Tokyo?',
        config: { tools: [weatherTool], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } } },
      };
      let calls = [];
      if (streamed) {
        for await (const chunk of await ai.models.generateContentStream(params)) calls.push(...(chunk.functionCalls ?? []));
      } else {
        const response = await ai.models.generateContent(params);
        calls = response.functionCalls;
        assert.equal(response.candidates[0].finishReason, 'STOP');
      }
      assert.deepEqual(calls.map((c) => c.name), ['get_weather', 'get_weather']);
      assert.deepEqual(calls.map((c) => c.args), weatherCalls);
    });
  }

  it('answers fake-error-429 with the error envelope the SDK raises as ApiError 429', async () => {
    await assert.rejects(ai.models.generateContent({ model: 'fake-error-429', contents: question }), (error) => {
      assert.ok(error instanceof ApiError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 429);
      assert.match(error.message, /RESOURCE_EXHAUSTED/);
      return true;
    });
  });

  it('refuses a wrong key as Google does (400 API key not valid)', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'gm-wrong', httpOptions: { baseUrl: fake.url } });
    await assert.rejects(wrong.models.generateContent({ model: 'gemini-2.5-flash', contents: question }), (error) => {
      assert.ok(error instanceof ApiError, `got ${error?.constructor?.name}: ${error?.message}`);
      assert.equal(error.status, 400);
      assert.match(error.message, /API key not valid/);
      return true;
    });
  });
});
