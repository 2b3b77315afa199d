package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// The test policy's x402 rule: EIP-3009 authorizations of Token A (its
// domain "Test USD", version "2") to Alice, at most 1 TKA each, counted in
// Token A's window, valid at most 10 minutes.
const typedRule = `,
  "maxValidity": 600,
  "signatures": [{
    "label": "x402 payments in TKA",
    "domain": { "name": "Test USD", "version": "2", "chainId": 1337, "verifyingContract": %q },
    "primaryType": "TransferWithAuthorization",
    "fields": { "from": { "is": "self" }, "to": { "oneOf": [%q] }, "value": { "max": "1 TKA", "spend": true },
                "validAfter": "any", "validBefore": "any", "nonce": "any" } }]`

// loadTypedKeys is the typed-data circuit's setup, cached like the policy
// circuit's.
func loadTypedKeys(dir string) (*groth16.ProvingKey, []byte, error) {
	r, err := typedcircuit.Compile()
	if err != nil {
		return nil, nil, err
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "leash-browser-keys")
	}
	kd, err := policytest.CachedSetup(dir, r, typedcircuit.ProvingKeyFile, typedcircuit.VerifyingKeyFile)
	if err != nil {
		return nil, nil, err
	}
	vk, err := os.ReadFile(filepath.Join(kd, typedcircuit.VerifyingKeyFile))
	if err != nil {
		return nil, nil, err
	}
	pk, err := typedcircuit.ReadProvingKey(kd)
	return pk, vk, err
}

// authorization is an EIP-3009 TransferWithAuthorization of Token A.
func (a *agent) authorization(to, value string, nonce int) []byte {
	f := func(n, ty string) map[string]any { return map[string]any{"name": n, "type": ty} }
	doc := map[string]any{
		"types": map[string]any{
			"EIP712Domain": []any{f("name", "string"), f("version", "string"), f("chainId", "uint256"), f("verifyingContract", "address")},
			"TransferWithAuthorization": []any{f("from", "address"), f("to", "address"), f("value", "uint256"), f("validAfter", "uint256"),
				f("validBefore", "uint256"), f("nonce", "bytes32")}},
		"primaryType": "TransferWithAuthorization",
		"domain":      map[string]any{"name": "Test USD", "version": "2", "chainId": 1337, "verifyingContract": tokenA},
		"message": map[string]any{"from": a.pol.Account.Hex(), "to": to, "value": value, "validAfter": "0",
			"validBefore": fmt.Sprint(time.Now().Unix() + 300), "nonce": fmt.Sprintf("0x%064x", nonce)},
	}
	b, _ := json.Marshal(doc)
	return b
}

// sign proves an authorization and sends it as a signature proposal:
// {"cmd":"sign","id":"s-1","value":"500000000000000000","nonce":7,"spent":"…"?,"forgeTo":"0x…"?}
// (spent: Token A's window sum at the extension, decimal; default the
// agent's copy of the window, which follows transactions only)
// (forgeTo: change the payee after proving, as a compromised host would).
func (a *agent) sign(ctx context.Context, cmd map[string]any) error {
	if a.cl == nil || a.pol == nil {
		return fmt.Errorf("sign: not paired or no policy")
	}
	n, _ := cmd["nonce"].(float64)
	doc := a.authorization(alice, str(cmd, "value"), int(n))
	a.mu.Lock()
	st := a.win.st.Clone()
	a.mu.Unlock()
	st.Time = uint64(time.Now().Unix())
	if s := str(cmd, "spent"); s != "" { // Token A's window sum at the extension
		v, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return fmt.Errorf("sign: spent %q", s)
		}
		st.SetTokenSpent(wire.Address(common.HexToAddress(tokenA)), v)
	}
	t0 := time.Now()
	p, err := prover.NewSigProver(a.pol, a.tpk).Prove(prover.SigRequest{ID: str(cmd, "id"), TypedData: doc, State: st})
	if err != nil {
		return err
	}
	prove := time.Since(t0)
	if to := str(cmd, "forgeTo"); to != "" {
		p.TypedData = a.authorization(to, str(cmd, "value"), int(n))
	}
	if err := a.cl.SendTyped(ctx, e2e.MessageIDFor("proposal:"+p.ID), "proposal", p); err != nil {
		return err
	}
	emit("sent", map[string]any{"id": p.ID, "proveMs": float64(prove.Microseconds()) / 1000, "typedData": json.RawMessage(p.TypedData)})
	return nil
}
