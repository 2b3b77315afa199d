package ethchain_test

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
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// One devnet with the standard contracts for the whole package.
var (
	dev    *devnet.Devnet
	addrs  contracts.Addresses
	client *ethclient.Client
	reader *ethchain.Reader
	owner  *contracts.Sender // account 0: deployer and oracle owner
)

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	var err error
	dev, err = devnet.Start(ctx, devnet.Config{Deploy: true})
	if err == nil {
		addrs, _ = dev.Contracts()
		client, err = dev.Dial(ctx)
	}
	if err == nil {
		reader = ethchain.New(client)
		owner, err = contracts.NewSender(ctx, client, dev.Accounts()[0].Key)
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "devnet:", err)
		os.Exit(1)
	}
	code := m.Run()
	client.Close()
	dev.Close()
	os.Exit(code)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// send sends calldata from s to `to` and waits for it to be mined.
func send(t *testing.T, s *contracts.Sender, to common.Address, data []byte) *types.Receipt {
	t.Helper()
	tx, err := s.Send(ctx(t), &to, nil, data)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := contracts.WaitMined(ctx(t), client, tx)
	if err != nil {
		t.Fatal(err)
	}
	return rs[0]
}

// setPrices writes one oracle round per price and returns the last block.
func setPrices(t *testing.T, prices []*big.Int) uint64 {
	t.Helper()
	var r *types.Receipt
	for _, p := range prices {
		r = send(t, owner, addrs.Oracle, contracts.NewPriceOracle().PackSetPrice(p))
	}
	return r.BlockNumber.Uint64()
}

// TestExamplesMatchDevnet: the example programs and policy name the
// contracts of the standard devnet deployment, and pay the demo wallet
// (account 0, the policy's account: a v2 swap's recipient is "self").
func TestExamplesMatchDevnet(t *testing.T) {
	for _, name := range []string{"threshold", "mlp"} {
		p := programtest.Program(t, name)
		if common.Address(p.Oracle) != addrs.Oracle || common.Address(p.Pool) != addrs.Pool ||
			common.Address(p.Base) != addrs.ETH || common.Address(p.Quote) != addrs.USD ||
			common.Address(p.Recipient) != dev.Accounts()[0].Address {
			t.Errorf("%s does not match the devnet deployment %+v", name, addrs)
		}
	}
}

func TestReadInputs(t *testing.T) {
	prices := programtest.Prices(program.MLPInputs, 0)
	b := setPrices(t, prices)
	got, err := program.ReadInputs(ctx(t), reader, wire.Address(addrs.Oracle), b, program.MLPInputs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].Cmp(prices[i]) != 0 {
			t.Fatalf("input %d: %s, set %s", i, got[i], prices[i])
		}
	}
	// The same block read later gives the same answers (eth_call at B).
	setPrices(t, []*big.Int{big.NewInt(1)})
	again, err := program.ReadInputs(ctx(t), reader, wire.Address(addrs.Oracle), b, program.MLPInputs)
	if err != nil || again[program.MLPInputs-1].Cmp(prices[program.MLPInputs-1]) != 0 {
		t.Fatalf("re-read at %d: %v %v", b, again, err)
	}
	// Before the oracle existed: no round.
	if _, err := program.ReadInputs(ctx(t), reader, wire.Address(addrs.Oracle), 1, 1); !errors.Is(err, wire.ErrInputMismatch) {
		t.Errorf("before deployment: %v", err)
	}
	// A round id that does not exist reverts: no round.
	if _, err := reader.GetRoundData(ctx(t), wire.Address(addrs.Oracle), big.NewInt(1_000_000), b); !errors.Is(err, program.ErrNoRound) {
		t.Errorf("missing round: %v", err)
	}
}

func ethereumCall(to common.Address, data []byte) ethereum.CallMsg {
	return ethereum.CallMsg{To: &to, Data: data}
}

// TestProgramProposalOnDevnet: a host reads the oracle on the dev node,
// proves the MLP's trade, and the signer re-reads the inputs at B from the
// same node before accepting; fake prices, stale and future blocks and an
// unreachable node are refused.
func TestProgramProposalOnDevnet(t *testing.T) {
	pol := programtest.Policy(t)
	prog := programtest.Program(t, "mlp")
	keys := programtest.Keys(t, program.MLP)
	pr, err := programprover.New(pol, prog, keys.PK)
	if err != nil {
		t.Fatal(err)
	}
	wallet := dev.Accounts()[1]
	setPrices(t, programtest.TradePrices("mlp"))
	block, inputs, err := program.ReadLatest(ctx(t), reader, prog.Oracle, program.MLPInputs)
	if err != nil {
		t.Fatal(err)
	}
	nonce, err := client.PendingNonceAt(ctx(t), wallet.Address)
	if err != nil {
		t.Fatal(err)
	}
	st := &wire.State{Nonce: wire.Uint64(nonce), Time: programtest.Now}
	head, _ := client.HeaderByNumber(ctx(t), nil)
	fees := program.Fees{Nonce: nonce, Gas: 300_000, MaxFeePerGas: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), big.NewInt(1e9)),
		MaxPriorityFeePerGas: big.NewInt(1e9)}
	res, err := pr.Prove(programprover.Request{Block: block, Inputs: inputs, Fees: fees, State: &wire.State{Time: programtest.Now}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision.Action != program.Sell {
		t.Fatalf("want a sell, got %+v", res.Decision)
	}
	pin := prog.Pin()
	verifyWith := func(p *wire.Proposal, c program.Chain) error {
		return programverify.Verify(ctx(t), p, pol, &pin, keys.VK, st, c, programverify.Options{})
	}
	if err := verifyWith(res.Proposal, reader); err != nil {
		t.Fatalf("the honest proposal: %v", err)
	}

	// A proposal that claims a fake price.
	fake := *res.Proposal
	claim := *fake.Program
	claim.Inputs = append([]wire.Quantity(nil), claim.Inputs...)
	claim.Inputs[7] = wire.NewQuantity(big.NewInt(3500_00000000))
	fake.Program = &claim
	if err := verifyWith(&fake, reader); !errors.Is(err, wire.ErrInputMismatch) {
		t.Errorf("fake price claimed: %v", err)
	}
	// A proof made from a fake price.
	forged := append([]*big.Int(nil), inputs...)
	forged[7] = big.NewInt(3500_00000000)
	if fres, err := pr.Prove(programprover.Request{Block: block, Inputs: forged, Fees: fees, State: &wire.State{Time: programtest.Now}}); err != nil {
		t.Fatal(err)
	} else if err := verifyWith(fres.Proposal, reader); !errors.Is(err, wire.ErrInputMismatch) {
		t.Errorf("proof from a fake price: %v", err)
	}
	// A block ahead of the head.
	ahead := *res.Proposal
	aheadClaim := *ahead.Program
	aheadClaim.Block += 1000
	ahead.Program = &aheadClaim
	if err := verifyWith(&ahead, reader); !errors.Is(err, wire.ErrStaleInput) {
		t.Errorf("future block: %v", err)
	}
	// The oracle unreachable: refuse, sign nothing.
	dead, err := ethchain.Dial(ctx(t), "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyWith(res.Proposal, dead); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Errorf("unreachable node: %v", err)
	}

	// The trade really executes: approve, then send exactly the proven
	// transaction, signed with the wallet's key. The pool was seeded at
	// 3,000, so the oracle history ends at 3,000 (after 2,900s: a sell) for
	// the slippage bound to hold against the pool's own price.
	history := make([]*big.Int, program.MLPInputs)
	for i := range history {
		history[i] = big.NewInt(2900_00000000)
	}
	history[program.MLPInputs-1] = big.NewInt(3000_00000000)
	setPrices(t, history)
	ws, err := contracts.NewSender(ctx(t), client, wallet.Key)
	if err != nil {
		t.Fatal(err)
	}
	// The proceeds go to the program's recipient (the policy's account).
	out := contracts.NewTestToken()
	usdOf := func() *big.Int {
		raw, err := client.CallContract(ctx(t), ethereumCall(addrs.USD, out.PackBalanceOf(common.Address(prog.Recipient))), nil)
		if err != nil {
			t.Fatal(err)
		}
		bal, err := out.UnpackBalanceOf(raw)
		if err != nil {
			t.Fatal(err)
		}
		return bal
	}
	before := usdOf()
	tok := contracts.NewTestToken()
	send(t, ws, addrs.ETH, tok.PackApprove(addrs.Pool, &prog.MLP.SellMax.Int))
	st.Nonce = wire.Uint64(ws.Nonce())
	fees.Nonce = ws.Nonce()
	block, inputs, err = program.ReadLatest(ctx(t), reader, prog.Oracle, program.MLPInputs)
	if err != nil {
		t.Fatal(err)
	}
	res, err = pr.Prove(programprover.Request{Block: block, Inputs: inputs, Fees: fees, State: &wire.State{Time: programtest.Now}})
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyWith(res.Proposal, reader); err != nil {
		t.Fatal(err)
	}
	ptx := res.Proposal.Tx
	to := common.Address(ptx.To)
	signed, err := types.SignNewTx(wallet.Key, types.LatestSignerForChainID(big.NewInt(int64(ptx.ChainID))), &types.DynamicFeeTx{
		ChainID: big.NewInt(int64(ptx.ChainID)), Nonce: uint64(ptx.Nonce), GasTipCap: ptx.MaxPriorityFeePerGas.Big(),
		GasFeeCap: ptx.MaxFeePerGas.Big(), Gas: uint64(ptx.Gas), To: &to, Value: ptx.Value.Big(), Data: ptx.Data})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.SendTransaction(ctx(t), signed); err != nil {
		t.Fatal(err)
	}
	if _, err := contracts.WaitMined(ctx(t), client, signed); err != nil {
		t.Fatalf("the proven swap did not execute: %v", err)
	}
	if res.Decision.Action != program.Sell {
		t.Fatalf("want a sell, got %v", res.Decision.Action)
	}
	if gained := new(big.Int).Sub(usdOf(), before); gained.Cmp(res.Decision.MinOut) < 0 {
		t.Errorf("the recipient gained %s dUSD, the program required at least %s", gained, res.Decision.MinOut)
	}

	// B falls behind: stale_input once the head is more than 8 blocks on.
	for i := 0; i < programverify.DefaultMaxBlockAge+1; i++ {
		setPrices(t, []*big.Int{big.NewInt(3000_00000000)})
	}
	st.Nonce = wire.Uint64(fees.Nonce)
	if err := verifyWith(res.Proposal, reader); !errors.Is(err, wire.ErrStaleInput) {
		t.Errorf("old block: %v", err)
	}
}

// TestSignerReadsOnDevnet: the reads the signer relies on, against a real
// node: block timestamps as the header has them, an oracle round's
// updatedAt no later than its block, the pending nonce, and the registry's
// views as the registry client reads them; through two endpoints (the same
// node twice) they agree.
func TestSignerReadsOnDevnet(t *testing.T) {
	c := ctx(t)
	last := setPrices(t, []*big.Int{big.NewInt(3100_00000000)})
	hdr, err := client.HeaderByNumber(c, new(big.Int).SetUint64(last))
	if err != nil {
		t.Fatal(err)
	}
	both := rpcchain.New(ethchain.Transport(client.Client()), ethchain.Transport(client.Client()))
	for _, r := range []*rpcchain.Chain{reader.Chain, both} {
		bt, err := r.BlockTime(c, last)
		if err != nil || bt != hdr.Time {
			t.Fatalf("block %d time %d, %v; the header says %d", last, bt, err, hdr.Time)
		}
		round, err := r.LatestRoundData(c, wire.Address(addrs.Oracle), last)
		if err != nil || round.UpdatedAt != hdr.Time {
			t.Fatalf("round %+v, %v: updatedAt should be block %d's time %d", round, err, last, hdr.Time)
		}
		acct := dev.Accounts()[0].Address
		n, err := r.PendingNonce(c, wire.Address(acct))
		want, _ := client.PendingNonceAt(c, acct)
		if err != nil || n != want {
			t.Fatalf("nonce %d, %v; ethclient says %d", n, err, want)
		}
		e, err := r.PolicyEntry(c, wire.Address(addrs.Registry), wire.Address(dev.Accounts()[9].Address))
		if err != nil || e != (rpcchain.PolicyEntry{}) {
			t.Fatalf("policy entry of a fresh account: %+v, %v", e, err)
		}
		if _, err := r.PolicyEntry(c, wire.Address(addrs.USD), wire.Address(acct)); !errors.Is(err, rpcchain.ErrBadAnswer) {
			t.Fatalf("a token as the registry: %v", err)
		}
		if _, err := r.ProgramEntry(c, wire.Address{0xde, 0xad}, wire.Address(acct), wire.Hash32{1}); !errors.Is(err, rpcchain.ErrNoContract) {
			t.Fatalf("no contract as the registry: %v", err)
		}
	}
	if _, err := reader.BlockTime(c, last+1000); err == nil {
		t.Fatal("a block beyond the head has a time")
	}
}
