// The official SDKs over HTTPS: `llm-gateway serve --tls-cert --tls-key` with the throwaway certificate of
// tests/tls/certs, which this process is told to trust (NODE_EXTRA_CA_CERTS, set by ctest) as a team's clients
// trust their gateway's. Each SDK makes its ordinary calls; the fake upstream shows they arrived.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { clearUpstreamRequests, expectedUsage, requiredEnv } from './support.mjs';
import { routes, startStack } from './translate-support.mjs';
import { expectUpstreamRequest } from './upstream-checks.mjs';

const system = 'Be brief.';
const question = 'Say hello over TLS';
const expected = expectedUsage([{ role: 'system', content: system }, { role: 'user', content: question }]);
const asked = { system, user: question };
const [openaiRoute, anthropicRoute, googleRoute] = ['openai', 'anthropic', 'google']
  .map((provider) => routes.find((route) => route.provider === provider));

describe('official SDKs through llm-gateway serve over HTTPS', () => {
  let stack;

  before(async () => {
    requiredEnv('NODE_EXTRA_CA_CERTS');
    stack = await startStack({
      serveArgs: ['--tls-cert', requiredEnv('TLS_CERT_FILE'), '--tls-key', requiredEnv('TLS_KEY_FILE')],
    });
    assert.match(stack.gatewayUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    await clearUpstreamRequests(stack.fakeUrl);
  });

  it('openai: a chat completion and a stream', async () => {
    const client = new OpenAI({ apiKey: stack.gatewayKey, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
    const messages = [{ role: 'system', content: system }, { role: 'user', content: question }];
    const completion = await client.chat.completions.create({ model: openaiRoute.model, messages, max_tokens: 64 });
    assert.equal(completion.choices[0].message.content, expected.reply);
    assert.equal(completion.usage.total_tokens, expected.total_tokens);
    await expectUpstreamRequest(stack, openaiRoute, { ...asked, model: openaiRoute.model, maxTokens: 64, stream: false });

    await clearUpstreamRequests(stack.fakeUrl);
    const stream = await client.chat.completions.create({ model: openaiRoute.model, messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, expected.reply);
    await expectUpstreamRequest(stack, openaiRoute, { ...asked, model: openaiRoute.model, stream: true });
  });

  it('anthropic: messages.create', async () => {
    const client = new Anthropic({ apiKey: stack.gatewayKey, baseURL: stack.gatewayUrl, maxRetries: 0 });
    const message = await client.messages.create({
      model: anthropicRoute.model, max_tokens: 64, system, messages: [{ role: 'user', content: question }],
    });
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.content[0].text, expected.reply);
    await expectUpstreamRequest(stack, anthropicRoute,
      { ...asked, model: anthropicRoute.model, maxTokens: 64, stream: false });
  });

  it('@google/genai: generateContent', async () => {
    const ai = new GoogleGenAI({ apiKey: stack.gatewayKey, httpOptions: { baseUrl: stack.gatewayUrl } });
    const response = await ai.models.generateContent({
      model: googleRoute.model, contents: question, config: { systemInstruction: system },
    });
    assert.equal(response.text, expected.reply);
    await expectUpstreamRequest(stack, googleRoute, { ...asked, model: googleRoute.model, stream: false });
  });

  it('refuses plain HTTP on the HTTPS port with a 400 that says so', async () => {
    const response = await fetch(`${stack.gatewayUrl.replace('https://', 'http://')}/health`);
    assert.equal(response.status, 400);
    assert.match((await response.json()).error.message, /use https:\/\//);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const other = readFileSync(requiredEnv('TLS_OTHER_CERT_FILE'));
    const failure = await new Promise((resolve) => {
      https.get(`${stack.gatewayUrl}/health`, { ca: [other] }, (response) => resolve(`status ${response.statusCode}`))
        .on('error', resolve);
    });
    assert.ok(failure instanceof Error, `the handshake succeeded: ${failure}`);
    assert.match(failure.code, /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('says nothing about plain HTTP on a loopback listener', () => {
    assert.doesNotMatch(stack.gatewayOutput.stderr, /WARNING/);
  });
});
