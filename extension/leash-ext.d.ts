// leashExt: the extension's second WASM global (wasm/ext_core_js.go, pure
// logic in wasm/ext). Every method returns a Promise; a rejection is an
// Error with a stable `code` (wire codes). The core's own global,
// `leash`, is documented in wasm/leash.d.ts.

/** Version 2 (1: explain and sealSession, gone). */
declare const leashExt: LeashExt;

interface LeashExt {
  version: 2;
  /** The core over host storage, as leash.open (leash.d.ts OpenOptions), plus the user face. */
  open(storage: HostStorage, opts?: {
    idleTimeoutMs?: number;
    maxPending?: number;
    /** JSON-RPC to the user's RPC setting, for re-reading program inputs (leash.d.ts OpenOptions.rpc). */
    rpc?: (method: string, params: unknown[]) => Promise<unknown>;
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
  inspectMessage(param: string, origin: string, account: string, chainId: number): Promise<MessageView>;
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

/** The user's own actions for dapps, each against the password. */
interface UserFace {
  signTx(password: string, tx: string): Promise<{ rawTx: string; txHash: string; from: string }>;
  /** param as the dapp gave it: 0x-hex of even length is bytes, anything else its UTF-8 (the same decoding inspectMessage shows). */
  personalSign(password: string, param: string): Promise<string>;
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
  create(relayURL: string): Promise<{ info: LinkInfo; state: string }>;
  load(state: string): Promise<{ info: LinkInfo; state: string }>;
  forget(): Promise<void>;
  info(): Promise<LinkInfo>;
  state(): Promise<string>;
  /** Call when a WebSocket opens and when it closes. */
  connected(): Promise<void>;
  /** One binary frame from the relay. */
  frame(bytes: Uint8Array): Promise<Step>;
  /** A delivered message was durably handled: ack when the prefix is done. */
  handled(seq: number): Promise<Step>;
  confirm(fingerprint: string): Promise<Step>;
  reject(): Promise<Step>;
  /** Send {"kind","body"}; key makes the message id stable (idempotent). */
  seal(kind: string, key: string, tag: string, bodyJSON: string): Promise<Step>;
  keepalive(): Promise<Uint8Array[]>;
}

/** Persist `state` (when present) before sending `send`, in order. */
interface Step {
  send: Uint8Array[];
  state?: string;
  dirty: boolean;
  authed?: boolean;
  messages?: { seq: number; id: string; kind: string; body: string }[];
  offer?: Offer;
  sent?: { seq: number; tag?: string; status: string }[];
  dropped?: string[];
}

interface Offer { agentKey: string; fingerprint: string; body?: unknown; text?: string; seq: number }

interface LinkInfo {
  relay: string; channel: string; uri: string; signerKey: string; paired: boolean;
  agentKey?: string; agentFingerprint?: string; offer?: Offer; outbox: number; acked: number;
}
