// The stack the translation tests drive: one fake-upstream playing OpenAI, Anthropic and Gemini (each API with
// its own key), and `llm-gateway serve` configured with all three providers pointing at it.
import assert from 'node:assert/strict';
import { cleanEnv, removeDir, requiredEnv, run, startProcess, stopProcess, tempDir } from './support.mjs';

export const upstreamKeys = {
  openai: 'sk-upstream-openai-e2e',
  anthropic: 'sk-ant-upstream-e2e',
  gemini: 'gm-upstream-e2e',
};

// Starts the fake upstream alone: { child, url } (url without /v1).
export async function startFakeUpstream(extraArgs = []) {
  const started = await startProcess(requiredEnv('FAKE_UPSTREAM_BIN'), ['--port', '0', '--key', upstreamKeys.openai,
    '--anthropic-key', upstreamKeys.anthropic, '--gemini-key', upstreamKeys.gemini, ...extraArgs], { env: cleanEnv() });
  assert.match(started.line, /^http:\/\/127\.0\.0\.1:\d+$/);
  return { child: started.child, url: started.line };
}

// Starts fake-upstream and the gateway: { fakeUrl, gatewayUrl, gatewayKey, stop() }.
// `serveArgs`: more options for `serve` (--tls-cert and --tls-key serve https://).
export async function startStack({ serveArgs = [] } = {}) {
  const gatewayBin = requiredEnv('LLM_GATEWAY_BIN');
  const dataDir = tempDir('llmgw-e2e-xlate-');
  const fake = await startFakeUpstream();
  const env = cleanEnv({
    OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: upstreamKeys.openai,
    ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: upstreamKeys.anthropic,
    GEMINI_BASE_URL: fake.url, GEMINI_API_KEY: upstreamKeys.gemini,
    // An OpenAI-compatible provider without a Responses API, played by the fake's Chat Completions.
    MISTRAL_BASE_URL: `${fake.url}/v1`, MISTRAL_API_KEY: upstreamKeys.openai,
    HOME: dataDir,
  });
  let gateway;
  const stop = async () => {
    await stopProcess(gateway, { signal: 'SIGKILL' });
    await stopProcess(fake.child);
    removeDir(dataDir);
  };
  try {
    const created = await run(gatewayBin, ['keys', 'create', '--name', 'e2e-xlate', '--data-dir', dataDir], { env });
    assert.equal(created.code, 0, `keys create failed: ${created.stderr}`);
    const gatewayKey = created.stdout.trim().split('\n').at(-1).trim();
    const started = await startProcess(gatewayBin, ['serve', '--port', '0', '--data-dir', dataDir, ...serveArgs],
      { env });
    gateway = started.child;
    const match = /^Listening on (https?:\/\/127\.0\.0\.1:\d+)$/.exec(started.line);
    assert.ok(match, `first line of serve: ${JSON.stringify(started.line)}`);
    return { fakeUrl: fake.url, gatewayUrl: match[1], gatewayKey, gatewayOutput: gateway.output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// The models each provider is reached by, and the ones the fake answers with two get_weather calls. The paths
// and bodies each upstream must receive are in upstream-checks.mjs.
export const routes = [
  { provider: 'openai', model: 'openai/gpt-4o-mini', tools: 'openai/fake-tools' },
  { provider: 'anthropic', model: 'anthropic/claude-haiku-4-5', tools: 'anthropic/claude-haiku-4-5-tools' },
  { provider: 'google', model: 'google/gemini-2.5-flash', tools: 'google/gemini-2.5-flash-tools' },
];

export const weatherCalls = [{ location: 'Paris' }, { location: 'Tokyo' }];
