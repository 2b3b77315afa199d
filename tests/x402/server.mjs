// A real x402 resource server and facilitator, built only from the x402
// reference packages (@x402/express, @x402/core, @x402/evm 2.27.0; x402
// protocol version 2: PAYMENT-REQUIRED / PAYMENT-SIGNATURE /
// PAYMENT-RESPONSE headers carrying base64 JSON, CAIP-2 networks), on any
// EVM RPC (the Leash devnet in the tests and the demo).
//
//   GET  /paid                 paid with one `exact` EIP-3009 payment of --price
//   GET  /premium              the same at --premium (default 100 × --price)
//   GET  /free                 no payment
//   GET  /facilitator/supported, POST /facilitator/verify, POST /facilitator/settle
//                              the facilitator: x402Facilitator with the reference
//                              EVM mechanism (ExactEvmScheme), which verifies the
//                              signature, time window, amount, payee and balance and
//                              settles with transferWithAuthorization from its own key
//
// The resource server reaches the facilitator over HTTP like any remote
// one (HTTPFacilitatorClient). Nothing leaves the machine: the only
// network peers are the RPC and this server itself.
//
// Usage: LEASH_X402_FACILITATOR_KEY=0x… node tests/x402/server.mjs \
//          --rpc http://127.0.0.1:8545 --asset 0xToken --pay-to 0xPayee --price 10000 \
//          [--name "Devnet USD Coin"] [--version 2] [--max-timeout 300] [--port 0] [--premium N]
// When ready it prints one JSON line: {"url","paid","premium","free","facilitator",
// "network","asset","payTo","price","premiumPrice","facilitatorAddress"}. It stops cleanly
// (exit 0) on SIGTERM or SIGINT, and logs each payment event to stderr as JSON.
import { parseArgs } from "node:util";
import express from "express";
import { createWalletClient, defineChain, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { x402Facilitator } from "@x402/core/facilitator";
import { ExactEvmScheme as ExactEvmServerScheme } from "@x402/evm/exact/server";
import { ExactEvmScheme as ExactEvmFacilitatorScheme } from "@x402/evm/exact/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";

const { values: opt } = parseArgs({
  options: {
    rpc: { type: "string" },
    asset: { type: "string" },
    "pay-to": { type: "string" },
    price: { type: "string" },
    premium: { type: "string" },
    name: { type: "string", default: "Devnet USD Coin" },
    version: { type: "string", default: "2" },
    "max-timeout": { type: "string", default: "300" },
    port: { type: "string", default: "0" },
  },
});
function usage(msg) {
  console.error(`server.mjs: ${msg}`);
  process.exit(2);
}
for (const k of ["rpc", "asset", "pay-to", "price"]) if (!opt[k]) usage(`--${k} is required`);
const key = process.env.LEASH_X402_FACILITATOR_KEY;
if (!/^0x[0-9a-fA-F]{64}$/.test(key ?? "")) usage("LEASH_X402_FACILITATOR_KEY must hold the facilitator's private key (0x + 64 hex)");
const atomic = (s, what) => {
  if (!/^[1-9][0-9]*$/.test(s)) usage(`${what} must be a positive integer in atomic units`);
  return s;
};
const price = atomic(opt.price, "--price");
const premium = atomic(opt.premium ?? (BigInt(price) * 100n).toString(), "--premium");
const maxTimeoutSeconds = Number(atomic(opt["max-timeout"], "--max-timeout"));

const log = (event, fields) => console.error(JSON.stringify({ event, ...fields }));

// The chain: its id from the RPC itself.
const probe = createWalletClient({ transport: http(opt.rpc) }).extend(publicActions);
const chainId = await probe.getChainId();
const network = `eip155:${chainId}`;
const chain = defineChain({
  id: chainId,
  name: `chain ${chainId}`,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [opt.rpc] } },
});

// The facilitator: the reference EVM mechanism with a viem wallet.
const account = privateKeyToAccount(key);
const wallet = createWalletClient({ account, chain, transport: http(opt.rpc) }).extend(publicActions);
const facilitatorSigner = toFacilitatorEvmSigner(
  {
    address: account.address,
    readContract: (a) => wallet.readContract({ ...a, args: a.args ?? [] }),
    verifyTypedData: (a) => wallet.verifyTypedData(a),
    writeContract: (a) => wallet.writeContract({ ...a, args: a.args ?? [] }),
    sendTransaction: (a) => wallet.sendTransaction(a),
    waitForTransactionReceipt: (a) => wallet.waitForTransactionReceipt(a),
    getCode: (a) => wallet.getCode(a),
  },
  { confirmationTimeoutMs: 30_000 },
);
const facilitator = new x402Facilitator()
  .register(network, new ExactEvmFacilitatorScheme(facilitatorSigner))
  .onAfterVerify(async (c) => log("verified", { valid: c.result.isValid, reason: c.result.invalidReason, payer: c.result.payer }))
  .onVerifyFailure(async (c) => log("verify_failed", { error: String(c.error?.message ?? c.error) }))
  .onAfterSettle(async (c) => log("settled", { success: c.result.success, tx: c.result.transaction, reason: c.result.errorReason }))
  .onSettleFailure(async (c) => log("settle_failed", { error: String(c.error?.message ?? c.error) }));

const app = express();
app.disable("x-powered-by");
const f = express.Router();
f.use(express.json({ limit: "64kb" }));
f.get("/supported", (_req, res) => res.json(facilitator.getSupported()));
for (const op of ["verify", "settle"]) {
  f.post(`/${op}`, async (req, res) => {
    const { paymentPayload, paymentRequirements } = req.body ?? {};
    if (!paymentPayload || !paymentRequirements) {
      res.status(400).json({ error: "paymentPayload and paymentRequirements are required" });
      return;
    }
    try {
      res.json(await facilitator[op](paymentPayload, paymentRequirements));
    } catch (err) {
      log(`${op}_error`, { error: String(err?.message ?? err) });
      res.status(500).json({ error: String(err?.message ?? err) });
    }
  });
}
app.use("/facilitator", f);

app.get("/free", (_req, res) => res.json({ free: true }));

// Listen first: the payment middleware asks the facilitator (this same
// server) for its supported kinds on the first paid request.
const server = app.listen(Number(opt.port), "127.0.0.1");
await new Promise((resolve, reject) => {
  server.once("listening", resolve);
  server.once("error", reject);
});
const base = `http://127.0.0.1:${server.address().port}`;

const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: `${base}/facilitator` }))
  .register(network, new ExactEvmServerScheme());
const route = (amount, description) => ({
  accepts: {
    scheme: "exact",
    network,
    payTo: opt["pay-to"],
    price: { amount, asset: opt.asset, extra: { name: opt.name, version: opt.version } },
    maxTimeoutSeconds,
  },
  description,
  mimeType: "application/json",
});
app.use(
  paymentMiddleware(
    {
      "GET /paid": route(price, "A paid answer"),
      "GET /premium": route(premium, "A premium answer"),
    },
    resourceServer,
  ),
);
let served = 0;
app.get("/paid", (_req, res) => res.json({ answer: 42, served: ++served }));
app.get("/premium", (_req, res) => res.json({ answer: "premium", served: ++served }));

console.log(
  JSON.stringify({
    url: base,
    paid: `${base}/paid`,
    premium: `${base}/premium`,
    free: `${base}/free`,
    facilitator: `${base}/facilitator`,
    network,
    asset: opt.asset,
    payTo: opt["pay-to"],
    price,
    premiumPrice: premium,
    facilitatorAddress: account.address,
  }),
);

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  log("stopping", { signal });
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
