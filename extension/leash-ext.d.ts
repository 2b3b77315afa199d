// leashExt: the extension's second WASM global (wasm/ext_core_js.go, pure
// logic in wasm/ext). Every method returns a Promise; a rejection is an
// Error with a stable `code` (wire codes). The core's own global,
// `leash`, is documented in wasm/leash.d.ts.

/** Version 2 (changelog in wasm/ext_core_js.go). */
declare const leashExt: LeashExt;

interface LeashExt {
  version: 2;
  /** The core over host storage, as leash.open, plus the user face. */
  open(storage: HostStorage, opts?: {
    idleTimeoutMs?: number;
    maxPending?: number;
    /** JSON-RPC to the user's RPC setting, for re-reading program inputs (leash.d.ts OpenOptions.rpc). */
    rpc?: (method: string, params: unknown[]) => Promise<unknown>;
    maxBlockAge?: number;
  }): Promise<{
    agent: unknown; // leash.d.ts Agent: submit(proposal) → Receipt
    approver: unknown; // leash.d.ts Approver
    user: UserFace;
  }>;
  /** Decode a policy, compute its commitment, describe it in plain language. */
  describePolicy(policy: string | Uint8Array): Promise<PolicyInfo>;
  /** Load a verifying key (gnark binary) and hash it. */
  describeVK(vk: Uint8Array): Promise<{ hash: string; size: number }>;
  /**
   * Decode a transaction for display; with a policy, the call that allows it
   * (each argument with its rule) or the rule it breaks. `state` is the
   * core's window state as JSON (status().state), or a decimal native spend.
   */
  explain(tx: string, policy: string | null, state: string, unixTime?: number): Promise<Explained>;
  /**
   * A signature proposal's typed data for the approval: domain rows, the
   * type, each field with its value (amounts in token units) and its rule,
   * the digest the core would sign, and the refusal (code) if any.
   */
  explainSignature(typedData: string, policy: string | null, state: string, unixTime?: number): Promise<ExplainedSignature>;
  /** The extension's one relay channel. All channel crypto stays in WASM. */
  link: Link;
}

interface HostStorage {
  get(key: string): Promise<string | undefined> | string | undefined;
  set(key: string, value: string): Promise<void> | void;
  remove(key: string): Promise<void> | void;
}

/** The user's own actions for dapps, each against the password. */
interface UserFace {
  signTx(password: string, tx: string): Promise<{ rawTx: string; txHash: string; from: string }>;
  personalSign(password: string, message: Uint8Array | string): Promise<string>;
  /** A blob for chrome.storage.session (never chrome.storage.local). */
  sealSession(password: string, expiresMs: number): Promise<string>;
  /** Unlock from such a blob after a service-worker restart. */
  resumeSession(blob: string): Promise<void>;
}

interface ExplainedSignature {
  primaryType: string;
  domain: { path: string; type: string; value: string }[];
  fields: { path: string; type: string; value: string; rule?: string }[];
  digest: string; spends?: string; code?: string; message?: string;
}

interface PolicyInfo {
  name: string; chainId: number; commitment: string; description: string; warnings: string[];
  notBefore: number; notAfter: number; targets: number;
}

interface Explained {
  action: 'value_transfer' | 'erc20_transfer' | 'erc20_approve' | 'call';
  to: string; toLabel?: string; value: string; valueText: string;
  selector?: string; function?: string; data: string;
  recipient?: string; recipientLabel?: string; amount?: string;
  chainId: number; nonce: number; maxFee: string; maxFeeText: string;
  rule?: string; violation?: string; reason?: string;
  /** The call's calldata words, each with the rule it passed. */
  args?: { name: string; type: string; value: string; rule: string }[];
  /** What the transaction counts toward a token window. */
  spend?: string;
}

interface Link {
  /** A new pairing: a new static key and a single-use pairing URI valid ttlSeconds (0: 15 minutes). */
  create(relayURL: string, ttlSeconds?: number): Promise<{ info: LinkInfo; state: string }>;
  /** Restore from the persisted state (decrypted by extension/sw/linkstore.js). */
  load(state: string): Promise<{ info: LinkInfo; state: string }>;
  forget(): Promise<void>;
  info(): Promise<LinkInfo>;
  /** The persisted state (JSON; holds secrets: store it only encrypted). */
  state(): Promise<string>;
  /** Call when a WebSocket opens and when it closes. */
  connected(): Promise<void>;
  /** One binary frame from the relay. */
  frame(bytes: Uint8Array): Promise<Step>;
  /** The message numbered seq was durably handled: it is acknowledged and the next one opened. */
  handled(seq: number): Promise<Step>;
  /** Confirm the offer whose comparison code the user checked against the agent host's. */
  confirm(code: string): Promise<Step>;
  /** Forget the offers and make a new pairing URI. */
  reject(): Promise<Step>;
  /** Send {"kind","body"}; key makes the message id stable (idempotent). */
  seal(kind: string, key: string, tag: string, bodyJSON: string): Promise<Step>;
  /** A repeated ACK, and the periodic re-key when due. */
  keepalive(): Promise<Step>;
}

/** Persist `state` (when present, encrypted) before sending `send`, in order; reconnect when asked. */
interface Step {
  send: Uint8Array[];
  state?: string;
  dirty: boolean;
  authed?: boolean;
  messages?: { seq: number; id: string; kind: string; body: string; lost?: number; gap?: number }[];
  offer?: Offer;
  /** A second agent key answered the pairing URI: pairing refused, show it loudly. */
  conflict?: string;
  sent?: { seq: number; tag?: string; status: string }[];
  dropped?: string[];
  /** Deliveries lost on the relay, and agent messages missing in sequence, before this step's messages. */
  lost?: number;
  gap?: number;
  /** The link moved channel: close the WebSocket and connect again. */
  reconnect?: boolean;
}

interface Offer { agentKey: string; fingerprint: string; code: string; body?: unknown; text?: string; at: number }

interface LinkInfo {
  relay: string; channel: string; signerKey: string; paired: boolean;
  /** While pairing: the URI, its expiry (unix seconds), every offer, and the refusal if any. */
  uri?: string; expires?: number; expired?: boolean; offer?: Offer; offers?: Offer[]; conflict?: string;
  /** Once paired. */
  agentKey?: string; agentFingerprint?: string; code?: string; epoch: number;
  outbox: number; acked: number; lost: number; gaps: number;
}
