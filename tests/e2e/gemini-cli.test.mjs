// Gemini CLI (`gemini -p`, from the npm registry, pinned in agents/package.json) through `llm-gateway serve` to
// Gemini (passed through), OpenAI and Anthropic models (translated) played by the fake upstream. Gemini CLI speaks
// Google's generative language API (POST /v1beta/models/{model}:streamGenerateContent?alt=sse): a text turn and a
// tool round trip (the fake asks for Gemini CLI's read_file on a file only the test knows, then echoes the
// functionResponse it gets back), and its model router on `auto`. Checks what Gemini CLI printed, what the
// upstream received, and that Gemini CLI asked nothing but the gateway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamRequests } from './support.mjs';
import { routes } from './translate-support.mjs';
import { agentBed, runGemini, startTrapProxy } from './agent-support.mjs';

const isModelCall = (r) => ['/v1/responses', '/v1/messages', '/v1/chat/completions'].includes(r.path)
  || /:(stream)?[gG]enerateContent$/.test(r.path);

// Where each provider's model requests arrive, and how a tool result looks there.
const upstreamShape = {
  openai: {
    path: /^\/v1\/chat\/completions$/,
    toolResult: (json, secret) => json.messages.some((m) => m.role === 'tool' && JSON.stringify(m.content).includes(secret)),
  },
  anthropic: {
    path: /^\/v1\/messages$/,
    toolResult: (json, secret) => json.messages.some((m) => Array.isArray(m.content)
      && m.content.some((b) => b.type === 'tool_result' && JSON.stringify(b.content).includes(secret))),
  },
  google: {
    path: /^\/v1beta\/models\/gemini-2\.5-flash(-agent)?:streamGenerateContent$/,
    toolResult: (json, secret) => json.contents.some((c) => c.parts.some((p) => p.functionResponse
      && JSON.stringify(p.functionResponse).includes(secret))),
  },
};

describe('Gemini CLI through llm-gateway serve', () => {
  const bed = agentBed('gemini');

  const gemini = (model, prompt) => runGemini({ ...bed.stack, model, prompt, cwd: bed.work.dir, home: bed.home, trap: bed.trap });

  for (const route of routes) {
    describe(route.model, () => {
      it('answers a text turn', async () => {
        const prompt = 'Say hello to the gateway';
        const out = await gemini(route.model, prompt);
        assert.equal(out.code, 0, `gemini failed: ${out.stdout}\n${out.stderr}`);
        assert.match(out.result.response, /^Echo: /, out.stdout);
        assert.ok(out.result.response.includes(prompt), out.result.response);
        const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
        assert.ok(calls.length >= 1, 'the upstream got the request');
        assert.match(calls.at(-1).path, upstreamShape[route.provider].path);
      });

      it('runs a tool round trip: read_file on a file, the result back to the model', async () => {
        const out = await gemini(`${route.model}-agent`, `Read the file ${bed.work.file}`);
        assert.equal(out.code, 0, `gemini failed: ${out.stdout}\n${out.stderr}`);
        assert.ok(out.result.response.includes(bed.work.secret), `printed: ${out.stdout}`);
        const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
        assert.ok(calls.length >= 2, `model calls: ${calls.length}`);
        assert.ok(upstreamShape[route.provider].toolResult(calls.at(-1).json, bed.work.secret),
          'the last model call carries the tool result with the file');
      });
    });
  }

  // Without a model of its own Gemini CLI asks a small Gemini model by bare name which model should answer
  // (:generateContent, JSON by schema), then streams from the one it picked; the catalog routes both names.
  it('routes through its model router (auto): a JSON-schema classification, then the chosen model', async () => {
    const prompt = 'Say hello to the gateway';
    const out = await gemini('auto', prompt);
    assert.equal(out.code, 0, `gemini failed: ${out.stdout}\n${out.stderr}`);
    assert.match(out.result.response, /^Echo: /, out.stdout);
    const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
    assert.equal(calls.length, 2, JSON.stringify(calls.map((c) => c.target)));
    assert.match(calls[0].path, /^\/v1beta\/models\/gemini-[\w.-]+:generateContent$/);
    assert.equal(calls[0].json.generationConfig.responseMimeType, 'application/json');
    assert.ok(calls[0].json.generationConfig.responseSchema ?? calls[0].json.generationConfig.responseJsonSchema);
    assert.match(calls[1].path, /^\/v1beta\/models\/gemini-[\w.-]+:streamGenerateContent$/);
  });

  it('asked nothing but the gateway', () => {
    assert.deepEqual(bed.trap.connections, []);
  });

  // The check above means something only if Gemini CLI goes through the proxy variables: with usage statistics
  // left on, its logging to Google's play.googleapis.com lands in a trap of its own.
  it('sends usage statistics through the proxy when they are not turned off', async () => {
    const trap = await startTrapProxy();
    try {
      const out = await runGemini({ ...bed.stack, model: 'google/gemini-2.5-flash', prompt: 'Say hello',
        cwd: bed.work.dir, home: bed.home, trap, settings: { privacy: { usageStatisticsEnabled: true } } });
      assert.equal(out.code, 0, `gemini failed: ${out.stdout}\n${out.stderr}`);
      assert.ok(trap.connections.some((line) => line.startsWith('CONNECT play.googleapis.com:443 ')),
        JSON.stringify(trap.connections));
    } finally {
      await trap.close();
    }
  });
});
