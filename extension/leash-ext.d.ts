// leashExt: the extension's second WASM global (wasm/ext_core_js.go, pure
// logic in wasm/ext). Every method returns a Promise; a rejection is an
// Error with a stable `code` (wire codes). The core's own global,
// `leash`, is documented in wasm/leash.d.ts.

/** Version 4 (changelog in wasm/ext_core_js.go). */
declare const leashExt: LeashExt;

interface LeashExt {
  version: 4;
  /** The core over host storage, as leash.open (leash.d.ts OpenOptions), plus the user face. */
  open(storage: HostStorage, opts?: {
    idleTimeoutMs?: number;
    maxPending?: number;
    /** JSON-RPC to the user's RPC setting: every chain read of the core (leash.d.ts OpenOptions.rpc). */
    rpc?: (method: string, params: unknown[]) => Promise<unknown>;
    /** The second RPC setting, when there is one (leash.d.ts OpenOptions.rpc2). */
    rpc2?: (method: string, params: unknown[]) => Promise<unknown>;
    /** The registry setting (leash.d.ts OpenOptions.registry). */
    registry?: string;
    maxBlockAge?: number;
    /** The extension sets it: pins, ledger, settings and sites under the storage MAC. */
    authenticate?: boolean;
    maxQueue?: number;
    auditKeep?: number;
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
   * The display model of a personal_sign request from origin (the browser's
   * origin of the page) for account: text or hex, and an EIP-4361 sign-in
   * message checked against the origin, the account and chainId (0: not
   * checked). With refuse set, Leash does not sign it.
   */
  /**
   * A signature proposal's typed data for the approval: domain rows, the
   * type, each field with its value (amounts in token units) and its rule,
   * the digest the core would sign, and the refusal (code) if any.
   */
  explainSignature(typedData: string, policy: string | null, state: string, unixTime?: number): Promise<ExplainedSignature>;
  inspectMessage(param: string, origin: string, account: string, chainId: number): Promise<MessageView>;
  /**
   * The display model of an eth_signTypedData request (kind typed_data_v4,
   * typed_data_v3 or typed_data_v1) for the site on chainId: every field
   * (eip712 rows), amounts in units of the known tokens (a JSON list of
   * {address, symbol, decimals}; `tokens` in the answer names the ones that
   * would be used). A document for another chain comes with refuse set.
   */
  inspectTypedData(kind: string, doc: string, chainId: number, tokensJSON?: string): Promise<TypedView>;
  /** The id of a proposal document, decoded exactly as the core decodes it ('' when it does not decode). */
  proposalId(proposal: string | Uint8Array): Promise<string>;
  /** The extension's one relay channel. All channel crypto stays in WASM. */
  link: Link;
}

interface HostStorage {
  get(key: string): Promise<string | undefined> | string | undefined;
  set(key: string, value: string): Promise<void> | void;
  remove(key: string): Promise<void> | void;
}

/**
 * The user's own signatures for dapps (the core's SignUser): the unlocked
 * key, no password (locked → code locked), audit-logged as user_signature.
 * origin is the requesting site, chainId the chain it is on (a document
 * for another chain is refused).
 */
interface UserFace {
  /** tx: the filled-in transaction; without "to" a contract creation. */
  signTx(tx: string, origin: string, chainId: number): Promise<UserSignature>;
  /** param as the dapp gave it (0x-hex of even length is bytes); a sign-in message for another site or account is refused. */
  signMessage(param: string, origin: string, chainId: number): Promise<UserSignature>;
  signTypedData(kind: 'typed_data_v4' | 'typed_data_v3' | 'typed_data_v1', doc: string, origin: string, chainId: number): Promise<UserSignature>;
  /**
   * Unlock with the password; returns the session for chrome.storage.session
   * (never chrome.storage.local): {key, mac}, derived keys, never the password.
   */
  unlockSession(password: string): Promise<string>;
  /** After a worker restart: {key?, mac} unlocks (with key) and verifies the stored records (with mac). */
  resumeSession(session: string): Promise<void>;
  /** {mac} alone, kept while locked (null before the vault was unlocked in this core). */
  sessionMAC(): Promise<string | null>;
}

interface ExplainedSignature {
  primaryType: string;
  domain: { path: string; type: string; value: string }[];
  fields: { path: string; type: string; value: string; rule?: string }[];
  digest: string; spends?: string; code?: string; message?: string;
}

interface UserSignature {
  digest: string;
  /** Messages and typed data: r‖s‖v, v ∈ {27, 28}. */
  signature?: string;
  /** Transactions. */
  rawTx?: string; txHash?: string; from?: string; create?: boolean;
}

interface TypedRow { path: string; type: string; value: string; units?: string }

interface TypedView {
  kind: string; primaryType?: string; domain: TypedRow[]; message: TypedRow[];
  contract?: { address: string }; digest: string; tokens: string[];
  warnings: { code: string; message: string }[];
  /** typed_chain: for another chain than the site's; not signed. */
  refuse?: { code: string; message: string };
}

interface PolicyInfo {
  name: string; chainId: number; commitment: string; description: string; warnings: string[];
  notBefore: number; notAfter: number; targets: number;
}

interface MessageView {
  text?: string; hex: string; bytes: number;
  siwe?: { scheme?: string; domain: string; address: string; statement?: string; uri: string; version: string; chainId: string; nonce: string; issuedAt: string; expirationTime?: string };
  warnings: { code: string; message: string }[];
  /** siwe_domain, siwe_account or siwe_malformed: not signed. */
  refuse?: { code: string; message: string };
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
