package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/wire"
)

// Message kinds on the relay channel.
const (
	KindProposal = "proposal" // agent host → signer
	KindReceipt  = "receipt"  // signer → agent host
	KindTask     = "task"     // signer → agent host: a dapp's request, approved by the user
)

// Message is one application message on the relay channel.
type Message struct {
	Kind string          `json:"kind"`
	Body json.RawMessage `json:"body"`
	// Ack, when set by the transport, acknowledges the message: the
	// daemon calls it once it has handled the message (never before), and
	// the transport delivers the next one after it.
	Ack func() `json:"-"`
}

// Transport carries messages to and from the signer (the relay client in
// production, an in-process pipe in tests).
type Transport interface {
	Send(ctx context.Context, m Message) error
	Receive() <-chan Message
}

// Chain is what the daemon reads from the chain to fill in transactions and
// to follow them until they are mined. All methods are optional in effect:
// with a nil Chain the agent must give nonce-free intents complete fees.
type Chain interface {
	PendingNonce(ctx context.Context, account wire.Address) (uint64, error)
	SuggestFees(ctx context.Context) (maxFee, tip *big.Int, err error)
	EstimateGas(ctx context.Context, from wire.Address, tx *wire.Tx) (uint64, error)
	// Mined reports whether the transaction is in a block and, if so,
	// whether it reverted.
	Mined(ctx context.Context, hash wire.Hash32) (mined, reverted bool, err error)
}

// Prover proves transactions (a *prover.Prover).
type Prover interface {
	Precheck(tx *wire.Tx, st *wire.State) error
	Prove(req prover.Request) (*wire.Proposal, error)
}

// Config configures a Daemon. Zero values get the documented defaults.
type Config struct {
	Policy    *policy.Policy // required
	Prover    Prover         // required
	Transport Transport      // required
	Chain     Chain          // optional
	Reader    Reader         // optional: balances and token metadata for /v1/wallet and token amounts
	Account   wire.Address   // the signer's account, for nonces and gas estimates
	// Budget reports the policy's window rules; default: the daemon's own
	// view of every window of the policy (value, fees, count, each token
	// window), kept from receipts.
	Budget Budget
	// Programs are the committed programs this agent host runs
	// (POST /v1/program-runs); optional.
	Programs []ProgramRunner
	// Signatures proves EIP-712 typed data (POST /v1/signatures, x402
	// payments); optional (without it those are refused, not_configured).
	Signatures SigProver
	// X402HTTP sends the x402 client's requests (POST /v1/x402/fetch);
	// default: the client's own, with its timeout.
	X402HTTP *http.Client
	// Guard is the HTTP API's front door (Host, Origin, Content-Type and an
	// optional bearer token; see package httpguard). Its zero value serves
	// loopback callers without a token.
	Guard httpguard.Config
	// DataDir keeps the Idempotency-Keys and the records they made across
	// restarts (IdempotencyFile, created 0600 with the directory 0700);
	// "" keeps them in memory only, forgotten by a restart (tests, and
	// embedders that never retry across one). New refuses a damaged or
	// foreign key file with ErrIdempotencyStore.
	DataDir string
	// IdempotencyTTL is how long a key is kept once its record is final;
	// default DefaultIdempotencyTTL (24 h). Reused after that, a key makes
	// a new request. At most History keyed records are kept (the oldest
	// final ones go first; one that is not final is never dropped).
	IdempotencyTTL time.Duration

	Workers     int           // concurrent proofs; default runtime.NumCPU()
	QueueDepth  int           // queued requests before 429; default 4 × Workers
	MaxAttempts int           // proofs per request (re-proving on stale state); default 8
	MinedWait   time.Duration // how long to follow a signed tx for mining; default 2 min
	History     int           // finished records (and their keys) kept; default 10,000
	Clock       func() time.Time
	Logger      *slog.Logger
}

// Daemon is the agent-host daemon's core, independent of HTTP.
type Daemon struct {
	cfg     Config
	recs    *records
	jobs    chan *job
	metrics *metrics
	spends  *spendLedger // the signer's window sums as last confirmed
	tokens  *tokenCache
	link    linkState

	mu       sync.Mutex
	nonce    uint64 // the signer's next nonce as last confirmed
	nonceSet bool
	inflight map[string]*job // assigned a nonce, no receipt yet
	sendable *sync.Cond      // signalled when inflight changes or a job is sent
	tasks    []Task
	sigs     sigWaiters
	sigMu    sync.Mutex // one signature proven and in flight at a time
	x402     x402State
}

type job struct {
	id       string
	tx       wire.Tx // nonce filled at assignment
	queued   time.Time
	attempts int
	nonce    uint64
	sent     time.Time
	isSent   bool // this attempt was handed to the transport
	// A program run: the runner and its decision (re-made on re-proving).
	runner   ProgramRunner
	decision *ProgramDecision
}

// Task is a dapp's request forwarded by the signer after the user approved it.
type Task struct {
	ID       string          `json:"id"`
	Origin   string          `json:"origin,omitempty"`
	Request  json.RawMessage `json:"request"`
	Received time.Time       `json:"received"`
}

// New validates cfg and returns a Daemon; call Run to start it.
func New(cfg Config) (*Daemon, error) {
	if cfg.Policy == nil || cfg.Prover == nil || cfg.Transport == nil {
		return nil, errors.New("daemon: Policy, Prover and Transport are required")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.QueueDepth <= 0 {
		cfg.QueueDepth = 4 * cfg.Workers
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.MinedWait <= 0 {
		cfg.MinedWait = 2 * time.Minute
	}
	if cfg.History <= 0 {
		cfg.History = 10000
	}
	if cfg.IdempotencyTTL <= 0 {
		cfg.IdempotencyTTL = DefaultIdempotencyTTL
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	recs := newRecords(cfg.History, cfg.IdempotencyTTL, cfg.Clock, cfg.Chain != nil, cfg.Logger)
	if cfg.DataDir != "" {
		log, live, torn, err := openIdemLog(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		if torn {
			cfg.Logger.Warn("dropped the torn last line of the idempotency key file (a crash in the middle of a write; that request was never queued)", "file", log.path)
		}
		if err := recs.restore(log, live); err != nil {
			log.close()
			return nil, fmt.Errorf("daemon: rewrite the idempotency key file: %w", err)
		}
	}
	d := &Daemon{cfg: cfg, recs: recs, jobs: make(chan *job, cfg.QueueDepth),
		metrics: newMetrics(), inflight: map[string]*job{},
		spends: newSpendLedger(cfg.Policy)}
	if d.cfg.Budget == nil {
		d.cfg.Budget = d.spends
	}
	d.tokens = newTokenCache(cfg.Policy, cfg.Reader)
	d.sendable = sync.NewCond(&d.mu)
	return d, nil
}

// Run starts the provers and the receipt loop; it returns when ctx ends.
func (d *Daemon) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := 0; i < d.cfg.Workers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); d.worker(ctx) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); d.receiveLoop(ctx) }()
	wg.Wait()
	d.Close()
	return ctx.Err()
}

// Close stops writing the key file and releases DataDir (Run calls it when
// it returns). Nothing the daemon does afterwards is kept: a test calls it
// to play a crash with a job still held by a prover.
func (d *Daemon) Close() { d.recs.close() }

// Intent is what an agent asks for. Missing nonce, fees and gas are filled
// in. The calldata is Data, or Call for the daemon to ABI-encode, or
// neither (a plain transfer).
type Intent struct {
	To                   *wire.Address  `json:"to"`
	Value                *wire.Quantity `json:"value,omitempty"`
	Data                 wire.Bytes     `json:"data,omitempty"`
	Call                 *Call          `json:"call,omitempty"`
	Gas                  *wire.Uint64   `json:"gas,omitempty"`
	MaxFeePerGas         *wire.Quantity `json:"maxFeePerGas,omitempty"`
	MaxPriorityFeePerGas *wire.Quantity `json:"maxPriorityFeePerGas,omitempty"`
}

// Payment is the intent of a plain transfer of wei to to.
func Payment(to wire.Address, wei *big.Int) Intent {
	q := wire.NewQuantity(wei)
	return Intent{To: &to, Value: &q}
}

// ErrOverloaded is returned by Submit when the proving queue is full.
var ErrOverloaded = &wire.Error{Code: CodeOverloaded, Message: "the proving queue is full; retry later"}

// request is one submission, whatever its form: kind and canonical are its
// idempotency fingerprint, and build turns it into an intent (resolving
// tokens and amounts, encoding the call) with a summary in words.
type request struct {
	kind      string
	canonical []byte
	build     func(ctx context.Context) (Intent, string, error)
	// program, for a program run, gives the runner and (after build) its decision.
	program func() (ProgramRunner, *ProgramDecision)
}

// Submit pre-checks an intent and queues it for proving. It returns the
// record (rejected with a rule code when the pre-check refuses) or a coded
// error (ErrOverloaded; malformed). An idempotency key is reserved before
// any work: a repeat returns the record the key made (waiting for it when
// the first request is still being checked), and a key used for another
// request is refused with idempotency_mismatch.
func (d *Daemon) Submit(ctx context.Context, in Intent, idempotencyKey string) (Record, error) {
	canonical, err := json.Marshal(in)
	if err != nil {
		return Record{}, err
	}
	return d.submit(ctx, request{kind: "transaction", canonical: canonical,
		build: func(ctx context.Context) (Intent, string, error) {
			if in.To == nil {
				return in, "", wire.Errorf(wire.Malformed, "to: required")
			}
			return in, "", nil
		}}, idempotencyKey)
}

func (d *Daemon) submit(ctx context.Context, req request, key string) (Record, error) {
	if len(key) > MaxIdempotencyKey {
		return Record{}, wire.Errorf(wire.Malformed, "Idempotency-Key is longer than %d characters", MaxIdempotencyKey)
	}
	var c *idemClaim
	if key != "" {
		prev, held, err := d.recs.claim(ctx, key, requestSum(req.kind, req.canonical))
		if err != nil || prev != nil {
			if prev != nil {
				return *prev, nil
			}
			return Record{}, err
		}
		c = held
	}
	rec, err := d.admit(ctx, req, c)
	if c != nil {
		if err != nil {
			d.recs.drop(c) // nothing was queued: the key is free again
		} else {
			d.recs.keep(c)
		}
	}
	return rec, err
}

// admit builds, fills and pre-checks a request, and queues it. With an
// idempotency claim c, the record is written to the key file (synced) by
// recs.add before the job is queued: a proposal can leave only from a
// worker that took the job, so the key is on disk first.
func (d *Daemon) admit(ctx context.Context, req request, c *idemClaim) (Record, error) {
	start := d.cfg.Clock()
	in, summary, err := req.build(ctx)
	if err != nil {
		return Record{}, err
	}
	var run *ProgramRun
	var runner ProgramRunner
	var dec *ProgramDecision
	if req.program != nil {
		runner, dec = req.program()
		run = programRun(runner, *dec)
		if dec.Holds() {
			rec := &Record{ID: prover.NewID(), Status: StatusRejected, Code: NoTrade, Message: "the program decided to hold: there is nothing to propose",
				Summary: summary, Program: run, Created: start, Updated: d.cfg.Clock()}
			rec.Timings.PrecheckMs = ms(rec.Updated.Sub(start))
			rec.Timings.TotalMs = rec.Timings.PrecheckMs
			if err := d.recs.add(rec, c); err != nil {
				return Record{}, err
			}
			return *rec, nil
		}
	}
	tx, err := d.fill(ctx, in)
	if err != nil {
		return Record{}, err
	}
	now := d.cfg.Clock()
	rec := &Record{ID: prover.NewID(), Status: StatusQueued, Summary: summary, Program: run, Tx: tx, Created: start, Updated: start}
	if runner != nil {
		// A program's trade may use the policy's programOnly calls (its
		// proof embeds the policy circuit with them allowed).
		err = d.cfg.Policy.CheckProgram(tx, d.viewState(now))
	} else {
		err = d.cfg.Prover.Precheck(tx, d.viewState(now))
	}
	rec.Timings.PrecheckMs = ms(d.cfg.Clock().Sub(start))
	if err != nil {
		rec.Status, rec.Code, rec.Message = StatusRejected, wire.CodeOf(err), wire.MessageOf(err)
		rec.Hint = d.hint(ctx, rec.Code, tx, now)
		rec.Timings.TotalMs = rec.Timings.PrecheckMs
		if err := d.recs.add(rec, c); err != nil {
			return Record{}, err
		}
		d.metrics.requests.WithLabelValues("precheck_rejected").Inc()
		d.cfg.Logger.Info("pre-check refused", "id", rec.ID, "code", rec.Code, "message", rec.Message)
		return *rec, nil
	}
	j := &job{id: rec.ID, tx: *tx, queued: d.cfg.Clock(), runner: runner, decision: dec}
	// Before the job can be picked up, so every update finds it, and the
	// key is on disk before any proposal can leave.
	if err := d.recs.add(rec, c); err != nil {
		return Record{}, err
	}
	select {
	case d.jobs <- j:
	default:
		d.recs.remove(rec.ID)
		d.metrics.requests.WithLabelValues("overloaded").Inc()
		return Record{}, ErrOverloaded
	}
	d.metrics.requests.WithLabelValues("queued").Inc()
	d.metrics.queue.Set(float64(len(d.jobs)))
	return *rec, nil
}

// fill completes an intent into a transaction (nonce assigned later).
func (d *Daemon) fill(ctx context.Context, in Intent) (*wire.Tx, error) {
	if in.To == nil {
		return nil, wire.Errorf(wire.Malformed, "to: required")
	}
	tx := &wire.Tx{ChainID: wire.Uint64(d.cfg.Policy.ChainID), To: *in.To, Data: in.Data}
	if in.Call != nil {
		if len(in.Data) > 0 {
			return nil, wire.Errorf(wire.Malformed, "give data or call, not both")
		}
		data, err := in.Call.Encode()
		if err != nil {
			return nil, err
		}
		tx.Data = data
	}
	if in.Value != nil {
		tx.Value = *in.Value
	}
	if in.MaxFeePerGas == nil || in.MaxPriorityFeePerGas == nil {
		if d.cfg.Chain == nil {
			return nil, wire.Errorf(wire.Malformed, "maxFeePerGas and maxPriorityFeePerGas are required (no chain RPC configured)")
		}
		maxFee, tip, err := d.cfg.Chain.SuggestFees(ctx)
		if err != nil {
			return nil, wire.Errorf(CodeChainUnavailable, "suggest fees: %v", err)
		}
		tx.MaxFeePerGas, tx.MaxPriorityFeePerGas = wire.NewQuantity(maxFee), wire.NewQuantity(tip)
	}
	if in.MaxFeePerGas != nil {
		tx.MaxFeePerGas = *in.MaxFeePerGas
	}
	if in.MaxPriorityFeePerGas != nil {
		tx.MaxPriorityFeePerGas = *in.MaxPriorityFeePerGas
	}
	switch {
	case in.Gas != nil:
		tx.Gas = *in.Gas
	case len(tx.Data) == 0:
		tx.Gas = 21000
	case d.cfg.Chain != nil:
		g, err := d.cfg.Chain.EstimateGas(ctx, d.cfg.Account, tx)
		if err != nil {
			return nil, wire.Errorf(wire.Malformed, "estimate gas: the call fails on chain (%v); check the target, the function and its arguments, or give gas", err)
		}
		tx.Gas = wire.Uint64(g + g/5) // 20% headroom
	default:
		return nil, wire.Errorf(wire.Malformed, "gas is required for a contract call (no chain RPC configured)")
	}
	if err := tx.Check(); err != nil {
		return nil, err
	}
	return tx, nil
}

// viewState is the daemon's best view of the signer's window at now,
// counting proposals in flight as if they will be signed.
func (d *Daemon) viewState(now time.Time) *wire.State {
	st := d.spends.state(now)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, j := range d.inflight {
		d.cfg.Policy.Count(st, &j.tx)
	}
	return st
}

// assign gives a job the next nonce and the window state it must be proven
// against.
func (d *Daemon) assign(ctx context.Context, j *job) (uint64, *wire.State, error) {
	d.mu.Lock()
	needNonce := !d.nonceSet
	d.mu.Unlock()
	if needNonce && d.cfg.Chain != nil {
		n, err := d.cfg.Chain.PendingNonce(ctx, d.cfg.Account)
		if err != nil {
			return 0, nil, fmt.Errorf("pending nonce: %w", err)
		}
		d.mu.Lock()
		if !d.nonceSet {
			d.nonce, d.nonceSet = n, true
		}
		d.mu.Unlock()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// The lowest nonce no live proposal holds, proven against the spend of
	// every live proposal below it (as if they will all be signed).
	held := map[uint64]bool{}
	for _, o := range d.inflight {
		held[o.nonce] = true
	}
	nonce := d.nonce
	for held[nonce] {
		nonce++
	}
	st := d.spends.state(d.cfg.Clock())
	for _, o := range d.inflight {
		if o.nonce < nonce && o.nonce >= d.nonce {
			d.cfg.Policy.Count(st, &o.tx)
		}
	}
	j.nonce, j.isSent = nonce, false
	d.inflight[j.id] = j
	return nonce, st, nil
}

// waitTurn blocks until every live proposal with a lower nonce has been sent,
// so proposals reach the signer in nonce order even when proofs finish out
// of order. It returns false when ctx ends or the job left the flight.
func (d *Daemon) waitTurn(ctx context.Context, j *job) bool {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.sendable.Broadcast()
		d.mu.Unlock()
	})
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for ctx.Err() == nil {
		blocked := false
		for _, o := range d.inflight {
			if o != j && o.nonce < j.nonce && !o.isSent {
				blocked = true
				break
			}
		}
		if !blocked {
			j.isSent = true
			d.sendable.Broadcast()
			return true
		}
		d.sendable.Wait()
	}
	return false
}

func (d *Daemon) worker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-d.jobs:
			d.metrics.queue.Set(float64(len(d.jobs)))
			d.prove(ctx, j)
		}
	}
}

func (d *Daemon) prove(ctx context.Context, j *job) {
	j.attempts++
	nonce, st, err := d.assign(ctx, j)
	if err != nil {
		d.finish(j, StatusFailed, wire.Internal, err.Error())
		return
	}
	now := d.cfg.Clock()
	d.recs.update(j.id, func(r *Record) {
		r.Status, r.Attempts = StatusProving, j.attempts
		r.Timings.QueueMs += ms(now.Sub(j.queued))
	})
	tx := j.tx
	tx.Nonce = wire.Uint64(nonce)
	if j.runner != nil && j.attempts > 1 && !d.redecide(ctx, j, &tx) {
		return
	}
	st.Time = uint64(now.Unix())
	p, err := d.proveTx(j, &tx, st)
	proveTime := d.cfg.Clock().Sub(now)
	d.metrics.prove.Observe(proveTime.Seconds())
	if err != nil {
		d.recs.update(j.id, func(r *Record) { r.Timings.ProveMs += ms(proveTime) })
		d.finish(j, StatusRejected, wire.CodeOf(err), wire.MessageOf(err))
		return
	}
	body, _ := json.Marshal(p)
	d.mu.Lock()
	j.tx = tx // what the window will count if it is signed (a program may have decided again)
	d.mu.Unlock()
	// The proving time goes in before the send: a fast signer's receipt can
	// come back (and a waiter return the record) before Send returns.
	d.recs.update(j.id, func(r *Record) { r.Timings.ProveMs += ms(proveTime) })
	if !d.waitTurn(ctx, j) {
		d.finish(j, StatusFailed, wire.Internal, "the agent host stopped before sending it: nothing was proposed; ask again with a new Idempotency-Key")
		return
	}
	j.sent = d.cfg.Clock()
	if err := d.cfg.Transport.Send(ctx, Message{Kind: KindProposal, Body: body}); err != nil {
		d.finish(j, StatusFailed, wire.Internal, "relay: "+err.Error())
		return
	}
	d.recs.update(j.id, func(r *Record) {
		r.Tx = &tx
		if r.Status == StatusProving {
			// A fast signer's receipt may already have moved the record on
			// (signed, rejected): the status never goes back.
			r.Status = StatusSent
		}
	})
	d.cfg.Logger.Info("proposal sent", "id", j.id, "attempt", j.attempts, "nonce", nonce, "proveMs", ms(proveTime))
}

// proveTx proves an attempt against the window state st (with its time): a
// policy proof, or the program's proof.
func (d *Daemon) proveTx(j *job, tx *wire.Tx, st *wire.State) (*wire.Proposal, error) {
	id := fmt.Sprintf("%s.%d", j.id, j.attempts)
	if j.runner != nil {
		return j.runner.Prove(*j.decision, tx, st, id)
	}
	return d.cfg.Prover.Prove(prover.Request{ID: id, Tx: tx, State: st})
}

// redecide runs a program again before re-proving (the inputs moved on):
// it reports false when the job ended (the program now holds, or the
// inputs cannot be read).
func (d *Daemon) redecide(ctx context.Context, j *job, tx *wire.Tx) bool {
	dec, err := j.runner.Decide(ctx)
	switch {
	case err != nil:
		d.finish(j, StatusFailed, wire.CodeOf(err), wire.MessageOf(err))
		return false
	case dec.Holds():
		d.finish(j, StatusRejected, NoTrade, "the program now decides to hold: there is nothing to propose")
		return false
	}
	j.decision = &dec
	tx.To, tx.Data = dec.To, dec.Data
	run := programRun(j.runner, dec)
	d.recs.update(j.id, func(r *Record) { r.Program, r.Summary = run, dec.Summary })
	return true
}

// finish ends a job that will get no receipt.
func (d *Daemon) finish(j *job, status string, code wire.Code, msg string) {
	d.mu.Lock()
	delete(d.inflight, j.id)
	d.sendable.Broadcast()
	d.mu.Unlock()
	tx := j.tx
	hint := d.hint(context.Background(), code, &tx, d.cfg.Clock())
	d.recs.update(j.id, func(r *Record) { r.Status, r.Code, r.Message, r.Hint = status, code, msg, hint })
	d.metrics.requests.WithLabelValues(status).Inc()
	d.cfg.Logger.Warn("request ended", "id", j.id, "status", status, "code", code, "message", msg)
}
