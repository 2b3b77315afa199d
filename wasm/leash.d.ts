// The global `leash` object installed by dist/leash.wasm (Go: package
// github.com/leash-wallet/leash/wasm, boundary_js.go, tools_js.go,
// core_js.go, store_js.go). Every method returns a Promise settled from a Go
// goroutine; no call blocks the event loop. A rejected Promise carries an
// Error whose `code` is one of the stable codes of DESIGN.md (malformed,
// unknown_policy, proof_invalid, nonce_mismatch, window_exceeded,
// stale_time, stale_state, replay, locked, bad_password, internal,
// program_only, policy_violation:<rule>, ...).

export type Hex = `0x${string}`;
export type ErrorCode = string;

export interface LeashError extends Error {
  code: ErrorCode;
}

/** A whole-number argument: a number up to 2^53, or a decimal string. */
export type UInt = number | string;

export interface Leash {
  /** Version of this API (3: policy v2 windows; 2: program proofs; 1: the first). */
  readonly version: number;
  readonly ready: true;
  /** Stateless verbs shared with the native CLI (node wasm/leash.mjs). */
  readonly tools: Tools;
  /**
   * The stateful signer core over a host storage. In the extension the
   * storage wraps chrome.storage.local; in Node use memoryStorage() or
   * fileStorage(dir) from wasm/leash.mjs.
   */
  open(storage: LeashStorage, options?: OpenOptions): Promise<Core>;
}

/** Where the core persists its documents (all JSON text). */
export interface LeashStorage {
  /** The stored string, or null/undefined when absent. */
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  set(key: string, value: string): Promise<void> | void;
  remove(key: string): Promise<void> | void;
}

export interface OpenOptions {
  /** Vault auto-lock after this long without key use (default 15 minutes). */
  idleTimeoutMs?: UInt;
  /** Proposals held while locked (default 64). */
  maxPending?: UInt;
  /**
   * How the core reads the chain for program proposals: one JSON-RPC
   * request to the user's own RPC endpoint (e.g. fetch), resolving to the
   * `result` and rejecting with the JSON-RPC `error` object ({code, message})
   * or any other Error. The core re-reads the program's oracle inputs at
   * the block the proposal names (eth_chainId, eth_blockNumber, eth_call at
   * an explicit block). Each request times out after 15 s. Without it,
   * program proposals are refused as input_unavailable.
   */
  rpc?: (method: string, params: unknown[]) => Promise<unknown>;
  /** How many blocks a program proposal's inputs may be behind the head (default 8). */
  maxBlockAge?: UInt;
}

export interface Core {
  /** The agent face: what the relay side may reach. */
  readonly agent: Agent;
  /** The approver face: the popup only, never the relay. */
  readonly approver: Approver;
}

export interface Agent {
  /**
   * Decides one proposal (its JSON document). Never rejects for a refusal:
   * the receipt says signed, rejected (with a code) or pending (code
   * "locked": kept, and signed by approver.retry() after unlock).
   */
  submit(proposal: string | Uint8Array): Promise<Receipt>;
}

export interface Receipt {
  id: string;
  status: "signed" | "rejected" | "pending";
  code?: ErrorCode;
  message?: string;
  txHash?: Hex;
  /** The signed EIP-1559 transaction, 0x02… */
  rawTx?: Hex;
  /** For nonce_mismatch and stale_state: the signer's next nonce, so the prover can re-prove. */
  nonce?: Hex;
  /** For nonce_mismatch and stale_state: the signer's window sums (tokenSpent: the proposal's token). */
  state?: Hint;
  /** A signed signature proposal: the EIP-712 digest signed, and the signature r ‖ s ‖ v (v 27/28), 65 bytes. */
  digest?: Hex;
  signature?: Hex;
}

/** Window sums as a proposal states them (hints) and a receipt returns them. */
export interface Hint {
  spent: Hex;
  fees: Hex;
  txs: number;
  tokenSpent: Hex;
}

/** The signer's own state, as `leash verify --state` reads it. */
export interface SignerState {
  nonce: Hex;
  /** Unix seconds. */
  time: number;
  spent: Hex;
  fees: Hex;
  txs: number;
  tokens: { token: Hex; spent: Hex }[];
}

/** One summed window: spent in the window, the cap, and when the oldest counted spend leaves it (0: nothing counts). */
export interface WindowSum {
  spent: Hex;
  cap: Hex;
  freesAt: number;
}

export interface Windows {
  seconds: number;
  value: WindowSum;
  fees: WindowSum;
  txs: { count: number; cap: number; freesAt: number };
  tokens: (WindowSum & { token: Hex; symbol?: string; decimals?: number; label?: string })[];
}

export interface Approver {
  status(): Promise<Status>;
  /** A fresh 12- or 24-word vault. The mnemonic is returned once, to show the user. Rejects if a vault exists unless replace. */
  createVault(password: string, words?: 12 | 24, replace?: boolean): Promise<{ mnemonic: string; address: Hex }>;
  importVault(mnemonic: string, password: string, replace?: boolean): Promise<{ address: Hex }>;
  /** Rejects with code bad_password on a wrong password. */
  unlock(password: string): Promise<void>;
  lock(): Promise<void>;
  /** Always needs the password, even while unlocked. */
  exportMnemonic(password: string): Promise<string>;
  changePassword(oldPassword: string, newPassword: string): Promise<void>;
  /** Pins the policy (JSON) and verifying key (gnark bytes); returns the policy commitment. */
  pin(policy: string | Uint8Array, vk: Uint8Array): Promise<{ commitment: Hex }>;
  /** Pins the typed-data circuit's verifying key (typed.vk): without it every signature proposal is refused (unknown_policy). */
  pinTypedKey(vk: Uint8Array): Promise<{ hash: Hex }>;
  /**
   * Accepts program proofs for one more program: its pin document
   * (`leash program pin FILE`: {commitment, template, oracle, pool,
   * maxInputAge}) or the
   * program document itself (only its pin is stored), and its template's
   * verifying key. Rejects with code malformed on a bad pin or key.
   */
  pinProgram(program: string | Uint8Array, vk: Uint8Array): Promise<{ commitment: Hex }>;
  /** Stops accepting proofs for a program (no error if it was not pinned). */
  unpinProgram(commitment: Hex): Promise<void>;
  /** Feeds eth_getTransactionCount(addr, "pending"); the nonce only moves forward. */
  syncNonce(pending: UInt): Promise<{ nonce: number }>;
  /** Proposals held while locked, oldest first (JSON documents). */
  pending(): Promise<string[]>;
  /** Decides the held proposals (after unlock); rejects with code locked while locked. */
  retry(): Promise<Receipt[]>;
  /** The whole audit log, read back from storage and verified against the head. */
  audit(): Promise<AuditLog>;
}

export interface Status {
  vault: "none" | "locked" | "unlocked" | "corrupt";
  vaultError?: string;
  address?: Hex;
  policyCommitment?: Hex;
  vkHash?: Hex;
  nonce: Hex;
  spent: Hex;
  /** The signer's clock, unix seconds. */
  time: number;
  pending: number;
  auditHead: { next: number; hash: Hex };
  /** The pinned programs, by commitment. */
  programs: { commitment: Hex; template: string; oracle: Hex; vkHash: Hex }[];
  /** The state the core verifies against now (nonce, window sums); its time is 0 (the clock is `time`). */
  state: SignerState;
  /** Every window rule of the pinned policy (absent without one). */
  windows?: Windows;
}

export interface AuditEntry {
  seq: number;
  time: number;
  kind: "proposal" | "unlock" | "lock" | "pin" | "vault" | "nonce";
  id?: string;
  decision: "signed" | "rejected" | "pending" | "info";
  code?: ErrorCode;
  message?: string;
  to?: Hex;
  value?: Hex;
  nonce?: Hex;
  txHash?: Hex;
  prev: Hex;
  hash: Hex;
}

export interface AuditLog {
  /** False when the chain is broken: an entry was altered, dropped, reordered or the tail cut. */
  ok: boolean;
  entries: AuditEntry[];
  code?: ErrorCode;
  error?: string;
}

/** An input file as the driver read it: its bytes, or the reading error in Go's words. */
export interface FileArg {
  path: string;
  data?: Uint8Array | string;
  error?: string;
}

/** Exactly what the native CLI prints on stdout, and its exit code (0 ok, 1 refused, 2 usage, 4 failure). */
export interface VerbResult {
  exit: number;
  stdout: string;
}

export interface Tools {
  verify(files: { vk: FileArg; policy: FileArg; proposal: FileArg; state: FileArg }): Promise<VerbResult>;
  sign(files: { mnemonic: FileArg; index?: UInt; vk: FileArg; policy: FileArg; proposal: FileArg; state: FileArg }): Promise<VerbResult>;
  keysAddress(files: { mnemonic: FileArg; index?: UInt }): Promise<VerbResult>;
  publicInputs(files: { policy: FileArg; proposal: FileArg; state: FileArg }): Promise<VerbResult>;
  /**
   * A stateless signer holding one derived key, for tools and benchmarks
   * (the state comes with every call, as `leash sign --state` takes it).
   */
  signer(opts: { mnemonic: string; index?: UInt; policy: string | Uint8Array; vk: Uint8Array }): Promise<ToolSigner>;
  /** Go runtime memory figures, bytes. */
  memStats(): Promise<{ heapAlloc: number; heapSys: number; sys: number; numGC: number }>;
}

export interface ToolSigner {
  readonly address: Hex;
  /** Signs a transaction object (eth_sendTransaction form) with no proof: for measuring the signature alone. */
  sign(tx: string | Uint8Array): Promise<{ rawTx: Hex; txHash: Hex; from: Hex }>;
  /** Verifies the proposal against the given state {nonce, spent, time}, then signs. Timing in micros, measured in Go. */
  verifyAndSign(
    proposal: string | Uint8Array,
    state: string | Uint8Array,
  ): Promise<{ ok: true; rawTx: Hex; txHash: Hex; micros: number } | { ok: false; code: ErrorCode; message: string; micros: number }>;
  /** Zeroes the key. */
  close(): Promise<void>;
}

declare global {
  // eslint-disable-next-line no-var
  var leash: Leash;
  /** Called by the WASM core once `leash` is installed, if defined before go.run(). */
  // eslint-disable-next-line no-var
  var onLeashReady: ((leash: Leash) => void) | undefined;
}
