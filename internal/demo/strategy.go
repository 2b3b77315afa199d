package demo

// The strategy segment of the tour: a program proof. The oracle's price
// moves on the devnet; the agent runs the committed threshold program on
// the oracle's answer at the current block, proves the swap it computes and
// sends it; the signer re-reads the answer at that block from the pinned
// oracle before it signs. Then a compromised host sends a signed decision
// again, tries a fake price and a size the program did not output.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/internal/stack"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wasm/signerhost"
	"github.com/leash-wallet/leash/wire"
)

// strategyTemplate is the template of the demo's strategy program.
var strategyTemplate = program.Threshold

// ensureProgramKeys runs the user-side setup of the strategy template's
// circuit into dir when its keys are not there yet (once; about 20 s).
func ensureProgramKeys(dir string, say func(who, format string, args ...any)) error {
	t := strategyTemplate
	_, errPK := os.Stat(filepath.Join(dir, programcircuit.ProvingKeyFile(t)))
	_, errVK := os.Stat(filepath.Join(dir, programcircuit.VerifyingKeyFile(t)))
	if errPK == nil && errVK == nil {
		return nil
	}
	say("setup", "first run: the user-side setup of the %s program circuit (once, ~20 s)", t.Name)
	keys, err := programcircuit.Setup(t, func(s string) { say("setup", "%s", s) })
	if err != nil {
		return err
	}
	return keys.Write(dir)
}

// A price move of the tour, in the oracle's 8 decimals.
type move struct {
	answer *big.Int
	note   string
}

func usd(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e8)) }

// strategy runs the segment; it returns an error if any step does not end
// as the tour expects.
func (t *tour) strategy(ctx context.Context) error {
	s := t.s
	prog := s.Program
	if prog == nil {
		return errors.New("strategy: the stack has no program pinned")
	}
	t.say("strategy", "program %s (%s): buy dETH below %s dUSD, sell above %s dUSD, sizes from the committed parameters",
		short(prog.Commitment().Hex()), prog.Tmpl().Name, price(stack.BuyBelow), price(stack.SellAbove))
	pk, err := programcircuit.ReadProvingKey(s.KeysDir, prog.Tmpl())
	if err != nil {
		return err
	}
	pr, err := programprover.New(s.Policy, prog, pk)
	if err != nil {
		return err
	}
	ppk, err := policycircuit.ReadProvingKey(s.KeysDir)
	if err != nil {
		return err
	}
	ppr, err := prover.New(s.Policy, ppk)
	if err != nil {
		return err
	}
	chain := ethchain.New(s.Eth())
	mk, err := newMarket(ctx, t)
	if err != nil {
		return err
	}

	// The wallet approves the pool for both tokens: plain policy proofs.
	tok := contracts.NewTestToken()
	for _, a := range []struct {
		token  common.Address
		amount *big.Int
		what   string
	}{{s.Addrs.USD, eth(1000, 1), "approve the pool: 1,000 dUSD"}, {s.Addrs.ETH, eth(1, 1), "approve the pool: 1 dETH"}} {
		t.say("agent", "→ %s (policy proof)", a.what)
		nonce, st, err := t.signerState(ctx)
		if err != nil {
			return err
		}
		data := tok.PackApprove(s.Addrs.Pool, a.amount)
		gas, err := s.Eth().EstimateGas(ctx, ethereum.CallMsg{From: s.Account, To: &a.token, Data: data})
		if err != nil {
			return fmt.Errorf("%s: estimate gas: %w", a.what, err)
		}
		tx := &wire.Tx{ChainID: 1337, Nonce: wire.Uint64(nonce), To: wire.Address(a.token), Value: wire.NewQuantity(new(big.Int)),
			Data: data, Gas: wire.Uint64(gas + gas/4), MaxFeePerGas: wire.QuantityFromUint64(4e9),
			MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
		start := time.Now()
		p, err := ppr.Prove(prover.Request{Tx: tx, State: st})
		if err != nil {
			return fmt.Errorf("%s: %w", a.what, err)
		}
		if err := t.sendExpect(ctx, a.what, p, ms(time.Since(start)), start, ""); err != nil {
			return err
		}
	}

	// The price moves; the agent proves what the program computes.
	moves := []move{{usd(2850), "a dip"}, {usd(3000), "back to 3,000"}, {usd(3160), "a rally"}}
	var lastTrade *programprover.Result
	for i, m := range moves {
		if err := mk.setPrice(ctx, m.answer); err != nil {
			return err
		}
		t.say("oracle", "price %s dUSD per dETH (%s); the pool's price follows (a market maker's swap)", price(m.answer), m.note)
		res, start, err := t.proveRound(ctx, pr, chain, fmt.Sprintf("strategy-%d", i+1), nil)
		if errors.Is(err, program.ErrHold) {
			t.say("agent", "the program holds at %s: nothing to propose", price(m.answer))
			t.mu.Lock()
			t.rows = append(t.rows, row{what: "program @" + price(m.answer) + ": hold", outcome: "hold", code: string(program.NoTrade)})
			t.mu.Unlock()
			continue
		}
		if err != nil {
			return err
		}
		what := fmt.Sprintf("program @%s: %s", price(m.answer), brief(res.Decision))
		t.say("agent", "→ %s (program proof for block %d, %.0f ms)", describe(res.Decision), res.Proposal.Program.Block, ms(time.Since(start)))
		if err := t.sendExpect(ctx, what, res.Proposal, ms(time.Since(start)), start, ""); err != nil {
			return err
		}
		lastTrade = res
	}

	// A compromised host: the rally's decision again, with the next nonce
	// (each trade is within the caps; used again and again, the total is
	// not). The signer keeps the last block it signed per program.
	if lastTrade != nil {
		p := lastTrade.Proposal
		t.say("attacker", "a compromised agent host proves the last decision (block %d) again with the next nonce: the same trade, twice", p.Program.Block)
		nonce, st, err := t.signerState(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		again, err := pr.Prove(programprover.Request{ID: "strategy-replay", Block: uint64(p.Program.Block), Inputs: quantities(p.Program.Inputs),
			Fees:  program.Fees{Nonce: nonce, Gas: 400_000, MaxFeePerGas: big.NewInt(4e9), MaxPriorityFeePerGas: big.NewInt(1e9)},
			State: st})
		if err != nil {
			return err
		}
		if err := t.sendExpect(ctx, fmt.Sprintf("the same decision again (block %d)", p.Program.Block), again.Proposal,
			ms(time.Since(start)), start, wire.ProgramReplay); err != nil {
			return err
		}
	}

	// A compromised host: a fake price, proven honestly from the fake input.
	last := moves[len(moves)-1].answer
	fake := usd(2500)
	t.say("attacker", "a compromised agent host claims the price is %s (it is %s) and proves the buy the program computes from that", price(fake), price(last))
	res, start, err := t.proveRound(ctx, pr, chain, "strategy-fake-price", func(in []*big.Int) { in[len(in)-1] = fake })
	if err != nil {
		return err
	}
	t.say("attacker", "→ %s, claiming the oracle said %s at block %d", describe(res.Decision), price(fake), res.Proposal.Program.Block)
	if err := t.sendExpect(ctx, "fake price "+price(fake)+": "+brief(res.Decision), res.Proposal,
		ms(time.Since(start)), start, wire.InputMismatch); err != nil {
		return err
	}

	// A compromised host: a size the program did not output.
	t.say("attacker", "it now wants a bigger sell than the program computes at %s", price(last))
	res, _, err = t.proveRound(ctx, pr, chain, "strategy-size", nil)
	if err != nil {
		return err
	}
	d := res.Decision
	big3 := new(big.Int).Mul(d.AmountIn, big.NewInt(3))
	forged := res.Proposal.Tx
	block := uint64(res.Proposal.Program.Block)
	forged.Data = prog.Calldata(program.Decision{Action: d.Action, TokenIn: d.TokenIn, AmountIn: big3, MinOut: d.MinOut}, block)
	_, st, err := t.signerState(ctx)
	if err != nil {
		return err
	}
	st.Time = res.Proposal.Time
	_, err = pr.Prove(programprover.Request{Block: block, Inputs: quantities(res.Proposal.Program.Inputs), State: st, Tx: &forged})
	what := fmt.Sprintf("size %s, program said %s", strings.TrimSuffix(fmtToken(big3, "dETH"), " dETH"), fmtToken(d.AmountIn, "dETH"))
	if wire.CodeOf(err) != wire.Unsatisfiable {
		return fmt.Errorf("proving a size the program did not output: %v, expected unsatisfiable", err)
	}
	t.say("agent-host", "REFUSED %s: the circuit cannot prove it (%s)", wire.Unsatisfiable, "it is not what the program computes")
	t.mu.Lock()
	t.rows = append(t.rows, row{what: what + " (host)", outcome: "rejected", code: string(wire.Unsatisfiable)})
	t.mu.Unlock()
	t.say("attacker", "so it sends the honest proof with the amount in the calldata tripled")
	res.Proposal.Tx = forged
	return t.sendExpect(ctx, what, res.Proposal, 0, time.Now(), wire.ProofInvalid)
}

// proveRound reads the oracle at the head and proves the program's trade;
// tamper, if set, changes the inputs before proving (a compromised host).
func (t *tour) proveRound(ctx context.Context, pr *programprover.Prover, chain program.Chain, id string, tamper func([]*big.Int)) (*programprover.Result, time.Time, error) {
	start := time.Now()
	block, inputs, err := program.ReadLatest(ctx, chain, t.s.Program.Oracle, t.s.Program.Tmpl().Inputs)
	if err != nil {
		return nil, start, err
	}
	if tamper != nil {
		tamper(inputs)
	}
	nonce, st, err := t.signerState(ctx)
	if err != nil {
		return nil, start, err
	}
	res, err := pr.Prove(programprover.Request{ID: id, Block: block, Inputs: inputs,
		Fees:  program.Fees{Nonce: nonce, Gas: 400_000, MaxFeePerGas: big.NewInt(4e9), MaxPriorityFeePerGas: big.NewInt(1e9)},
		State: st})
	return res, start, err
}

// sendExpect sends a proposal over the agent host's relay link, waits for
// the signer's decision (and the mining, when signed) and records a row.
// wantCode "" expects a mined transaction that did not revert.
func (t *tour) sendExpect(ctx context.Context, what string, p *wire.Proposal, proveMs float64, start time.Time, wantCode wire.Code) error {
	ch := make(chan signerhost.Event, 16)
	t.mu.Lock()
	if t.waits == nil {
		t.waits = map[string]chan signerhost.Event{}
	}
	t.waits[p.ID] = ch
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		delete(t.waits, p.ID)
		t.mu.Unlock()
	}()
	body, _ := json.Marshal(p)
	if err := t.s.AgentLink.Send(ctx, daemon.Message{Kind: daemon.KindProposal, Body: body}); err != nil {
		return err
	}
	r := row{what: what, proveMs: proveMs}
	// With the extension, its "signed" line is read from its activity list
	// while "mined" comes from the chain: either may arrive first. The
	// transaction joins the tour's window tally once, on the first.
	counted := false
	count := func() {
		if !counted {
			counted = true
			t.counted(&p.Tx)
		}
	}
	timeout := time.After(60 * time.Second)
	for {
		var e signerhost.Event
		select {
		case e = <-ch:
		case <-timeout:
			return fmt.Errorf("%s: no answer from the signer", what)
		case <-ctx.Done():
			return ctx.Err()
		}
		switch e.Status {
		case wire.StatusRejected:
			if e.Code == wire.NonceMismatch && t.s.Signer == nil {
				continue // the extension syncs its nonce from the chain and decides again (onEvent)
			}
			r.outcome, r.code, r.signerMs = daemon.StatusRejected, string(e.Code), ms(e.Took)
			t.mu.Lock()
			t.rows = append(t.rows, r)
			t.mu.Unlock()
			if e.Code != wantCode {
				return fmt.Errorf("%s: refused %s (%s), the tour expected %s", what, e.Code, e.Message, orMined(wantCode))
			}
			return nil
		case wire.StatusSigned:
			count()
			r.signerMs = ms(e.Took)
			if e.TxHash != nil {
				r.tx = e.TxHash.Hex()[:12] + "…"
			}
			if wantCode != "" {
				return fmt.Errorf("%s: signed, the tour expected %s", what, wantCode)
			}
		case wire.StatusMined:
			count()
			rec, err := t.s.Eth().TransactionReceipt(ctx, common.Hash(*e.TxHash))
			if err != nil {
				return err
			}
			r.totalMs = ms(time.Since(start))
			if rec.Status != types.ReceiptStatusSuccessful {
				r.outcome = "reverted"
				t.mu.Lock()
				t.rows = append(t.rows, r)
				t.mu.Unlock()
				to := common.Address(p.Tx.To)
				_, cerr := t.s.Eth().CallContract(ctx, ethereum.CallMsg{From: t.s.Account, To: &to, Data: p.Tx.Data, Gas: uint64(p.Tx.Gas)},
					new(big.Int).Sub(rec.BlockNumber, big.NewInt(1)))
				blk, _ := t.s.Eth().BlockByNumber(ctx, rec.BlockNumber)
				return fmt.Errorf("%s: the transaction reverted (gas used %d of %d; block %v has %d txs, index %d; replayed: %v)", what, rec.GasUsed, uint64(p.Tx.Gas), rec.BlockNumber, len(blk.Transactions()), rec.TransactionIndex, contracts.CallError("replay", cerr))
			}
			r.outcome = daemon.StatusMined
			t.mu.Lock()
			t.rows = append(t.rows, r)
			t.mu.Unlock()
			return nil
		}
	}
}

// notify hands a signer event to the segment's waiter for its proposal.
func (t *tour) notify(e signerhost.Event) {
	t.mu.Lock()
	ch := t.waits[e.ID]
	t.mu.Unlock()
	if ch != nil {
		select {
		case ch <- e:
		default:
		}
	}
}

func orMined(c wire.Code) string {
	if c == "" {
		return "a mined transaction"
	}
	return string(c)
}

func quantities(q []wire.Quantity) []*big.Int {
	out := make([]*big.Int, len(q))
	for i := range q {
		out[i] = q[i].Big()
	}
	return out
}

func describe(d program.Decision) string {
	switch d.Action {
	case program.Buy:
		return fmt.Sprintf("buy dETH for %s (min %s)", fmtToken(d.AmountIn, "dUSD"), fmtToken(d.MinOut, "dETH"))
	case program.Sell:
		return fmt.Sprintf("sell %s (min %s)", fmtToken(d.AmountIn, "dETH"), fmtToken(d.MinOut, "dUSD"))
	}
	return "hold"
}

// brief is a decision for the summary table.
func brief(d program.Decision) string {
	switch d.Action {
	case program.Buy:
		return "buy, " + fmtToken(d.AmountIn, "dUSD") + " in"
	case program.Sell:
		return "sell " + fmtToken(d.AmountIn, "dETH")
	}
	return "hold"
}

func fmtToken(v *big.Int, sym string) string {
	s := fmtEth(v)
	return s[:len(s)-len(" ETH")] + " " + sym
}

func price(answer *big.Int) string {
	r := new(big.Rat).SetFrac(answer, big.NewInt(1e8))
	return r.FloatString(2)
}

func short(h string) string {
	if len(h) > 14 {
		return h[:10] + "…" + h[len(h)-4:]
	}
	return h
}

// market plays the rest of the world on the devnet: the oracle's owner
// (the deployer, account 0) moves the price, and a market maker (account
// 2) swaps the pool to the same price, so that the program's trades, whose
// minimum output follows the oracle, do not revert.
type market struct {
	t     *tour
	maker *contracts.Sender
	pool  *contracts.SwapPool
}

func newMarket(ctx context.Context, t *tour) (*market, error) {
	accts := t.s.Devnet.Accounts()
	maker, err := contracts.NewSender(ctx, t.s.Eth(), accts[2].Key)
	if err != nil {
		return nil, err
	}
	m := &market{t: t, maker: maker, pool: contracts.NewSwapPool()}
	tok := contracts.NewTestToken()
	var txs []*types.Transaction
	for _, a := range []common.Address{t.s.Addrs.USD, t.s.Addrs.ETH} {
		tx, err := maker.Send(ctx, &a, nil, tok.PackApprove(t.s.Addrs.Pool, abiMax()))
		if err != nil {
			return nil, err
		}
		txs = append(txs, tx)
	}
	_, err = contracts.WaitMined(ctx, t.s.Eth(), txs...)
	return m, err
}

func abiMax() *big.Int { return new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)) }

// setPrice starts a new oracle round at answer and swaps the pool to it.
func (m *market) setPrice(ctx context.Context, answer *big.Int) error {
	s := m.t.s
	owner, err := contracts.NewSender(ctx, s.Eth(), s.Devnet.Accounts()[0].Key)
	if err != nil {
		return err
	}
	tx, err := owner.Send(ctx, &s.Addrs.Oracle, nil, contracts.NewPriceOracle().PackSetPrice(answer))
	if err != nil {
		return fmt.Errorf("setPrice: %w", err)
	}
	if _, err := contracts.WaitMined(ctx, s.Eth(), tx); err != nil {
		return err
	}
	r0, err := m.reserve(ctx, m.pool.PackReserve0(), m.pool.UnpackReserve0) // dETH
	if err != nil {
		return err
	}
	r1, err := m.reserve(ctx, m.pool.PackReserve1(), m.pool.UnpackReserve1) // dUSD
	if err != nil {
		return err
	}
	tokenIn, in := poolSwapTo(r0, r1, answer)
	if in.Sign() == 0 {
		return nil
	}
	tx, err = m.maker.Send(ctx, &s.Addrs.Pool, nil, m.pool.PackSwapExactIn(map[bool]common.Address{true: s.Addrs.ETH, false: s.Addrs.USD}[tokenIn == 0],
		in, big.NewInt(0), m.maker.From, big.NewInt(1<<40)))
	if err != nil {
		return fmt.Errorf("market swap: %w", err)
	}
	_, err = contracts.WaitMined(ctx, s.Eth(), tx)
	return err
}

func (m *market) reserve(ctx context.Context, data []byte, unpack func([]byte) (*big.Int, error)) (*big.Int, error) {
	out, err := m.t.s.Eth().CallContract(ctx, ethereum.CallMsg{To: &m.t.s.Addrs.Pool, Data: data}, nil)
	if err != nil {
		return nil, err
	}
	return unpack(out)
}

// poolSwapTo finds the swap that brings a constant-product pool with
// reserves r0 (dETH) and r1 (dUSD) and a 0.3% input fee to the price
// answer/1e8 dUSD per dETH: tokenIn 0 sells dETH, 1 sells dUSD. It
// searches the input amount by bisection on the pool's own formula.
func poolSwapTo(r0, r1, answer *big.Int) (tokenIn int, in *big.Int) {
	e8 := big.NewInt(1e8)
	// price·1e8 after the swap, compared with answer: r1'·1e8 vs answer·r0'
	cmp := func(x0, x1 *big.Int) int {
		return new(big.Int).Mul(x1, e8).Cmp(new(big.Int).Mul(answer, x0))
	}
	out := func(amountIn, rIn, rOut *big.Int) *big.Int {
		num := new(big.Int).Mul(amountIn, big.NewInt(997))
		num.Mul(num, rOut)
		den := new(big.Int).Mul(rIn, big.NewInt(1000))
		den.Add(den, new(big.Int).Mul(amountIn, big.NewInt(997)))
		return num.Div(num, den)
	}
	after := func(tokenIn int, amt *big.Int) (x0, x1 *big.Int) {
		if tokenIn == 0 {
			return new(big.Int).Add(r0, amt), new(big.Int).Sub(r1, out(amt, r0, r1))
		}
		return new(big.Int).Sub(r0, out(amt, r1, r0)), new(big.Int).Add(r1, amt)
	}
	switch cmp(r0, r1) {
	case 0:
		return 0, new(big.Int)
	case 1: // the pool is above the price: sell dETH
		tokenIn = 0
	default:
		tokenIn = 1
	}
	lo, hi := new(big.Int), new(big.Int).Mul(map[int]*big.Int{0: r0, 1: r1}[tokenIn], big.NewInt(4))
	for i := 0; i < 256 && new(big.Int).Sub(hi, lo).Cmp(big.NewInt(1)) > 0; i++ {
		mid := new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1)
		x0, x1 := after(tokenIn, mid)
		c := cmp(x0, x1)
		if (tokenIn == 0 && c > 0) || (tokenIn == 1 && c < 0) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return tokenIn, hi
}
