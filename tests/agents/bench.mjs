// make bench-agents: what an agent waits for through MCP, on the sandbox
// (`leash demo --hold`: devnet, relay, agent-host daemon, native signer).
// transfer_native to mined over stdio, interleaved with the same transfer
// straight over the daemon's HTTP API (the baseline: MCP's own cost is the
// difference), with the proving share; get_wallet_details against GET
// /v1/wallet and GET /healthz. Prints a table of medians.
import { startSandbox, stdioClient, cleanup } from './sandbox.mjs';

const keys = process.argv[2] || '.leash-demo/keys';
const N = Number(process.env.N || 20), M = Number(process.env.M || 100);
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const now = () => performance.now();

const sb = await startSandbox(keys);
try {
  const client = await stdioClient(sb.agentHost);
  const alice = sb.alice;
  const rows = {};
  const add = (k, v) => (rows[k] ||= []).push(v);
  // warm up both paths (first proof, token cache)
  await client.callTool({ name: 'transfer_native', arguments: { to: alice, amount: '0.001' } });
  await client.callTool({ name: 'get_wallet_details', arguments: {} });
  for (let i = 0; i < N; i++) {
    let t = now();
    const r = await client.callTool({ name: 'transfer_native', arguments: { to: alice, amount: '0.001' } });
    const ms = now() - t;
    if (r.structuredContent?.status !== 'mined') throw new Error(JSON.stringify(r));
    add('MCP transfer_native → mined', ms);
    add('  of which proving', r.structuredContent.timings.proveMs);
    add('  proving share (%)', 100 * r.structuredContent.timings.proveMs / ms);
    t = now();
    const h = await fetch(`${sb.agentHost}/v1/transfers?wait=60s`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: alice, amount: '0.001' }) }).then((x) => x.json());
    if (h.status !== 'mined') throw new Error(JSON.stringify(h));
    add('HTTP POST /v1/transfers?wait → mined (baseline)', now() - t);
  }
  for (let i = 0; i < M; i++) {
    let t = now();
    const r = await client.callTool({ name: 'get_wallet_details', arguments: {} });
    if (r.isError) throw new Error(JSON.stringify(r));
    add('MCP get_wallet_details', now() - t);
    t = now();
    await fetch(`${sb.agentHost}/v1/wallet`).then((x) => x.json());
    add('HTTP GET /v1/wallet (baseline)', now() - t);
    t = now();
    await fetch(`${sb.agentHost}/healthz`).then((x) => x.json());
    add('HTTP GET /healthz (floor)', now() - t);
  }
  await client.close();
  console.log(`${'measure'.padEnd(50)} ${'n'.padStart(4)} ${'p50'.padStart(9)} ${'p90'.padStart(9)}`);
  for (const [k, v] of Object.entries(rows)) {
    const unit = k.includes('%') ? ' %' : ' ms';
    console.log(`${k.padEnd(50)} ${String(v.length).padStart(4)} ${(q(v, 0.5).toFixed(1) + unit).padStart(9)} ${(q(v, 0.9).toFixed(1) + unit).padStart(9)}`);
  }
  console.log(`targets: transfer_native → mined p50 ≤ 1000 ms; get_wallet_details p50 ≤ 50 ms`);
} finally {
  cleanup();
}
