// Live dashboard of the agent host: polls the local API once a second.
"use strict";
const $ = (id) => document.getElementById(id);
// With `leash agent-host --token-file`, open the dashboard as /#token=<token>:
// the token stays in the fragment (never sent in a URL) and goes in a header.
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const api = (path) => fetch(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
const wei = (hex) => {
  if (!hex) return "0";
  const v = BigInt(hex), e = 10n ** 18n;
  const whole = v / e, frac = (v % e).toString().padStart(18, "0").replace(/0+$/, "").slice(0, 6);
  return frac ? `${whole}.${frac} ETH` : `${whole} ETH`;
};
const short = (s) => (s && s.length > 14 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s || "");
const ms = (v) => (v ? `${v >= 1000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(0) + " ms"}` : "–");
const median = (xs) => { if (!xs.length) return 0; const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function cell(text, cls) { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }

async function refresh() {
  try {
    const r = await api("/v1/transactions?limit=200");
    const { transactions: txs } = await r.json();
    $("conn").textContent = `live · ${new Date().toLocaleTimeString()}`;
    const body = $("activity").querySelector("tbody");
    body.replaceChildren();
    for (const t of txs) {
      const tr = document.createElement("tr");
      tr.dataset.status = t.status;
      tr.append(cell(new Date(t.created).toLocaleTimeString()), cell(short(t.tx && t.tx.to)), cell(wei(t.tx && t.tx.value)));
      const st = document.createElement("td"); const span = document.createElement("span");
      span.className = `status ${t.status}`; span.textContent = t.status; st.append(span); tr.append(st);
      // interrupted: the agent host restarted before the outcome was known; it may have been signed (neither refused nor mined).
      if (t.status === "interrupted") span.title = "the agent host restarted before this request's outcome was known: it may have been signed; check the chain";
      tr.append(cell(t.code || ""), cell(ms(t.timings.proveMs), "num"), cell(ms(t.timings.totalMs), "num"), cell(short(t.txHash)));
      body.append(tr);
    }
    $("empty").hidden = txs.length > 0;
    const mined = txs.filter((t) => t.status === "mined");
    $("n-total").textContent = txs.length;
    $("n-mined").textContent = mined.length;
    $("n-refused").textContent = txs.filter((t) => t.status === "rejected" || t.status === "failed").length;
    $("p-prove").textContent = ms(median(txs.map((t) => t.timings.proveMs).filter(Boolean)));
    $("p-total").textContent = ms(median(mined.map((t) => t.timings.totalMs)));
  } catch (e) {
    $("conn").textContent = `disconnected: ${e.message}`;
  }
}

async function policy() {
  const r = await api("/v1/policy");
  const p = await r.json();
  $("commitment").textContent = p.commitment;
  $("policy").textContent = p.description;
}

policy().catch((e) => { $("policy").textContent = `unavailable: ${e.message}`; });
refresh();
setInterval(refresh, 1000);
