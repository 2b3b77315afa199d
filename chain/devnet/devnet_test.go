package devnet

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"

	"github.com/leash-wallet/leash/chain/contracts"
)

// One devnet (with the standard contracts) for the whole package.
var shared *Devnet

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	d, err := Start(ctx, Config{Deploy: true})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "devnet:", err)
		os.Exit(1)
	}
	shared = d
	code := m.Run()
	if err := d.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "devnet close:", err)
		code = 1
	}
	os.Exit(code)
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t testing.TB, d *Devnet) *ethclient.Client {
	c, err := d.Dial(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// sendValue signs and sends a plain transfer from account `from`.
func sendValue(ctx context.Context, c *ethclient.Client, from Account, to common.Address, wei *big.Int, tip *big.Int) (*types.Transaction, error) {
	tx, err := signValue(ctx, c, from, to, wei, tip)
	if err != nil {
		return nil, err
	}
	return tx, c.SendTransaction(ctx, tx)
}

// signValue signs a plain transfer at the account's pending nonce.
func signValue(ctx context.Context, c *ethclient.Client, from Account, to common.Address, wei *big.Int, tip *big.Int) (*types.Transaction, error) {
	nonce, err := c.PendingNonceAt(ctx, from.Address)
	if err != nil {
		return nil, err
	}
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	tx := types.MustSignNewTx(from.Key, types.LatestSignerForChainID(big.NewInt(ChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(ChainID), Nonce: nonce, GasTipCap: tip,
		GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip),
		Gas:       params.TxGas, To: &to, Value: wei,
	})
	return tx, nil
}

func TestChainAndAccounts(t *testing.T) {
	ctx, c := testCtx(t), dial(t, shared)
	id, err := c.ChainID(ctx)
	if err != nil || id.Uint64() != ChainID {
		t.Fatalf("chain id %v, %v; want %d", id, err, ChainID)
	}
	if !strings.HasPrefix(shared.URL(), "http://127.0.0.1:") || !strings.HasPrefix(shared.WSURL(), "ws://127.0.0.1:") {
		t.Fatalf("endpoints %s %s", shared.URL(), shared.WSURL())
	}
	for i, a := range shared.Accounts() {
		bal, err := c.BalanceAt(ctx, a.Address, big.NewInt(0))
		if err != nil {
			t.Fatal(err)
		}
		if bal.Cmp(DefaultBalance) != 0 {
			t.Errorf("account %d genesis balance %s, want %s", i, bal, DefaultBalance)
		}
	}
	info := shared.Info()
	if len(info.Accounts) != NumAccounts || info.Contracts == nil || info.ChainID != ChainID {
		t.Fatalf("info %+v", info)
	}
}

func TestValueTransferMined(t *testing.T) {
	ctx, c := testCtx(t), dial(t, shared)
	from, to := shared.Accounts()[8], common.HexToAddress("0x000000000000000000000000000000000000bEEF")
	before, err := c.BalanceAt(ctx, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := sendValue(ctx, c, from, to, big.NewInt(12345), big.NewInt(params.GWei))
	if err != nil {
		t.Fatal(err)
	}
	// Nobody calls a "mine" method: the devnet mines because a tx arrived.
	rs, err := contracts.WaitMined(ctx, c, tx)
	if err != nil {
		t.Fatal(err)
	}
	after, err := c.BalanceAt(ctx, to, rs[0].BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	if diff := new(big.Int).Sub(after, before); diff.Int64() != 12345 {
		t.Fatalf("recipient gained %s wei, want 12345", diff)
	}
}

// A transaction without a tip is refused at the door instead of sitting
// in the pool, where an on-demand miner would spin on it; and an idle
// devnet makes no blocks.
func TestZeroTipRefusedNoEmptyBlocks(t *testing.T) {
	ctx, c := testCtx(t), dial(t, shared)
	before, err := c.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sendValue(ctx, c, shared.Accounts()[9], common.Address{1}, big.NewInt(1), big.NewInt(0))
	if err == nil || !strings.Contains(err.Error(), "gas tip cap 0, minimum needed 1") {
		t.Fatalf("zero-tip tx: err %v, want a refusal for the tip", err)
	}
	time.Sleep(100 * time.Millisecond)
	if after, err := c.BlockNumber(ctx); err != nil || after != before {
		t.Fatalf("idle devnet went from block %d to %d (%v)", before, after, err)
	}
}

func TestAdvanceTime(t *testing.T) {
	ctx, c := testCtx(t), dial(t, shared)
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := shared.AdvanceTime(time.Hour); err != nil {
		t.Fatal(err)
	}
	next, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if next.Number.Uint64() != head.Number.Uint64()+1 || next.Time != head.Time+3600 {
		t.Fatalf("after AdvanceTime(1h): block %v time %d, was %v %d", next.Number, next.Time, head.Number, head.Time)
	}
	if err := shared.AdvanceTime(time.Millisecond); err == nil {
		t.Fatal("AdvanceTime(1ms) accepted")
	}
}

// eth_call and eth_getBalance at an old block number see the old state.
func TestHistoricalState(t *testing.T) {
	ctx, c := testCtx(t), dial(t, shared)
	addrs, _ := shared.Contracts()
	oracle := contracts.NewPriceOracle()
	call := func(block *big.Int) contracts.LatestRoundDataOutput {
		t.Helper()
		out, err := c.CallContract(ctx, ethereum.CallMsg{To: &addrs.Oracle, Data: oracle.PackLatestRoundData()}, block)
		if err != nil {
			t.Fatal(err)
		}
		r, err := oracle.UnpackLatestRoundData(out)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	old, err := c.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := call(new(big.Int).SetUint64(old))
	owner := shared.Accounts()[0]
	s, err := contracts.NewSender(ctx, c, owner.Key)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Send(ctx, &addrs.Oracle, nil, oracle.PackSetPrice(big.NewInt(1234_00000000)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := contracts.WaitMined(ctx, c, tx); err != nil {
		t.Fatal(err)
	}
	latest := call(nil)
	if latest.RoundId.Cmp(new(big.Int).Add(before.RoundId, big.NewInt(1))) != 0 || latest.Answer.Int64() != 1234_00000000 {
		t.Fatalf("latest round %v answer %v after setPrice", latest.RoundId, latest.Answer)
	}
	if again := call(new(big.Int).SetUint64(old)); again.RoundId.Cmp(before.RoundId) != 0 || again.Answer.Cmp(before.Answer) != 0 {
		t.Fatalf("eth_call at block %d changed: %v/%v, was %v/%v", old, again.RoundId, again.Answer, before.RoundId, before.Answer)
	}
	// Block 1 is far more than a handful of blocks back by now: the state
	// there is still served (NoPruning, hash scheme).
	if _, err := c.BalanceAt(ctx, owner.Address, big.NewInt(1)); err != nil {
		t.Fatalf("state at block 1: %v", err)
	}
	if _, err := c.CodeAt(ctx, addrs.Oracle, big.NewInt(1)); err != nil {
		t.Fatalf("code at block 1: %v", err)
	}
}

func TestWebSocket(t *testing.T) {
	ctx := testCtx(t)
	c, err := ethclient.DialContext(ctx, shared.WSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	heads := make(chan *types.Header, 4)
	sub, err := c.SubscribeNewHead(ctx, heads)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	tx, err := sendValue(ctx, c, shared.Accounts()[7], common.Address{2}, big.NewInt(1), big.NewInt(1))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case h := <-heads:
		if h.Number.Sign() <= 0 {
			t.Fatalf("head %v", h.Number)
		}
	case err := <-sub.Err():
		t.Fatal(err)
	case <-ctx.Done():
		t.Fatal("no new head over WebSocket")
	}
	if _, err := contracts.WaitMined(ctx, c, tx); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := testCtx(t)
	for _, addr := range []string{"nonsense", "127.0.0.1:99999", ":8545"} {
		if d, err := Start(ctx, Config{Addr: addr}); err == nil {
			d.Close()
			t.Errorf("Start(%q) succeeded", addr)
		}
	}
	// A taken port is an error, not a hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if d, err := Start(ctx, Config{Addr: ln.Addr().String()}); err == nil {
		d.Close()
		t.Errorf("Start on a taken port succeeded")
	}
}

// Run stops cleanly on SIGTERM, frees its port, and a new devnet can take
// the same port.
func TestRunStopsOnSIGTERM(t *testing.T) {
	ctx, stop := signal.NotifyContext(testCtx(t), syscall.SIGTERM)
	defer stop()
	infoc := make(chan Info, 1)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{}, func(i Info) { infoc <- i }) }()
	var info Info
	select {
	case info = <-infoc:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop on SIGTERM")
	}
	addr := strings.TrimPrefix(info.RPC, "http://")
	d, err := Start(testCtx(t), Config{Addr: addr})
	if err != nil {
		t.Fatalf("port %s not freed: %v", addr, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
