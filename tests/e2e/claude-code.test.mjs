// Claude Code (`claude -p`, from the npm registry, pinned in agents/package.json) through `llm-gateway serve` to
// Anthropic, OpenAI and Gemini models played by the fake upstream: a text turn, a tool round trip (the fake asks
// for Claude Code's Read tool on a file only the test knows, then echoes the tool result it gets back) and
// /context (token counting). Checks what Claude Code printed, what the upstream received, and that Claude Code
// asked nothing but the gateway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamRequests } from './support.mjs';
import { routes } from './translate-support.mjs';
import { agentBed, runClaude } from './agent-support.mjs';

const isModelCall = (r) => r.path === '/v1/messages' || r.path === '/v1/chat/completions'
  || /:(stream)?[gG]enerateContent$/.test(r.path);

// Where each provider's model requests and token counts arrive, and how a tool result looks there.
const upstreamShape = {
  openai: { count: null, toolResult: (json, secret) => json.messages.some((m) => m.role === 'tool' && JSON.stringify(m.content).includes(secret)) },
  anthropic: {
    count: '/v1/messages/count_tokens',
    toolResult: (json, secret) => json.messages.some((m) => Array.isArray(m.content)
      && m.content.some((b) => b.type === 'tool_result' && JSON.stringify(b.content).includes(secret))),
  },
  google: {
    count: '/v1beta/models/gemini-2.5-flash:countTokens',
    toolResult: (json, secret) => json.contents.some((c) => c.parts.some((p) => p.functionResponse
      && JSON.stringify(p.functionResponse).includes(secret))),
  },
};

describe('Claude Code through llm-gateway serve', () => {
  const bed = agentBed('claude');

  const claude = (model, prompt, args) => runClaude({ ...bed.stack, model, prompt, cwd: bed.work.dir, home: bed.home, trap: bed.trap, args });

  for (const route of routes) {
    describe(route.model, () => {
      // On models it does not know as Anthropic's, Claude Code sends its environment as a system message inside
      // `messages` (beta mid-conversation-tool-changes-2026-07-01); on Claude models, inside the user's turn.
      it('answers a text turn, its mid-conversation system message carried to the upstream', async () => {
        const prompt = 'Say hello to the gateway';
        const out = await claude(route.model, prompt);
        assert.equal(out.code, 0, `claude failed: ${out.stdout}\n${out.stderr}`);
        assert.equal(out.result.is_error, false, out.stdout);
        assert.match(out.result.result, /^Echo: /);
        assert.ok(out.result.result.includes(prompt), out.result.result);

        const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
        assert.ok(calls.length >= 1, 'the upstream got the request');
        const last = calls.at(-1).json;
        if (route.provider === 'anthropic') { // passed through with its betas, only the model renamed
          assert.equal(last.model, 'claude-haiku-4-5');
          assert.match(calls.at(-1).headers['anthropic-beta'], /claude-code-20250219/);
        } else if (route.provider === 'openai') { // a system message in place, after the user's
          const index = last.messages.findIndex((m, i) => i > 0 && m.role === 'system');
          assert.ok(index > 0, JSON.stringify(last.messages.map((m) => m.role)));
        } else { // Gemini has one systemInstruction: the message is appended to it
          assert.ok(JSON.stringify(last.systemInstruction).includes('Primary working directory'),
            JSON.stringify(last.systemInstruction).slice(0, 300));
        }
      });

      it('runs a tool round trip: Read on a file, the result back to the model', async () => {
        const out = await claude(`${route.model}-agent`, `Read the file ${bed.work.file}`, ['--allowedTools', 'Read']);
        assert.equal(out.code, 0, `claude failed: ${out.stdout}\n${out.stderr}`);
        assert.equal(out.result.is_error, false, out.stdout);
        assert.ok(out.result.result.includes(bed.work.secret), `printed: ${out.result.result}`);
        const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
        assert.ok(calls.length >= 2, `model calls: ${calls.length}`);
        assert.ok(upstreamShape[route.provider].toolResult(calls.at(-1).json, bed.work.secret),
          'the last model call carries the tool result with the file');
      });

      it('shows /context, counting tokens through the gateway', async () => {
        const out = await claude(route.model, '/context');
        assert.equal(out.code, 0, `claude failed: ${out.stdout}\n${out.stderr}`);
        assert.equal(out.result.is_error, false, out.stdout);
        assert.match(out.result.result, /tokens/i);
        const counts = (await upstreamRequests(bed.stack.fakeUrl)).filter((r) => /count_?[tT]okens/.test(r.path));
        const expected = upstreamShape[route.provider].count;
        if (expected) assert.ok(counts.some((r) => r.path === expected), `counts: ${counts.map((r) => r.path)}`);
        else assert.equal(counts.length, 0, 'OpenAI models are estimated by the gateway');
      });
    });
  }

  it('asked nothing but the gateway', () => {
    assert.deepEqual(bed.trap.connections, []);
  });
});
