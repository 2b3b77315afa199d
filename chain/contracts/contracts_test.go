package contracts_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
)

// One devnet with the standard deployment for the package.
var (
	dn    *devnet.Devnet
	addrs contracts.Addresses
)

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	d, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dn = d
	addrs, _ = d.Contracts()
	code := m.Run()
	d.Close()
	os.Exit(code)
}

type env struct {
	t   *testing.T
	ctx context.Context
	c   *ethclient.Client
}

func newEnv(t *testing.T) *env {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := dn.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &env{t, ctx, c}
}

// call runs an eth_call at the latest block.
func (e *env) call(to common.Address, data []byte) []byte {
	e.t.Helper()
	out, err := e.c.CallContract(e.ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		e.t.Fatalf("eth_call: %v", err)
	}
	return out
}

// callErr runs an eth_call that must revert and returns the revert data.
func (e *env) callErr(from, to common.Address, data []byte) []byte {
	e.t.Helper()
	_, err := e.c.CallContract(e.ctx, ethereum.CallMsg{From: from, To: &to, Data: data}, nil)
	var re *contracts.RevertError
	if !errors.As(contracts.CallError("eth_call", err), &re) {
		e.t.Fatalf("eth_call: %v, want a revert", err)
	}
	return re.Data
}

// send sends from account i and waits for the receipt.
func (e *env) send(i int, to common.Address, data []byte) *types.Receipt {
	e.t.Helper()
	s, err := contracts.NewSender(e.ctx, e.c, dn.Accounts()[i].Key)
	if err != nil {
		e.t.Fatal(err)
	}
	tx, err := s.Send(e.ctx, &to, nil, data)
	if err != nil {
		e.t.Fatal(err)
	}
	rs, err := contracts.WaitMined(e.ctx, e.c, tx)
	if err != nil {
		e.t.Fatal(err)
	}
	return rs[0]
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (e *env) balance(token, who common.Address) *big.Int {
	e.t.Helper()
	tok := contracts.NewTestToken()
	return must(tok.UnpackBalanceOf(e.call(token, tok.PackBalanceOf(who))))
}

func TestStandardDeployment(t *testing.T) {
	e := newEnv(t)
	tok := contracts.NewTestToken()
	for _, c := range []struct {
		addr         common.Address
		name, symbol string
	}{{addrs.USD, contracts.USDName, contracts.USDSymbol}, {addrs.ETH, contracts.ETHName, contracts.ETHSymbol}} {
		if got := must(tok.UnpackName(e.call(c.addr, tok.PackName()))); got != c.name {
			t.Errorf("name %q, want %q", got, c.name)
		}
		if got := must(tok.UnpackSymbol(e.call(c.addr, tok.PackSymbol()))); got != c.symbol {
			t.Errorf("symbol %q, want %q", got, c.symbol)
		}
		if got := must(tok.UnpackDecimals(e.call(c.addr, tok.PackDecimals()))); got != contracts.TokenDecimals {
			t.Errorf("decimals %d", got)
		}
	}
	// The holders that no test here spends from still hold what was minted.
	for _, a := range dn.Accounts()[5:] {
		if b := e.balance(addrs.USD, a.Address); b.Cmp(contracts.HolderUSD) != 0 {
			t.Errorf("%s holds %s dUSD, want %s", a.Address, b, contracts.HolderUSD)
		}
		if b := e.balance(addrs.ETH, a.Address); b.Cmp(contracts.HolderETH) != 0 {
			t.Errorf("%s holds %s dETH, want %s", a.Address, b, contracts.HolderETH)
		}
	}
	// Deterministic addresses (the table in docs/chain.md).
	want := contracts.Addresses{
		Registry: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
		USD:      common.HexToAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"),
		ETH:      common.HexToAddress("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"),
		Oracle:   common.HexToAddress("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"),
		Pool:     common.HexToAddress("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"),
		USDC:     common.HexToAddress("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"),
	}
	if addrs != want || contracts.StandardAddresses(dn.Accounts()[0].Address, 0) != want {
		t.Errorf("standard addresses %+v, want %+v", addrs, want)
	}
}

func TestERC20(t *testing.T) {
	e := newEnv(t)
	tok := contracts.NewTestToken()
	a, b := dn.Accounts()[1], dn.Accounts()[2]
	amt := big.NewInt(1_234_567)
	beforeA, beforeB := e.balance(addrs.USD, a.Address), e.balance(addrs.USD, b.Address)

	r := e.send(1, addrs.USD, tok.PackTransfer(b.Address, amt))
	if len(r.Logs) != 1 {
		t.Fatalf("%d logs", len(r.Logs))
	}
	ev, err := tok.UnpackTransferEvent(r.Logs[0])
	if err != nil || ev.From != a.Address || ev.To != b.Address || ev.Value.Cmp(amt) != 0 {
		t.Fatalf("Transfer event %+v, %v", ev, err)
	}
	if got := e.balance(addrs.USD, a.Address); new(big.Int).Sub(beforeA, got).Cmp(amt) != 0 {
		t.Errorf("sender balance %s, was %s", got, beforeA)
	}
	if got := e.balance(addrs.USD, b.Address); new(big.Int).Sub(got, beforeB).Cmp(amt) != 0 {
		t.Errorf("recipient balance %s, was %s", got, beforeB)
	}

	// approve + transferFrom, and the allowance is spent.
	e.send(1, addrs.USD, tok.PackApprove(b.Address, amt))
	if got := must(tok.UnpackAllowance(e.call(addrs.USD, tok.PackAllowance(a.Address, b.Address)))); got.Cmp(amt) != 0 {
		t.Fatalf("allowance %s", got)
	}
	e.send(2, addrs.USD, tok.PackTransferFrom(a.Address, b.Address, big.NewInt(1000)))
	if got := must(tok.UnpackAllowance(e.call(addrs.USD, tok.PackAllowance(a.Address, b.Address)))); got.Int64() != amt.Int64()-1000 {
		t.Fatalf("allowance after transferFrom %s", got)
	}

	// Refusals, with their custom errors.
	huge := new(big.Int).Lsh(big.NewInt(1), 200)
	data := e.callErr(a.Address, addrs.USD, tok.PackTransfer(b.Address, huge))
	if v, err := tok.UnpackError(data); err != nil {
		t.Fatalf("revert data %x: %v", data, err)
	} else if ib, ok := v.(*contracts.TestTokenInsufficientBalance); !ok || ib.Needed.Cmp(huge) != 0 {
		t.Fatalf("revert %#v", v)
	}
	data = e.callErr(b.Address, addrs.USD, tok.PackMint(b.Address, big.NewInt(1)))
	if v, _ := tok.UnpackError(data); v == nil {
		t.Fatalf("mint by a non-owner: revert data %x", data)
	} else if _, ok := v.(*contracts.TestTokenNotOwner); !ok {
		t.Fatalf("mint by a non-owner: %#v", v)
	}
	data = e.callErr(a.Address, addrs.USD, tok.PackTransfer(common.Address{}, big.NewInt(1)))
	if v, _ := tok.UnpackError(data); v == nil {
		t.Fatalf("transfer to zero: revert data %x", data)
	} else if _, ok := v.(*contracts.TestTokenZeroAddress); !ok {
		t.Fatalf("transfer to zero: %#v", v)
	}
}

func TestOracleRounds(t *testing.T) {
	e := newEnv(t)
	o := contracts.NewPriceOracle()
	if d := must(o.UnpackDecimals(e.call(addrs.Oracle, o.PackDecimals()))); d != contracts.OracleDecimals {
		t.Fatalf("decimals %d", d)
	}
	if s := must(o.UnpackDescription(e.call(addrs.Oracle, o.PackDescription()))); s != contracts.OracleDescription {
		t.Fatalf("description %q", s)
	}
	if v := must(o.UnpackVersion(e.call(addrs.Oracle, o.PackVersion()))); v.Int64() != 1 {
		t.Fatalf("version %s", v)
	}
	first := must(o.UnpackLatestRoundData(e.call(addrs.Oracle, o.PackLatestRoundData())))
	if first.Answer.Sign() <= 0 || first.UpdatedAt.Sign() == 0 || first.AnsweredInRound.Cmp(first.RoundId) != 0 {
		t.Fatalf("latest round %+v", first)
	}

	prices := []int64{3010_00000000, 2990_50000000, 3100_00000000}
	blocks := make([]*big.Int, len(prices))
	for i, p := range prices {
		r := e.send(0, addrs.Oracle, o.PackSetPrice(big.NewInt(p)))
		blocks[i] = r.BlockNumber
		var sawUpdate bool
		for _, l := range r.Logs {
			if ev, err := o.UnpackAnswerUpdatedEvent(l); err == nil {
				sawUpdate = ev.Current.Int64() == p && ev.RoundId.Cmp(new(big.Int).Add(first.RoundId, big.NewInt(int64(i+1)))) == 0
			}
		}
		if !sawUpdate {
			t.Fatalf("setPrice(%d): no matching AnswerUpdated in %d logs", p, len(r.Logs))
		}
	}
	latest := must(o.UnpackLatestRoundData(e.call(addrs.Oracle, o.PackLatestRoundData())))
	if latest.RoundId.Int64() != first.RoundId.Int64()+3 || latest.Answer.Int64() != prices[2] {
		t.Fatalf("latest %+v", latest)
	}
	for i, p := range prices {
		id := big.NewInt(first.RoundId.Int64() + int64(i) + 1)
		r := must(o.UnpackGetRoundData(e.call(addrs.Oracle, o.PackGetRoundData(id))))
		if r.RoundId.Cmp(id) != 0 || r.Answer.Int64() != p || r.StartedAt.Cmp(r.UpdatedAt) != 0 {
			t.Errorf("round %s: %+v", id, r)
		}
		// The same value read at the block that set it: what a signer
		// re-reads for an authenticated input.
		out, err := e.c.CallContract(e.ctx, ethereum.CallMsg{To: &addrs.Oracle, Data: o.PackLatestRoundData()}, blocks[i])
		if err != nil {
			t.Fatal(err)
		}
		if at := must(o.UnpackLatestRoundData(out)); at.Answer.Int64() != p || at.RoundId.Cmp(id) != 0 {
			t.Errorf("latestRoundData at block %s: %+v", blocks[i], at)
		}
	}
	la := must(o.UnpackLatestAnswers(e.call(addrs.Oracle, o.PackLatestAnswers(big.NewInt(3)))))
	if la.RoundId.Cmp(latest.RoundId) != 0 || len(la.Answers) != 3 {
		t.Fatalf("latestAnswers %+v", la)
	}
	for i, p := range prices {
		if la.Answers[i].Int64() != p {
			t.Errorf("latestAnswers[%d] = %s, want %d", i, la.Answers[i], p)
		}
	}

	// Rounds that do not exist, too many answers, a non-owner setting.
	for _, data := range [][]byte{
		o.PackGetRoundData(big.NewInt(0)),
		o.PackGetRoundData(new(big.Int).Add(latest.RoundId, big.NewInt(1))),
		o.PackLatestAnswers(new(big.Int).Add(latest.RoundId, big.NewInt(1))),
	} {
		rd := e.callErr(common.Address{}, addrs.Oracle, data)
		if v, _ := o.UnpackError(rd); v == nil {
			t.Errorf("revert data %x", rd)
		} else if _, ok := v.(*contracts.PriceOracleNoDataPresent); !ok {
			t.Errorf("revert %#v, want NoDataPresent", v)
		}
	}
	rd := e.callErr(dn.Accounts()[1].Address, addrs.Oracle, o.PackSetPrice(big.NewInt(1)))
	if v, _ := o.UnpackError(rd); v == nil {
		t.Errorf("setPrice by a non-owner: revert data %x", rd)
	} else if _, ok := v.(*contracts.PriceOracleNotOwner); !ok {
		t.Errorf("setPrice by a non-owner: %#v", v)
	}
}

// amountOut is the pool's formula, computed independently.
func amountOut(in, rIn, rOut *big.Int) *big.Int {
	inFee := new(big.Int).Mul(in, big.NewInt(997))
	num := new(big.Int).Mul(inFee, rOut)
	den := new(big.Int).Add(new(big.Int).Mul(rIn, big.NewInt(1000)), inFee)
	return num.Div(num, den)
}

func TestPoolSwap(t *testing.T) {
	e := newEnv(t)
	p, tok := contracts.NewSwapPool(), contracts.NewTestToken()
	trader := dn.Accounts()[3]
	r0 := must(p.UnpackReserve0(e.call(addrs.Pool, p.PackReserve0())))
	r1 := must(p.UnpackReserve1(e.call(addrs.Pool, p.PackReserve1())))
	if t0 := must(p.UnpackToken0(e.call(addrs.Pool, p.PackToken0()))); t0 != addrs.ETH {
		t.Fatalf("token0 %s, want dETH", t0)
	}
	if r0.Cmp(contracts.PoolETH) != 0 || r1.Cmp(contracts.PoolUSD) != 0 {
		t.Fatalf("reserves %s/%s", r0, r1)
	}

	in := new(big.Int).Mul(big.NewInt(3000), big.NewInt(1e18)) // 3,000 dUSD
	want := amountOut(in, r1, r0)
	if got := must(p.UnpackGetAmountOut(e.call(addrs.Pool, p.PackGetAmountOut(addrs.USD, in)))); got.Cmp(want) != 0 {
		t.Fatalf("getAmountOut %s, want %s", got, want)
	}
	ethBefore, usdBefore := e.balance(addrs.ETH, trader.Address), e.balance(addrs.USD, trader.Address)

	// Without an allowance the swap reverts (the pool pulls with transferFrom).
	far := big.NewInt(1 << 40) // a deadline block far ahead
	e.callErr(trader.Address, addrs.Pool, p.PackSwapExactIn(addrs.USD, in, big.NewInt(0), trader.Address, far))
	e.send(3, addrs.USD, tok.PackApprove(addrs.Pool, in))
	// A deadline already past reverts with Expired.
	rd := e.callErr(trader.Address, addrs.Pool, p.PackSwapExactIn(addrs.USD, in, big.NewInt(0), trader.Address, big.NewInt(1)))
	if v, _ := p.UnpackError(rd); v == nil {
		t.Fatalf("revert data %x", rd)
	} else if ex, ok := v.(*contracts.SwapPoolExpired); !ok || ex.DeadlineBlock.Int64() != 1 {
		t.Fatalf("revert %#v, want Expired", v)
	}
	// A minimum above the quote reverts with InsufficientOutput.
	rd = e.callErr(trader.Address, addrs.Pool, p.PackSwapExactIn(addrs.USD, in, new(big.Int).Add(want, big.NewInt(1)), trader.Address, far))
	if v, _ := p.UnpackError(rd); v == nil {
		t.Fatalf("revert data %x", rd)
	} else if io, ok := v.(*contracts.SwapPoolInsufficientOutput); !ok || io.AmountOut.Cmp(want) != 0 {
		t.Fatalf("revert %#v, want InsufficientOutput", v)
	}

	r := e.send(3, addrs.Pool, p.PackSwapExactIn(addrs.USD, in, want, trader.Address, far))
	var swapped bool
	for _, l := range r.Logs {
		if ev, err := p.UnpackSwapEvent(l); err == nil {
			swapped = ev.TokenIn == addrs.USD && ev.AmountIn.Cmp(in) == 0 && ev.AmountOut.Cmp(want) == 0 && ev.To == trader.Address
		}
	}
	if !swapped {
		t.Fatal("no matching Swap event")
	}
	if got := e.balance(addrs.ETH, trader.Address); new(big.Int).Sub(got, ethBefore).Cmp(want) != 0 {
		t.Errorf("dETH %s, was %s, want +%s", got, ethBefore, want)
	}
	if got := e.balance(addrs.USD, trader.Address); new(big.Int).Sub(usdBefore, got).Cmp(in) != 0 {
		t.Errorf("dUSD %s, was %s, want -%s", got, usdBefore, in)
	}
	n0 := must(p.UnpackReserve0(e.call(addrs.Pool, p.PackReserve0())))
	n1 := must(p.UnpackReserve1(e.call(addrs.Pool, p.PackReserve1())))
	if new(big.Int).Sub(r0, n0).Cmp(want) != 0 || new(big.Int).Sub(n1, r1).Cmp(in) != 0 {
		t.Errorf("reserves %s/%s after swap, were %s/%s", n0, n1, r0, r1)
	}
	// k never decreases (the fee stays in the pool).
	if new(big.Int).Mul(n0, n1).Cmp(new(big.Int).Mul(r0, r1)) < 0 {
		t.Error("k decreased")
	}
	// An unknown token is refused.
	rd = e.callErr(trader.Address, addrs.Pool, p.PackSwapExactIn(addrs.Registry, in, big.NewInt(0), trader.Address, far))
	if v, _ := p.UnpackError(rd); v == nil {
		t.Fatalf("revert data %x", rd)
	} else if _, ok := v.(*contracts.SwapPoolUnknownToken); !ok {
		t.Fatalf("revert %#v, want UnknownToken", v)
	}
}
