// Coding agents as end-to-end clients: the pinned packages of agents/package.json (Claude Code and Codex CLI ship
// native binaries through optional platform packages, Gemini CLI one JavaScript bundle), run against
// `llm-gateway serve` with a throwaway HOME, their telemetry turned off by their own settings, and every proxy
// variable pointing at a port that records whoever connects, so a test can assert that nothing but the gateway was
// asked.
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach } from 'node:test';
import { clearUpstreamRequests, removeDir, run, tempDir } from './support.mjs';
import { startStack } from './translate-support.mjs';

const agentsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agents');
const requireAgent = createRequire(path.join(agentsDir, 'package.json'));

function packageDir(name) {
  return path.dirname(requireAgent.resolve(`${name}/package.json`));
}

// Claude Code's native binary (its postinstall, which npm does not run by default, would only copy it over a stub).
export function claudeBinary() {
  const bin = path.join(packageDir(`@anthropic-ai/claude-code-${process.platform}-${process.arch}`), 'claude');
  if (!existsSync(bin)) throw new Error(`no Claude Code binary at ${bin}: run npm ci in ${agentsDir}`);
  return bin;
}

// Codex's launcher, which finds its platform package's native binary; it runs on this node.
export function codexLauncher() {
  return path.join(packageDir('@openai/codex'), 'bin', 'codex.js');
}

// A proxy that refuses every connection and remembers it: agents get it as HTTP(S)_PROXY, with the gateway exempted.
export async function startTrapProxy() {
  const connections = [];
  const server = net.createServer((socket) => {
    socket.once('data', (data) => connections.push(data.toString('latin1').split('\r\n')[0]));
    setTimeout(() => socket.destroy(), 50);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, connections, close: () => new Promise((resolve) => server.close(resolve)) };
}

// What every agent run shares: a throwaway HOME and working directory, and the proxy trap.
export function agentEnvironment(home, trap, extra) {
  const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', TERM: 'dumb' };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) env[name] = trap.url;
  env.NO_PROXY = env.no_proxy = '127.0.0.1,localhost';
  return { ...env, ...extra };
}

// A working directory holding one file with a word no model could guess, for the tool round trips.
export function workspaceWithSecret(prefix) {
  const dir = tempDir(prefix);
  const secret = `llmgw-secret-${Math.random().toString(36).slice(2, 10)}`;
  const file = path.join(dir, 'note.txt');
  writeFileSync(file, `${secret}\n`);
  return { dir, file, secret };
}

// `claude -p PROMPT --output-format json` in `cwd`: { code, result (the parsed JSON), stdout, stderr }.
export async function runClaude({ gatewayUrl, gatewayKey, model, prompt, cwd, home, trap, args = [] }) {
  const env = agentEnvironment(home, trap, {
    ANTHROPIC_BASE_URL: gatewayUrl,
    ANTHROPIC_API_KEY: gatewayKey,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_SMALL_FAST_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  });
  const out = await runIn(cwd, claudeBinary(), ['-p', prompt, '--output-format', 'json', ...args], env);
  let result;
  try { result = JSON.parse(out.stdout); } catch { result = undefined; }
  return { ...out, result };
}

// `codex exec --json PROMPT` with a CODEX_HOME whose config names the gateway as its only provider:
// { code, events (the JSON lines), stdout, stderr }.
export async function runCodex({ gatewayUrl, gatewayKey, model, prompt, cwd, home, trap }) {
  const codexHome = path.join(home, 'codex');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(path.join(codexHome, 'config.toml'), [
    `model = "${model}"`,
    'model_provider = "llmgw"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    '[features]', 'plugins = false',
    '[analytics]', 'enabled = false',
    '[feedback]', 'enabled = false',
    '[otel]', 'exporter = "none"',
    '[model_providers.llmgw]',
    'name = "llm-gateway"',
    `base_url = "${gatewayUrl}/v1"`,
    'env_key = "LLMGW_KEY"',
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n'));
  const env = agentEnvironment(home, trap, { CODEX_HOME: codexHome, LLMGW_KEY: gatewayKey });
  const out = await runIn(cwd, process.execPath,
    [codexLauncher(), 'exec', '--skip-git-repo-check', '--json', prompt], env);
  const events = out.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  return { ...out, events };
}

// Gemini CLI's bundle (plain JavaScript); it runs on this node.
export function geminiCli() {
  return path.join(packageDir('@google/gemini-cli'), 'bundle', 'gemini.js');
}

// Gemini CLI's settings that keep it to the gateway: the API key as its way in (else -p refuses the auth method), no
// folder-trust prompt (-p would refuse the workspace), and no usage statistics, telemetry, update checks or IDE.
export const geminiSettings = {
  security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  ide: { enabled: false },
};

// `gemini -p PROMPT -o json` with a throwaway ~/.gemini/settings.json (geminiSettings, each section's fields
// overridden by `settings`): { code, result (the parsed JSON), stdout, stderr }. GOOGLE_GEMINI_BASE_URL sends the
// generative language API's calls to the gateway (the CLI adds /v1beta). GEMINI_CLI_NO_RELAUNCH spares the
// second node process the CLI otherwise starts only to raise its heap limit.
export async function runGemini({ gatewayUrl, gatewayKey, model, prompt, cwd, home, trap, settings = {} }) {
  const settingsDir = path.join(home, '.gemini');
  mkdirSync(settingsDir, { recursive: true });
  const merged = { ...geminiSettings };
  for (const [section, fields] of Object.entries(settings)) merged[section] = { ...merged[section], ...fields };
  writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify(merged, null, 2));
  const env = agentEnvironment(home, trap, {
    GOOGLE_GEMINI_BASE_URL: gatewayUrl,
    GEMINI_API_KEY: gatewayKey,
    GEMINI_MODEL: model,
    GEMINI_CLI_NO_RELAUNCH: 'true',
  });
  const out = await runIn(cwd, process.execPath, [geminiCli(), '-p', prompt, '-o', 'json'], env);
  let result;
  try { result = JSON.parse(out.stdout); } catch { result = undefined; }
  return { ...out, result };
}

function runIn(cwd, bin, args, env) {
  return run(bin, args, { env, cwd, timeoutMs: 90000 });
}

// What a describe block of agent runs shares, registered as its hooks: the gateway with its fake upstream
// (`stack`), the trap proxy (`trap`), a throwaway home (`home`) and a workspace holding a secret file (`work`),
// made before the block's tests and removed after them; the upstream's log is cleared before each test.
export function agentBed(name) {
  const bed = {};
  before(async () => {
    bed.stack = await startStack();
    bed.trap = await startTrapProxy();
    bed.home = tempDir(`llmgw-${name}-home-`);
    bed.work = workspaceWithSecret(`llmgw-${name}-work-`);
  });
  after(async () => {
    await bed.stack?.stop();
    await bed.trap?.close();
    removeDir(bed.home);
    removeDir(bed.work?.dir);
  });
  beforeEach(async () => {
    await clearUpstreamRequests(bed.stack.fakeUrl);
  });
  return bed;
}
