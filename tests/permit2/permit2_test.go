// Package permit2_test is the Permit2 interop harness: the canonical
// Permit2 contract, deployed on a Leash devnet from the published bytecode
// that @uniswap/v4-periphery@1.0.3 ships (its deploy helper
// lib/permit2/test/utils/DeployPermit2.sol, read from node_modules at test
// time; nothing of Permit2 is committed here), accepts a
// PermitTransferFrom signed by a test key over the digest wasm/eip712
// computes, and refuses a tampered one.
//
// It needs node_modules (make deps); without it the test skips, unless
// LEASH_X402_INTEROP=1 makes that a failure (make test sets it).
package permit2_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/wasm/eip712"
)

const pkg = "node_modules/@uniswap/v4-periphery"

// permit2Artifacts reads Permit2's published runtime bytecode and the
// ISignatureTransfer ABI from the npm package.
func permit2Artifacts(t *testing.T) (runtime []byte, sigABI abi.ABI) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, pkg, "lib/permit2/test/utils/DeployPermit2.sol"))
	if err != nil {
		if os.Getenv("LEASH_X402_INTEROP") == "1" {
			t.Fatalf("Permit2 harness needs %s (make deps): %v", pkg, err)
		}
		t.Skipf("%s missing (make deps); LEASH_X402_INTEROP=1 makes this a failure", pkg)
	}
	m := regexp.MustCompile(`hex"([0-9a-fA-F]+)"`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no bytecode in DeployPermit2.sol")
	}
	runtime = common.FromHex(string(m[1]))
	if !strings.Contains(string(src), "0x000000000022D473030F116dDEE9F6B43aC78BA3") {
		t.Fatal("DeployPermit2.sol does not name the canonical Permit2 address")
	}
	abiFile, err := os.ReadFile(filepath.Join(root, pkg, "foundry-out/ISignatureTransfer.sol/ISignatureTransfer.json"))
	if err != nil {
		t.Fatal(err)
	}
	var art struct {
		ABI json.RawMessage `json:"abi"`
	}
	if err := json.Unmarshal(abiFile, &art); err != nil {
		t.Fatal(err)
	}
	if sigABI, err = abi.JSON(strings.NewReader(string(art.ABI))); err != nil {
		t.Fatal(err)
	}
	return runtime, sigABI
}

// creationCode wraps runtime code in an init code that returns it:
// PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN.
func creationCode(runtime []byte) []byte {
	n := len(runtime)
	init := []byte{0x61, byte(n >> 8), byte(n), 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3}
	return append(init, runtime...)
}

type permit struct {
	token    common.Address
	amount   *big.Int
	spender  common.Address
	nonce    *big.Int
	deadline *big.Int
}

// typedData is the eth_signTypedData_v4 document a wallet is shown for a
// Permit2 PermitTransferFrom (Permit2's domain has no version).
func (p permit) typedData(chainID uint64, permit2 common.Address) []byte {
	b, _ := json.Marshal(map[string]any{
		"types": map[string]any{
			"EIP712Domain": []map[string]string{{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}},
			"PermitTransferFrom": []map[string]string{{"name": "permitted", "type": "TokenPermissions"}, {"name": "spender", "type": "address"},
				{"name": "nonce", "type": "uint256"}, {"name": "deadline", "type": "uint256"}},
			"TokenPermissions": []map[string]string{{"name": "token", "type": "address"}, {"name": "amount", "type": "uint256"}},
		},
		"primaryType": "PermitTransferFrom",
		"domain":      map[string]any{"name": "Permit2", "chainId": chainID, "verifyingContract": permit2.Hex()},
		"message": map[string]any{
			"permitted": map[string]any{"token": p.token.Hex(), "amount": p.amount.String()},
			"spender":   p.spender.Hex(), "nonce": p.nonce.String(), "deadline": p.deadline.String(),
		},
	})
	return b
}

type env struct {
	t       *testing.T
	ctx     context.Context
	eth     *ethclient.Client
	dn      *devnet.Devnet
	permit2 common.Address
	sigABI  abi.ABI
	token   common.Address
}

func (e *env) send(i int, to common.Address, data []byte) error {
	s, err := contracts.NewSender(e.ctx, e.eth, e.dn.Accounts()[i].Key)
	if err != nil {
		return err
	}
	tx, err := s.Send(e.ctx, &to, nil, data)
	if err != nil {
		return err
	}
	_, err = contracts.WaitMined(e.ctx, e.eth, tx)
	return err
}

func (e *env) balance(a common.Address) *big.Int {
	tok := contracts.NewTestToken()
	out, err := e.eth.CallContract(e.ctx, ethereum.CallMsg{To: &e.token, Data: tok.PackBalanceOf(a)}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := tok.UnpackBalanceOf(out)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// transferCall is permitTransferFrom(permit, (to, requested), owner, signature).
func (e *env) transferCall(p permit, to common.Address, requested *big.Int, owner common.Address, sig []byte) []byte {
	type tokenPermissions struct {
		Token  common.Address
		Amount *big.Int
	}
	type permitTransferFrom struct {
		Permitted tokenPermissions
		Nonce     *big.Int
		Deadline  *big.Int
	}
	type details struct {
		To              common.Address
		RequestedAmount *big.Int
	}
	data, err := e.sigABI.Methods["permitTransferFrom"].Inputs.Pack(
		permitTransferFrom{tokenPermissions{p.token, p.amount}, p.nonce, p.deadline},
		details{to, requested}, owner, sig)
	if err != nil {
		e.t.Fatal(err)
	}
	return append(e.sigABI.Methods["permitTransferFrom"].ID, data...)
}

// revertError names the custom error of a reverted permitTransferFrom.
func revertError(err error) string {
	var re *contracts.RevertError
	if !errors.As(err, &re) {
		return fmt.Sprintf("not a revert: %v", err)
	}
	if len(re.Data) < 4 {
		return fmt.Sprintf("revert without an error selector: %v", err)
	}
	for _, sig := range []string{"InvalidSigner()", "InvalidNonce()", "SignatureExpired(uint256)", "InvalidAmount(uint256)", "InvalidSignature()", "InvalidSignatureLength()"} {
		if string(crypto.Keccak256([]byte(sig))[:4]) == string(re.Data[:4]) {
			return sig
		}
	}
	return fmt.Sprintf("0x%x", re.Data)
}

func TestPermit2AcceptsLeashDigest(t *testing.T) {
	runtime, sigABI := permit2Artifacts(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dn, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dn.Close()
	eth, err := dn.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	addrs, _ := dn.Contracts()
	e := &env{t: t, ctx: ctx, eth: eth, dn: dn, sigABI: sigABI, token: addrs.USD}
	accts := dn.Accounts()
	owner, spender, payee := accts[7], accts[8], accts[6].Address

	// Deploy Permit2 from account 3 (its published runtime code, wrapped).
	s, err := contracts.NewSender(ctx, eth, accts[3].Key)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Send(ctx, nil, nil, creationCode(runtime))
	if err != nil {
		t.Fatal(err)
	}
	rcpts, err := contracts.WaitMined(ctx, eth, tx)
	if err != nil {
		t.Fatal(err)
	}
	e.permit2 = rcpts[0].ContractAddress
	if code, _ := eth.CodeAt(ctx, e.permit2, nil); string(code) != string(runtime) {
		t.Fatal("deployed code is not Permit2's published runtime code")
	}

	// Its domain separator is the one wasm/eip712 computes for (Permit2, 1337, address).
	p := permit{token: addrs.USD, amount: big.NewInt(1_000_000), spender: spender.Address,
		nonce: big.NewInt(7), deadline: big.NewInt(time.Now().Add(time.Hour).Unix())}
	td, err := eip712.Decode(p.typedData(devnet.ChainID, e.permit2), eip712.V4)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := eth.CallContract(ctx, ethereum.CallMsg{To: &e.permit2, Data: sigABI.Methods["DOMAIN_SEPARATOR"].ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if common.BytesToHash(ds) != common.BytesToHash(td.DomainSeparator()) {
		t.Fatalf("Permit2 DOMAIN_SEPARATOR %x, wasm/eip712 %x", ds, td.DomainSeparator())
	}

	// The owner approves Permit2 once (as every Permit2 user does).
	if err := e.send(7, addrs.USD, contracts.NewTestToken().PackApprove(e.permit2, new(big.Int).Lsh(big.NewInt(1), 255))); err != nil {
		t.Fatal(err)
	}

	signFor := func(p permit) []byte {
		td, err := eip712.Decode(p.typedData(devnet.ChainID, e.permit2), eip712.V4)
		if err != nil {
			t.Fatal(err)
		}
		h := td.Hash()
		sig, err := crypto.Sign(h[:], owner.Key)
		if err != nil {
			t.Fatal(err)
		}
		sig[64] += 27
		return sig
	}
	sig := signFor(p)

	// Tampered permits, each refused by Permit2 with its own error; nothing moves.
	bal0 := e.balance(owner.Address)
	raised := p
	raised.amount = big.NewInt(1_000_001)
	otherNonce := p
	otherNonce.nonce = big.NewInt(8)
	expired := p
	expired.deadline = big.NewInt(time.Now().Add(-time.Hour).Unix())
	refusals := []struct {
		name   string
		sender int
		call   []byte
		want   string
	}{
		{"amount raised after signing", 8, e.transferCall(raised, payee, raised.amount, owner.Address, sig), "InvalidSigner()"},
		{"nonce changed after signing", 8, e.transferCall(otherNonce, payee, p.amount, owner.Address, sig), "InvalidSigner()"},
		{"submitted by another spender", 6, e.transferCall(p, payee, p.amount, owner.Address, sig), "InvalidSigner()"},
		{"claimed for another owner", 8, e.transferCall(p, payee, p.amount, accts[2].Address, sig), "InvalidSigner()"},
		{"one bit of s flipped", 8, e.transferCall(p, payee, p.amount, owner.Address, flip(sig)), "InvalidSigner()"},
		{"more than permitted requested", 8, e.transferCall(p, payee, big.NewInt(1_000_001), owner.Address, sig), "InvalidAmount(uint256)"},
		{"expired (signed as such)", 8, e.transferCall(expired, payee, p.amount, owner.Address, signFor(expired)), "SignatureExpired(uint256)"},
	}
	for _, r := range refusals {
		if got := revertError(e.send(r.sender, e.permit2, r.call)); got != r.want {
			t.Errorf("%s: %s, want %s", r.name, got, r.want)
		}
	}
	if b := e.balance(owner.Address); b.Cmp(bal0) != 0 {
		t.Fatalf("balance moved during refusals: %s -> %s", bal0, b)
	}

	// The genuine permit moves the tokens; the same permit again is refused.
	to0 := e.balance(payee)
	if err := e.send(8, e.permit2, e.transferCall(p, payee, p.amount, owner.Address, sig)); err != nil {
		t.Fatalf("permitTransferFrom with the Leash-hashed signature: %v", err)
	}
	if d := new(big.Int).Sub(bal0, e.balance(owner.Address)); d.Cmp(p.amount) != 0 {
		t.Fatalf("owner paid %s, want %s", d, p.amount)
	}
	if d := new(big.Int).Sub(e.balance(payee), to0); d.Cmp(p.amount) != 0 {
		t.Fatalf("payee got %s, want %s", d, p.amount)
	}
	if got := revertError(e.send(8, e.permit2, e.transferCall(p, payee, p.amount, owner.Address, sig))); got != "InvalidNonce()" {
		t.Fatalf("replayed permit: %s, want InvalidNonce()", got)
	}
}

func flip(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	out[40] ^= 1 // in s: it still recovers, to another address
	return out
}
