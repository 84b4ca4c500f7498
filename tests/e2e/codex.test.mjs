// Codex CLI (`codex exec`, from the npm registry, pinned in agents/package.json) through `llm-gateway serve` to
// OpenAI, Anthropic and Gemini models played by the fake upstream. Codex speaks only the Responses API
// (POST /v1/responses, streamed): a text turn and a tool round trip (the fake asks for Codex's exec_command on a
// file only the test knows, then echoes the command's output it gets back). Checks what Codex printed, what the
// upstream received, and that Codex asked nothing but the gateway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { upstreamRequests } from './support.mjs';
import { routes } from './translate-support.mjs';
import { agentBed, runCodex } from './agent-support.mjs';

const modelPath = { openai: '/v1/responses', anthropic: '/v1/messages', google: null };
const isModelCall = (r) => ['/v1/responses', '/v1/messages', '/v1/chat/completions'].includes(r.path)
  || /:(stream)?[gG]enerateContent$/.test(r.path);

// The agent's messages in `codex exec --json` output.
function agentText(events) {
  return events.filter((e) => e.type === 'item.completed' && e.item?.type === 'agent_message')
    .map((e) => e.item.text).join('\n');
}

describe('Codex CLI through llm-gateway serve', () => {
  const bed = agentBed('codex');

  const codex = (model, prompt) => runCodex({ ...bed.stack, model, prompt, cwd: bed.work.dir, home: bed.home, trap: bed.trap });

  for (const route of routes) {
    describe(route.model, () => {
      it('answers a text turn', async () => {
        const prompt = 'Say hello to the gateway';
        const out = await codex(route.model, prompt);
        assert.equal(out.code, 0, `codex failed: ${out.stdout}\n${out.stderr}`);
        const text = agentText(out.events);
        assert.match(text, /^Echo: /, out.stdout);
        assert.ok(text.includes(prompt), text);
        const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
        assert.ok(calls.length >= 1, 'the upstream got the request');
        if (modelPath[route.provider]) assert.equal(calls.at(-1).path, modelPath[route.provider]);
        else assert.match(calls.at(-1).path, /^\/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent/);
      });

      it('runs a tool round trip: exec_command on a file, its output back to the model', async () => {
        const out = await codex(`${route.model}-agent`, `Show the file ${bed.work.file}`);
        assert.equal(out.code, 0, `codex failed: ${out.stdout}\n${out.stderr}`);
        const commands = out.events.filter((e) => e.type === 'item.completed' && e.item?.type === 'command_execution');
        assert.ok(commands.some((e) => e.item.command.includes(bed.work.file)), out.stdout);
        assert.ok(agentText(out.events).includes(bed.work.secret), out.stdout);
        const calls = (await upstreamRequests(bed.stack.fakeUrl)).filter(isModelCall);
        assert.ok(calls.length >= 2, `model calls: ${calls.length}`);
        assert.ok(JSON.stringify(calls.at(-1).json).includes(bed.work.secret), 'the last model call carries the output');
      });
    });
  }

  it('asked nothing but the gateway', () => {
    assert.deepEqual(bed.trap.connections, []);
  });
});
