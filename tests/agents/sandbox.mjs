// Shared by the agents' tests and benchmark: start `leash demo --hold` as a
// sandbox (no tour) and `leash mcp` clients over stdio and Streamable HTTP,
// with the official MCP TypeScript SDK.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const leash = path.join(root, 'bin/leash');

const children = [];
export function cleanup() {
  for (const c of children) { try { c.kill('SIGTERM'); } catch {} }
}
process.on('exit', cleanup);

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// startSandbox runs the sandbox and resolves with its block once it is ready.
export async function startSandbox(keys) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-agents-'));
  const info = path.join(work, 'sandbox.json');
  const demo = spawn(leash, ['demo', '--keys', keys, '--hold', '--tour=false', '--agent-addr', '127.0.0.1:0', '--info', info,
    '--work', path.join(work, 'demo')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(demo);
  let out = '';
  demo.stdout.on('data', (d) => { out += d; });
  demo.stderr.on('data', (d) => { out += d; });
  const deadline = Date.now() + 180_000;
  while (!fs.existsSync(info) || fs.statSync(info).size === 0) {
    if (demo.exitCode !== null) throw new Error(`the sandbox exited (${demo.exitCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`the sandbox was not ready in 180 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const sb = JSON.parse(fs.readFileSync(info, 'utf8'));
  sb.work = work;
  sb.log = () => out;
  return sb;
}

// stdioClient connects over stdio to `leash mcp --agent-host URL`.
export async function stdioClient(agentHost) {
  const transport = new StdioClientTransport({ command: leash, args: ['mcp', '--agent-host', agentHost], stderr: 'pipe' });
  const client = new Client({ name: 'leash-test-agent', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

// httpServer starts `leash mcp --http` with a token file; returns its URL and token.
export async function httpServer(agentHost, work) {
  const port = await freePort();
  const tokenFile = path.join(work, 'mcp.token');
  const p = spawn(leash, ['mcp', '--agent-host', agentHost, '--http', `127.0.0.1:${port}`, '--token-file', tokenFile],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(p);
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(tokenFile)) {
      try { await fetch(url, { method: 'GET' }); break; } catch {}
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, token: fs.readFileSync(tokenFile, 'utf8').trim(), proc: p };
}

export async function httpClient(url, token) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'leash-test-agent-http', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

export const text = (res) => (res.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
