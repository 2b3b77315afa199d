// The global `leash` object installed by dist/leash.wasm (Go: package
// github.com/leash-wallet/leash/wasm, boundary_js.go, tools_js.go,
// core_js.go, store_js.go). Every method returns a Promise settled from a Go
// goroutine; no call blocks the event loop. A rejected Promise carries an
// Error whose `code` is one of the stable codes of DESIGN.md (malformed,
// unknown_policy, proof_invalid, nonce_mismatch, window_exceeded,
// stale_time, stale_state, replay, locked, bad_password, busy,
// user_rejected, internal, program_only, policy_violation:<rule>, ...).

export type Hex = `0x${string}`;
export type ErrorCode = string;

export interface LeashError extends Error {
  code: ErrorCode;
}

/** A whole-number argument: a number up to 2^53, or a decimal string. */
export type UInt = number | string;

export interface Leash {
  /** Version of this API (5: policy v2 windows; 4: the trust boundary; 3: registry and RPC checks in the core; 2: program proofs; 1: the first). */
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
   * How the core reads the chain: one JSON-RPC request to the user's own
   * RPC endpoint (e.g. fetch), resolving to the `result` and rejecting with
   * the JSON-RPC `error` object ({code, message}) or any other Error. The
   * core reads through it everything it relies on: a program's oracle
   * inputs at the block the proposal names (eth_call at an explicit block,
   * eth_getBlockByNumber for the block's time, eth_blockNumber), the
   * registry (eth_call), the nonce (eth_getTransactionCount) and
   * eth_chainId, which must be the pinned policy's (wrong_chain). Each
   * request times out after 15 s. Without it, program proposals are refused
   * as input_unavailable, and every proposal while a registry is set.
   */
  rpc?: (method: string, params: unknown[]) => Promise<unknown>;
  /**
   * A second endpoint, optional: every read goes to both and is used only
   * when both answer the same; otherwise nothing is signed
   * (input_unavailable). null (in configure) removes it.
   */
  rpc2?: ((method: string, params: unknown[]) => Promise<unknown>) | null;
  /**
   * The PolicyRegistry: before every signature the policy published for the
   * account must be the pinned commitment and key, not revoked (revoked /
   * unknown_policy); a program must be published with its pinned key's hash
   * to be pinned or used. "" (the default): no on-chain check, no programs.
   */
  registry?: Hex | "";
  /** How many blocks a program proposal's inputs may be behind the head (default 2). */
  maxBlockAge?: UInt;
  /**
   * Authenticate the pins, programs, ledger and host records under a MAC
   * keyed from the vault: a record changed behind the core's back stops it
   * (status().integrity, every proposal refused malformed). Protected
   * writes then need the key (unlock once per session): else `locked`.
   */
  authenticate?: boolean;
  /** Proposals waiting for the user in supervised mode (default 64; then busy). */
  maxQueue?: UInt;
  /** Audit entries kept in the store (default 1024; the log rotates, keeping its chain). */
  auditKeep?: UInt;
}

/** The chain options in use, as status() and configure() report them. */
export interface ChainStatus {
  rpc: boolean;
  /** Reads are cross-checked on a second RPC. */
  secondRpc: boolean;
  registry?: Hex;
  maxBlockAge: number;
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
  /** pending: the vault is locked (code locked) or the user must approve (supervised mode, no code). */
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
  /** Make the pinned key's verifier tables now (open leaves them for the first verification, for a short cold start). */
  warm(): Promise<void>;
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
   * verifying key. Rejects with code malformed on a bad pin or key, and
   * with unknown_policy / revoked unless the registry has the program
   * published by this account with this key's hash (`leash program
   * publish`), live.
   */
  pinProgram(program: string | Uint8Array, vk: Uint8Array): Promise<{ commitment: Hex }>;
  /** Stops accepting proofs for a program (no error if it was not pinned). */
  unpinProgram(commitment: Hex): Promise<void>;
  /**
   * Moves the next nonce forward: to `pending` (the user's own wallet sent
   * transactions), or, without an argument, to what the core reads through
   * its RPC. By at most 16 past the nonce the signer or the user last
   * vouched for; a larger jump is held for the user (`held`, and
   * status().nonceHold). Never backwards.
   */
  syncNonce(pending?: UInt): Promise<{ nonce: number; held?: number }>;
  /** The user accepts the held jump; `nonce` is the one they were shown. */
  confirmNonce(nonce: UInt): Promise<{ nonce: number }>;
  /** The user dismisses the held jump; the next nonce stays. */
  resetNonce(): Promise<{ nonce: number }>;
  /** Changes the chain options (absent keys keep their value). */
  configure(options: Pick<OpenOptions, "rpc" | "rpc2" | "registry" | "maxBlockAge">): Promise<ChainStatus>;
  /**
   * Reads eth_chainId through `rpc` (an endpoint the user is about to save)
   * and compares it with the pinned policy's chain: wrong_chain, or
   * input_unavailable when it does not answer.
   */
  checkRPC(rpc: (method: string, params: unknown[]) => Promise<unknown>): Promise<{ chainId: number }>;
  /** Proposals held while locked, oldest first (JSON documents). */
  pending(): Promise<string[]>;
  /** Decides the held proposals (after unlock); rejects with code locked while locked. */
  retry(): Promise<Receipt[]>;
  /** The whole audit log, read back from storage and verified against the head. */
  audit(): Promise<AuditLog>;

  // ---- the trust boundary (API 3) ----
  /** The mode the core enforces: the kill switch (in memory at once), supervised mode, the fee warning, the idle time. */
  setMode(mode: Mode): Promise<void>;
  /** The user did something: the vault's idle timer starts again (agent proposals never do). */
  touch(): Promise<void>;
  /** The pinned policy as the core holds it, or null. */
  policy(): Promise<PolicyInfo | null>;
  /** The display model of a proposal document, decoded exactly as submit decodes it (malformed: rejects). */
  inspect(proposal: string | Uint8Array): Promise<ProposalView>;
  /** The display model of a transaction (a dapp request, for the user's own approval). */
  inspectTx(tx: string | Uint8Array): Promise<TxView>;
  /** The proposals waiting for the user (supervised mode), oldest first. */
  queue(): Promise<ProposalView[]>;
  /** Decide a queued proposal the user approved as shown: digest is its ProposalView.digest. */
  approve(id: string, digest: Hex): Promise<Receipt>;
  /** Drop a queued proposal: its receipt says rejected, user_rejected. */
  reject(id: string): Promise<Receipt>;
  /** The newest audit entries (default 300), decoded for display, and whether the log verifies. */
  activity(limit?: UInt): Promise<Activity>;
  /** The host's authenticated records (JSON text; null when absent or tampered). */
  records(): Promise<{ settings: string | null; origins: string | null }>;
  /** Store a host record (a JSON object ≤ 64 KiB) under the MAC. */
  putRecord(name: "settings" | "origins", json: string): Promise<void>;
  /** The user's way out of the tampered state: deletes the records that failed; returns their keys. */
  resetTampered(): Promise<string[]>;
}

export interface Mode {
  paused: boolean;
  supervised: boolean;
  /** wei, decimal: approvals warn above this fee (default 0.01 ETH). */
  feeWarnWei?: string;
  idleTimeoutMs?: number;
}

export interface AddressView {
  /** In full, EIP-55 checksummed. */
  address: Hex;
  /** The pinned policy's label ("your account" for the signer's own). */
  label?: string;
  self?: boolean;
}

export interface Warning {
  /** fee_high, unlimited_approval, approval_for_all, nonce, policy, chain, unknown_call (and for messages: binary, siwe_uri, siwe_chain). */
  code: string;
  message: string;
}

export interface TxView {
  chainId: number;
  nonce: number;
  to: AddressView;
  value: string;
  valueText: string;
  data: Hex;
  dataBytes: number;
  gas: number;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  /** gas × maxFeePerGas, wei. */
  maxFee: string;
  maxFeeText: string;
  call: {
    action: "value_transfer" | "erc20_transfer" | "erc20_approve" | "erc20_increase_allowance" | "approval_for_all" | "call";
    selector?: Hex;
    function?: string;
    args?: { type: string; value: string; address?: AddressView }[];
    counterparty?: AddressView;
    amount?: string;
    unlimited?: boolean;
  };
  warnings: Warning[];
}

export interface ProposalView {
  id: string;
  /** SHA-256 of the document: approve() takes it back. */
  digest: Hex;
  tx: TxView;
  /** The rule of the pinned policy that allows it (policy v2: the call, with every argument's rule). */
  rule?: string;
  /** The calldata words of the call that allows it, each with the rule it passed. */
  ruleArgs?: { name: string; type: string; value: string; rule: string }[];
  /** What it counts toward a token window. */
  spend?: string;
  violation?: { code: ErrorCode; message: string };
  /** The nonce that is signed (the proof binds it) and the signer's next one. */
  nonce: { signed: number; next: number; ok: boolean };
  proof: { kind: "policy" | "program"; ok: boolean; code?: ErrorCode; message?: string; program?: Hex; block?: number };
  warnings: Warning[];
}

export interface PolicyInfo {
  name: string; chainId: number; commitment: Hex; description: string; warnings: string[];
  notBefore: number; notAfter: number; targets: number; vkHash?: Hex;
}

export interface Activity {
  ok: boolean;
  code?: ErrorCode;
  error?: string;
  head: { next: number; hash: Hex; base?: number; baseHash?: Hex };
  rows: {
    seq: number; time: number; kind: string; id?: string; decision: string; code?: ErrorCode; message?: string;
    to?: AddressView; valueText?: string; nonce?: number; txHash?: Hex;
  }[];
}

export interface Status {
  vault: "none" | "locked" | "unlocked" | "corrupt";
  vaultError?: string;
  address?: Hex;
  policyCommitment?: Hex;
  vkHash?: Hex;
  /** Why the stored pins do not decode: nothing is pinned then and every proposal is refused (open decodes them on first use; pinning again replaces them). */
  pinsError?: string;
  nonce: Hex;
  spent: Hex;
  /** The signer's clock, unix seconds. */
  time: number;
  pending: number;
  /** The rotated log's stored part starts at base; baseHash is the hash before it. */
  auditHead: { next: number; hash: Hex; base?: number; baseHash?: Hex };
  /** The account for display (EIP-55). */
  account?: AddressView;
  /** Proposals waiting for the user (supervised mode). */
  queued: number;
  mode: Mode;
  /** off (no authenticate), unverified (key not known yet), ok, tampered. */
  integrity: { state: "off" | "unverified" | "ok" | "tampered"; records?: string[]; reason?: string };
  /** The pinned programs, by commitment; lastBlock: the block of the last decision signed. */
  programs: { commitment: Hex; template: string; oracle: Hex; vkHash: Hex; lastBlock?: number }[];
  /** A nonce jump the RPC reported beyond the step, waiting for the user. */
  nonceHold?: { chain: Hex; ledger: Hex; time: number };
  chain: ChainStatus;
  /** The state the core verifies against now (nonce, window sums); its time is 0 (the clock is `time`). */
  state: SignerState;
  /** Every window rule of the pinned policy (absent without one). */
  limits?: Windows;
  /** The budget: each window rule of the pinned policy (policy v2: value, fee_window, tx_count, then each token_window). */
  windows: {
    rule: string; label: string; seconds: number;
    /** Base units, decimal; *Text in units with the symbol. */
    spent: string; cap: string; left: string; spentText: string; capText: string; leftText: string;
    /** When the oldest spend still counting leaves the window (unix seconds), freeing freesText. */
    freesAt?: number; freesText?: string;
  }[];
}

export interface AuditEntry {
  seq: number;
  time: number;
  kind: "proposal" | "unlock" | "lock" | "pin" | "vault" | "nonce" | "integrity" | "pause" | "mode" | "user_signature";
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
  signer(opts: { mnemonic: string; index?: UInt; policy: string | Uint8Array; vk: Uint8Array; typedVK?: Uint8Array }): Promise<ToolSigner>;
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
  ): Promise<
    | { ok: true; rawTx: Hex; txHash: Hex; micros: number }
    // a signature proposal (typed data), with the signer built with typedVK
    | { ok: true; signature: Hex; digest: Hex; micros: number }
    | { ok: false; code: ErrorCode; message: string; micros: number }
  >;
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
