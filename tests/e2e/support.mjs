// Process helpers for the end-to-end tests: start the binaries under test, read what they print, stop them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

export function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: point it at the built binary (ctest sets it)`);
  return value;
}

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// The environment for a child: ours without any provider settings a developer may have exported, plus `extra`.
export function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/_(API_KEY|BASE_URL)$/.test(key) || key === 'LLMGW_DATABASE') delete env[key];
  }
  return { ...env, ...extra };
}

// Starts a long-running program and resolves with its first stdout line; rejects if it exits or says
// nothing within `timeoutMs`.
export async function startProcess(bin, args, { env, timeoutMs = 20000 } = {}) {
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => { output.stderr += text; });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  child.exitPromise = exited;
  child.output = output;

  const firstLine = new Promise((resolve, reject) => {
    child.stdout.on('data', (text) => {
      output.stdout += text;
      const newline = output.stdout.indexOf('\n');
      if (newline >= 0) resolve(output.stdout.slice(0, newline).trim());
    });
    child.on('error', reject);
    exited.then(({ code, signal }) =>
      reject(new Error(`${path.basename(bin)} exited (code ${code}, signal ${signal}) before printing a line; `
        + `stderr: ${output.stderr.trim()}`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${path.basename(bin)} printed nothing within ${timeoutMs} ms; `
      + `stderr: ${output.stderr.trim()}`)), timeoutMs);
  });
  try {
    return { child, line: await Promise.race([firstLine, timeout]) };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

// Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. Resolves with { code, signal, killed }.
export async function stopProcess(child, { signal = 'SIGTERM', timeoutMs = 15000 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitPromise;
  child.kill(signal);
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => { child.kill('SIGKILL'); resolve(true); }, timeoutMs);
  });
  const result = await Promise.race([child.exitPromise.then((r) => ({ ...r, killed: false })),
    killed.then(() => child.exitPromise.then((r) => ({ ...r, killed: true })))]);
  clearTimeout(timer);
  return result;
}

// Runs a command to completion (in `cwd`, default ours): { code, stdout, stderr }.
export async function run(bin, args, { env, cwd, timeoutMs = 30000 } = {}) {
  const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t) => { stdout += t; });
  child.stderr.setEncoding('utf8').on('data', (t) => { stderr += t; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'close');
  clearTimeout(timer);
  if (signal) throw new Error(`${path.basename(bin)} ${args.join(' ')} ended by ${signal}; stderr: ${stderr}`);
  return { code, stdout, stderr };
}

// What the fake upstream has received: [{connection, method, path, target, headers, body, json}].
export async function upstreamRequests(fakeUrl) {
  const response = await fetch(`${fakeUrl}/__fake/requests`);
  if (!response.ok) throw new Error(`GET /__fake/requests: ${response.status}`);
  return response.json();
}

export async function clearUpstreamRequests(fakeUrl) {
  await fetch(`${fakeUrl}/__fake/requests`, { method: 'DELETE' });
}

// The fake upstream's token rules (tests/support/fakechatcompletion.h), to predict usage.
export function countWords(text) {
  return (text.match(/\S+/g) ?? []).length;
}

export function expectedUsage(messages) {
  const prompt = messages.reduce((sum, m) => sum + countWords(m.content) + 7, 0);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const reply = `Echo: ${lastUser ? lastUser.content : ''}`;
  const completion = countWords(reply);
  return { reply, prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
