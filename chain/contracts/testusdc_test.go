package contracts_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/wasm/eip712"
)

// The tests of TestUSDC sign their typed data the way a wallet does: an
// eth_signTypedData_v4 document hashed by wasm/eip712 (the signer core's
// hashing, checked against MetaMask's) and signed by a test key. Accounts
// 6–9 are used here, so the balances other tests check stay untouched.

var usdc = contracts.NewTestUSDC()

// typedDoc builds an eth_signTypedData_v4 document under dUSDC's domain.
func typedDoc(primary string, fields [][2]string, message map[string]any) []byte {
	type field struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	var fs []field
	for _, f := range fields {
		fs = append(fs, field{f[1], f[0]})
	}
	types := map[string]any{
		"EIP712Domain": []field{{"name", "string"}, {"version", "string"}, {"chainId", "uint256"}, {"verifyingContract", "address"}},
	}
	if primary != "EIP712Domain" {
		types[primary] = fs
	}
	doc := map[string]any{
		"types":       types,
		"primaryType": primary,
		"domain": map[string]any{
			"name": contracts.USDCName, "version": contracts.USDCVersion,
			"chainId": devnet.ChainID, "verifyingContract": addrs.USDC.Hex(),
		},
		"message": message,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

var authFields = [][2]string{
	{"address", "from"}, {"address", "to"}, {"uint256", "value"},
	{"uint256", "validAfter"}, {"uint256", "validBefore"}, {"bytes32", "nonce"},
}

// auth is one EIP-3009 authorization and its signature (r ‖ s ‖ v, v 27/28).
type auth struct {
	from, to             common.Address
	value, after, before *big.Int
	nonce                [32]byte
	sig                  []byte
	primary              string
	signerKey            *ecdsa.PrivateKey
}

func sign(t *testing.T, key *ecdsa.PrivateKey, doc []byte) []byte {
	t.Helper()
	td, err := eip712.Decode(doc, eip712.V4)
	if err != nil {
		t.Fatal(err)
	}
	h := td.Hash()
	sig, err := crypto.Sign(h[:], key)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] += 27
	return sig
}

// newAuth signs primary (TransferWithAuthorization or
// ReceiveWithAuthorization) from account `from` to `to`, valid for the
// next hour, with a random nonce.
func newAuth(t *testing.T, primary string, from, to int, value int64) *auth {
	t.Helper()
	a := &auth{
		from: dn.Accounts()[from].Address, to: dn.Accounts()[to].Address,
		value: big.NewInt(value), after: big.NewInt(0),
		before: big.NewInt(time.Now().Add(time.Hour).Unix()), primary: primary,
		signerKey: dn.Accounts()[from].Key,
	}
	if _, err := rand.Read(a.nonce[:]); err != nil {
		t.Fatal(err)
	}
	a.resign(t)
	return a
}

func (a *auth) doc() []byte {
	return typedDoc(a.primary, authFields, map[string]any{
		"from": a.from.Hex(), "to": a.to.Hex(), "value": a.value.String(),
		"validAfter": a.after.String(), "validBefore": a.before.String(),
		"nonce": "0x" + common.Bytes2Hex(a.nonce[:]),
	})
}

func (a *auth) resign(t *testing.T) { a.sig = sign(t, a.signerKey, a.doc()) }

func vrs(sig []byte) (uint8, [32]byte, [32]byte) {
	var r, s [32]byte
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	return sig[64], r, s
}

// transferCall is transferWithAuthorization's calldata, v/r/s form or,
// with asBytes, the bytes-signature form.
func (a *auth) transferCall(asBytes bool) []byte {
	if asBytes {
		return usdc.PackTransferWithAuthorization(a.from, a.to, a.value, a.after, a.before, a.nonce, a.sig)
	}
	v, r, s := vrs(a.sig)
	return usdc.PackTransferWithAuthorization0(a.from, a.to, a.value, a.after, a.before, a.nonce, v, r, s)
}

// revertReason runs data from account i as an eth_call that must revert
// and returns the Error(string) message.
func (e *env) revertReason(i int, data []byte) string {
	e.t.Helper()
	rd := e.callErr(dn.Accounts()[i].Address, addrs.USDC, data)
	msg, err := abi.UnpackRevert(rd)
	if err != nil {
		e.t.Fatalf("revert data 0x%x is not Error(string): %v", rd, err)
	}
	return msg
}

func (e *env) usdcBalance(i int) *big.Int {
	e.t.Helper()
	return must(usdc.UnpackBalanceOf(e.call(addrs.USDC, usdc.PackBalanceOf(dn.Accounts()[i].Address))))
}

func (e *env) used(a common.Address, nonce [32]byte) bool {
	e.t.Helper()
	return must(usdc.UnpackAuthorizationState(e.call(addrs.USDC, usdc.PackAuthorizationState(a, nonce))))
}

func TestUSDCDeployment(t *testing.T) {
	e := newEnv(t)
	if got := must(usdc.UnpackName(e.call(addrs.USDC, usdc.PackName()))); got != contracts.USDCName {
		t.Errorf("name %q", got)
	}
	if got := must(usdc.UnpackVersion(e.call(addrs.USDC, usdc.PackVersion()))); got != contracts.USDCVersion {
		t.Errorf("version %q", got)
	}
	if got := must(usdc.UnpackDecimals(e.call(addrs.USDC, usdc.PackDecimals()))); got != contracts.USDCDecimals {
		t.Errorf("decimals %d", got)
	}
	for i := range dn.Accounts()[:6] {
		if b := e.usdcBalance(i); b.Cmp(contracts.HolderUSDC) != 0 {
			t.Errorf("account %d holds %s dUSDC, want %s", i, b, contracts.HolderUSDC)
		}
	}
	// The domain separator is the EIP-712 one of (name, "2", 1337, address),
	// as wasm/eip712 computes it.
	td, err := eip712.Decode(typedDoc("EIP712Domain", nil, map[string]any{}), eip712.V4)
	if err != nil {
		t.Fatal(err)
	}
	onChain := must(usdc.UnpackDOMAINSEPARATOR(e.call(addrs.USDC, usdc.PackDOMAINSEPARATOR())))
	if common.Hash(onChain) != common.BytesToHash(td.DomainSeparator()) {
		t.Fatalf("DOMAIN_SEPARATOR %x, EIP-712 says %x", onChain, td.DomainSeparator())
	}
	typeHash := must(usdc.UnpackTRANSFERWITHAUTHORIZATIONTYPEHASH(e.call(addrs.USDC, usdc.PackTRANSFERWITHAUTHORIZATIONTYPEHASH())))
	td, err = eip712.Decode(newAuth(t, "TransferWithAuthorization", 6, 7, 1).doc(), eip712.V4)
	if err != nil {
		t.Fatal(err)
	}
	if common.Hash(typeHash) != crypto.Keccak256Hash([]byte(td.EncodeType("TransferWithAuthorization"))) {
		t.Fatal("TRANSFER_WITH_AUTHORIZATION_TYPEHASH differs from the EIP-712 type hash")
	}
	// Only the owner mints.
	rd := e.callErr(dn.Accounts()[6].Address, addrs.USDC, usdc.PackMint(dn.Accounts()[6].Address, big.NewInt(1)))
	if _, err := usdc.UnpackError(rd); err != nil {
		t.Fatalf("mint by a stranger: revert 0x%x", rd)
	}
}

// A valid authorization settles, submitted by a third party (the
// facilitator's role), in both signature forms; the nonce is then used.
func TestTransferWithAuthorizationSettles(t *testing.T) {
	for _, asBytes := range []bool{false, true} {
		t.Run(fmt.Sprintf("bytes=%v", asBytes), func(t *testing.T) {
			e := newEnv(t)
			a := newAuth(t, "TransferWithAuthorization", 6, 7, 12_345)
			from0, to0 := e.usdcBalance(6), e.usdcBalance(7)
			rcpt := e.send(8, addrs.USDC, a.transferCall(asBytes)) // account 8 relays and pays the gas
			if d := new(big.Int).Sub(from0, e.usdcBalance(6)); d.Cmp(a.value) != 0 {
				t.Errorf("payer moved %s, want %s", d, a.value)
			}
			if d := new(big.Int).Sub(e.usdcBalance(7), to0); d.Cmp(a.value) != 0 {
				t.Errorf("payee received %s, want %s", d, a.value)
			}
			if !e.used(a.from, a.nonce) {
				t.Error("authorizationState is false after use")
			}
			var sawUsed bool
			for _, l := range rcpt.Logs {
				if ev, err := usdc.UnpackAuthorizationUsedEvent(l); err == nil && ev.Authorizer == a.from && ev.Nonce == a.nonce {
					sawUsed = true
				}
			}
			if !sawUsed {
				t.Error("no AuthorizationUsed event")
			}
			// The same authorization again: refused, in either form.
			for _, form := range []bool{false, true} {
				if got := e.revertReason(8, a.transferCall(form)); got != "FiatTokenV2: authorization is used or canceled" {
					t.Errorf("replay (bytes=%v): %q", form, got)
				}
			}
		})
	}
}

// Each way an authorization can be wrong, refused by the contract.
func TestTransferWithAuthorizationRefused(t *testing.T) {
	e := newEnv(t)
	head, err := e.c.HeaderByNumber(e.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := int64(head.Time)
	otherKey, _ := crypto.GenerateKey()
	cases := []struct {
		name   string
		mutate func(a *auth) // applied before (re)signing
		after  func(a *auth) // applied after signing
		want   string
	}{
		{"expired", func(a *auth) { a.before = big.NewInt(now - 1) }, nil, "FiatTokenV2: authorization is expired"},
		{"validBefore is now", func(a *auth) { a.before = big.NewInt(now) }, nil, "FiatTokenV2: authorization is expired"},
		{"not yet valid", func(a *auth) { a.after = big.NewInt(now + 3600) }, nil, "FiatTokenV2: authorization is not yet valid"},
		{"wrong signer", func(a *auth) { a.signerKey = otherKey }, nil, "FiatTokenV2: invalid signature"},
		{"signed for another payee", nil, func(a *auth) { a.to = dn.Accounts()[9].Address }, "FiatTokenV2: invalid signature"},
		{"amount raised after signing", nil, func(a *auth) { a.value = big.NewInt(1_000_000) }, "FiatTokenV2: invalid signature"},
		{"receive type used as transfer", func(a *auth) { a.primary = "ReceiveWithAuthorization" }, nil, "FiatTokenV2: invalid signature"},
		{"high s (malleated)", nil, func(a *auth) {
			n := crypto.S256().Params().N
			s := new(big.Int).Sub(n, new(big.Int).SetBytes(a.sig[32:64]))
			s.FillBytes(a.sig[32:64])
			a.sig[64] ^= 1 // 27 <-> 28
		}, "ECRecover: invalid signature 's' value"},
		{"v of 0", nil, func(a *auth) { a.sig[64] -= 27 }, "ECRecover: invalid signature 'v' value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newAuth(t, "TransferWithAuthorization", 6, 7, 1_000)
			if c.mutate != nil {
				c.mutate(a)
				a.resign(t)
			}
			if c.after != nil {
				c.after(a)
			}
			for _, asBytes := range []bool{false, true} {
				if got := e.revertReason(8, a.transferCall(asBytes)); got != c.want {
					t.Errorf("bytes=%v: reverted %q, want %q", asBytes, got, c.want)
				}
			}
			if e.used(a.from, a.nonce) {
				t.Error("a refused authorization marked its nonce used")
			}
		})
	}
	// A bytes signature of the wrong length.
	a := newAuth(t, "TransferWithAuthorization", 6, 7, 1)
	a.sig = a.sig[:64]
	if got := e.revertReason(8, a.transferCall(true)); got != "ECRecover: invalid signature length" {
		t.Errorf("64-byte signature: %q", got)
	}
}

func TestReceiveWithAuthorization(t *testing.T) {
	e := newEnv(t)
	a := newAuth(t, "ReceiveWithAuthorization", 6, 7, 777)
	v, r, s := vrs(a.sig)
	call := usdc.PackReceiveWithAuthorization0(a.from, a.to, a.value, a.after, a.before, a.nonce, v, r, s)
	// A front-runner (not the payee) cannot submit it.
	if got := e.revertReason(8, call); got != "FiatTokenV2: caller must be the payee" {
		t.Fatalf("receive by a third party: %q", got)
	}
	// Nor can a transfer-typed call reuse the receive signature.
	if got := e.revertReason(8, a.transferCall(false)); got != "FiatTokenV2: invalid signature" {
		t.Fatalf("receive signature as a transfer: %q", got)
	}
	to0 := e.usdcBalance(7)
	e.send(7, addrs.USDC, usdc.PackReceiveWithAuthorization(a.from, a.to, a.value, a.after, a.before, a.nonce, a.sig))
	if d := new(big.Int).Sub(e.usdcBalance(7), to0); d.Cmp(a.value) != 0 {
		t.Fatalf("payee received %s, want %s", d, a.value)
	}
	if got := e.revertReason(7, call); got != "FiatTokenV2: authorization is used or canceled" {
		t.Fatalf("replayed receive: %q", got)
	}
}

func TestCancelAuthorization(t *testing.T) {
	e := newEnv(t)
	a := newAuth(t, "TransferWithAuthorization", 6, 7, 5)
	cancelDoc := func(key *ecdsa.PrivateKey) []byte {
		return sign(t, key, typedDoc("CancelAuthorization", [][2]string{{"address", "authorizer"}, {"bytes32", "nonce"}},
			map[string]any{"authorizer": a.from.Hex(), "nonce": "0x" + common.Bytes2Hex(a.nonce[:])}))
	}
	// Someone else's signature cannot cancel it.
	if got := e.revertReason(8, usdc.PackCancelAuthorization0(a.from, a.nonce, cancelDoc(dn.Accounts()[8].Key))); got != "FiatTokenV2: invalid signature" {
		t.Fatalf("cancel by a stranger: %q", got)
	}
	sig := cancelDoc(a.signerKey)
	v, r, s := vrs(sig)
	e.send(8, addrs.USDC, usdc.PackCancelAuthorization(a.from, a.nonce, v, r, s))
	if !e.used(a.from, a.nonce) {
		t.Fatal("nonce not marked after cancel")
	}
	if got := e.revertReason(8, a.transferCall(false)); got != "FiatTokenV2: authorization is used or canceled" {
		t.Fatalf("transfer after cancel: %q", got)
	}
	if got := e.revertReason(8, usdc.PackCancelAuthorization0(a.from, a.nonce, sig)); got != "FiatTokenV2: authorization is used or canceled" {
		t.Fatalf("second cancel: %q", got)
	}
}

func TestPermit(t *testing.T) {
	e := newEnv(t)
	owner, spender := dn.Accounts()[6], dn.Accounts()[9]
	nonce := must(usdc.UnpackNonces(e.call(addrs.USDC, usdc.PackNonces(owner.Address))))
	value, deadline := big.NewInt(4242), big.NewInt(time.Now().Add(time.Hour).Unix())
	permitDoc := func(key *ecdsa.PrivateKey, nonce, deadline *big.Int) []byte {
		return sign(t, key, typedDoc("Permit", [][2]string{
			{"address", "owner"}, {"address", "spender"}, {"uint256", "value"}, {"uint256", "nonce"}, {"uint256", "deadline"},
		}, map[string]any{
			"owner": owner.Address.Hex(), "spender": spender.Address.Hex(), "value": value.String(),
			"nonce": nonce.String(), "deadline": deadline.String(),
		}))
	}
	// Wrong signer, and an expired deadline: refused.
	if got := e.revertReason(8, usdc.PackPermit(owner.Address, spender.Address, value, deadline, permitDoc(spender.Key, nonce, deadline))); got != "EIP2612: invalid signature" {
		t.Fatalf("permit by another key: %q", got)
	}
	past := big.NewInt(time.Now().Add(-time.Hour).Unix())
	if got := e.revertReason(8, usdc.PackPermit(owner.Address, spender.Address, value, past, permitDoc(owner.Key, nonce, past))); got != "FiatTokenV2: permit is expired" {
		t.Fatalf("expired permit: %q", got)
	}
	sig := permitDoc(owner.Key, nonce, deadline)
	v, r, s := vrs(sig)
	e.send(8, addrs.USDC, usdc.PackPermit0(owner.Address, spender.Address, value, deadline, v, r, s))
	if got := must(usdc.UnpackAllowance(e.call(addrs.USDC, usdc.PackAllowance(owner.Address, spender.Address)))); got.Cmp(value) != 0 {
		t.Fatalf("allowance %s, want %s", got, value)
	}
	if got := must(usdc.UnpackNonces(e.call(addrs.USDC, usdc.PackNonces(owner.Address)))); got.Cmp(new(big.Int).Add(nonce, big.NewInt(1))) != 0 {
		t.Fatalf("nonce %s after one permit, was %s", got, nonce)
	}
	// The same permit again: the nonce moved, so the signature no longer matches.
	if got := e.revertReason(8, usdc.PackPermit(owner.Address, spender.Address, value, deadline, sig)); got != "EIP2612: invalid signature" {
		t.Fatalf("replayed permit: %q", got)
	}
}
