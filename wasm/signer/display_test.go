package signer

import (
	"context"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wire"
)

// The display model of a queued proposal comes from the same strict
// decoding Submit uses: full checksummed addresses with the policy's
// labels, the rule that allows it, the nonce that is signed and the
// proof's status against the signer's own state.
func TestInspectProposal(t *testing.T) {
	p0, p1 := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	v, err := s.Inspect(ctx, p0)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "p0" || v.Digest != Digest(p0) || v.Tx.To.Address != "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" ||
		v.Tx.To.Label != "Alice (savings account)" || v.Tx.ValueText != "0.1 ETH" || v.Tx.Call.Action != "value_transfer" {
		t.Fatalf("view %+v", v)
	}
	if !strings.Contains(v.Rule, "Alice (savings account) may receive value transfers") || v.Violation != nil {
		t.Fatalf("rule %q %+v", v.Rule, v.Violation)
	}
	if !v.Nonce.OK || v.Nonce.Signed != 0 || !v.Proof.OK || v.Proof.Kind != "policy" || len(v.Warnings) != 0 {
		t.Fatalf("nonce %+v proof %+v warnings %+v", v.Nonce, v.Proof, v.Warnings)
	}
	// p1 is proven for nonce 1 after p0's spend: shown with the nonce it
	// carries, flagged as not the next one, and its proof does not verify
	// against the signer's state.
	v1, _ := s.Inspect(ctx, p1)
	if v1.Nonce.OK || v1.Nonce.Signed != 1 || v1.Nonce.Next != 0 || v1.Proof.OK || !hasWarning(v1.Warnings, WarnNonce) {
		t.Fatalf("p1 %+v %+v %+v", v1.Nonce, v1.Proof, v1.Warnings)
	}
	// A proof for another transaction (the forged proposal of the demo).
	forged := edit(t, p0, func(p *wire.Proposal) { p.Tx.Value = wire.NewQuantity(big.NewInt(5e17)) })
	vf, _ := s.Inspect(ctx, forged)
	if vf.Proof.OK || vf.Proof.Code != string(wire.ProofInvalid) || vf.Tx.ValueText != "0.5 ETH" {
		t.Fatalf("forged %+v", vf.Proof)
	}
	// A proposal the policy refuses names the rule it breaks.
	deny := edit(t, p0, func(p *wire.Proposal) { p.Tx = *policytest.Tx(t, "tx-deny-target") })
	vd, _ := s.Inspect(ctx, deny)
	if vd.Rule != "" || vd.Violation == nil || vd.Violation.Code != "policy_violation:target" || !hasWarning(vd.Warnings, WarnPolicy) {
		t.Fatalf("deny %+v", vd)
	}
}

// The original attack of issue 13: one document with both "tx" and "TX".
// The popup parsed "tx" (0.0001 ETH) while Go matched "TX" (0.1 ETH). The
// core now refuses it as malformed on every path: there is nothing to
// display and nothing is signed or queued.
func TestInspectRefusesTwoMeanings(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	_ = s.Unlock(ctx, testPassword)
	_ = s.SetMode(ctx, Mode{Supervised: true})
	tx := policytest.Tx(t, "tx-ok")
	small := strings.Replace(string(mustJSON(t, tx)), `"value":"0x16345785d8a0000"`, `"value":"0x5af3107a4000"`, 1) // 0.0001 ETH
	hostile := map[string]string{
		"tx and TX":         strings.Replace(string(p0), `"tx":`, `"tx":`+small+`,"TX":`, 1),
		"TX only":           strings.Replace(string(p0), `"tx":`, `"TX":`, 1),
		"long s (ſpent)":    strings.Replace(string(p0), `"spent"`, `"ſpent"`, 1),
		"duplicate value":   strings.Replace(string(p0), `"value":`, `"value":"0x1","value":`, 1),
		"nested case Value": strings.Replace(string(p0), `"value":`, `"Value":"0x1","value":`, 1),
	}
	hostile["Kelvin sign (blocK)"] = strings.Replace(string(p0), `"proof"`, `"program":{"commitment":"0x01","bloc\u212a":"0x1","inputs":[]},"proof"`, 1)
	for name, doc := range hostile {
		if _, err := s.Inspect(ctx, []byte(doc)); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: Inspect %v", name, err)
		}
		if r := s.Submit(ctx, []byte(doc)); r.Code != wire.Malformed {
			t.Errorf("%s: Submit %+v", name, r)
		}
	}
	if n := s.QueuedCount(); n != 0 {
		t.Fatalf("%d hostile documents queued", n)
	}
}

func hasWarning(ws []Warning, code string) bool {
	for _, w := range ws {
		if w.Code == code {
			return true
		}
	}
	return false
}

func txWith(t *testing.T, name string, f func(*wire.Tx)) *wire.Tx {
	tx := policytest.Tx(t, name)
	f(tx)
	return tx
}

func call(sel string, words ...string) wire.Bytes {
	s := sel
	for _, w := range words {
		s += strings.Repeat("0", 64-len(w)) + w
	}
	b, _ := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	return b
}

// Approval honesty: unlimited allowances, approval for all, high fees and
// undecodable calls are flagged; amounts and counterparties come decoded,
// with the policy's labels.
func TestDescribeTxWarnings(t *testing.T) {
	pol := policytest.Policy(t)
	usdc := "5fbdb2315678afecb367f032d93f642f64180aa3"
	router := "e7f1725e7734ce288f8367e1bb143e90bb3f0512"
	max := strings.Repeat("f", 64)
	cases := []struct {
		name   string
		tx     *wire.Tx
		action string
		warn   []string
	}{
		{"approve within the cap", policytest.Tx(t, "tx-ok-approve"), "erc20_approve", nil},
		{"unlimited approve", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0x095ea7b3", router, max) }), "erc20_approve", []string{WarnUnlimited}},
		{"2^128 approve", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0x095ea7b3", router, "1"+strings.Repeat("0", 32)) }), "erc20_approve", []string{WarnUnlimited}},
		{"unlimited increaseAllowance", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0x39509351", router, max) }), "erc20_increase_allowance", []string{WarnUnlimited}},
		{"approval for all", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0xa22cb465", router, "1") }), "approval_for_all", []string{WarnApproveAll}},
		{"approval for all revoked", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0xa22cb465", router, "0") }), "approval_for_all", nil},
		{"approve with a dirty address word", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0x095ea7b3", "1"+strings.Repeat("0", 23)+router, "1") }), "call", []string{WarnUnknownCall}},
		{"approve with extra bytes", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = append(call("0x095ea7b3", router, "1"), 0) }), "call", []string{WarnUnknownCall}},
		{"unknown selector", txWith(t, "tx-ok-approve", func(x *wire.Tx) { x.Data = call("0xdeadbeef", "1") }), "call", []string{WarnUnknownCall}},
		{"high fee", txWith(t, "tx-ok", func(x *wire.Tx) { x.Gas = 1_000_000; x.MaxFeePerGas = wire.NewQuantity(big.NewInt(1e11)) }), "value_transfer", []string{WarnFee}},
	}
	for _, c := range cases {
		v := DescribeTx(c.tx, pol, nil, nil)
		var got []string
		for _, w := range v.Warnings {
			got = append(got, w.Code)
		}
		if v.Call.Action != c.action || strings.Join(got, ",") != strings.Join(c.warn, ",") {
			t.Errorf("%s: action %s warnings %v", c.name, v.Call.Action, got)
		}
	}
	v := DescribeTx(cases[1].tx, pol, nil, nil)
	if v.To.Label != "USDC" || v.To.Address != "0x5FbDB2315678afecb367f032d93F642f64180aa3" ||
		v.Call.Counterparty.Label != "DEX router" || !v.Call.Unlimited || v.Call.Amount != new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)).String() {
		t.Fatalf("decoded %+v %+v", v.To, v.Call)
	}
	if !strings.Contains(v.Warnings[0].Message, "DEX router (0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512)") {
		t.Fatalf("message %q", v.Warnings[0].Message)
	}
	_ = usdc
	// A lower threshold from the user's settings.
	if v := DescribeTx(policytest.Tx(t, "tx-ok"), pol, nil, big.NewInt(1)); !hasWarning(v.Warnings, WarnFee) {
		t.Fatal("threshold not applied")
	}
}

func TestFormatEther(t *testing.T) {
	for in, want := range map[string]string{"0": "0 ETH", "100000000000000000": "0.1 ETH",
		"1500000000000000000": "1.5 ETH", "1": "<0.000001 ETH", "12345678901234567890": "12.345678 ETH"} {
		v, _ := new(big.Int).SetString(in, 10)
		if got := FormatEther(v); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// The activity list: decoded from the audit log by the core, addresses in
// full with labels.
func TestActivityView(t *testing.T) {
	p0, _ := proposals(t)
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	s := newSigner(t, NewMemStore(), clk)
	_ = s.Unlock(ctx, testPassword)
	s.Submit(ctx, p0)
	s.Submit(ctx, []byte(`{"junk":1}`))
	a := s.ActivityView(ctx, 2)
	if !a.OK || len(a.Rows) != 2 || a.Rows[0].Code != "malformed" || a.Rows[1].ID != "p0" || a.Rows[1].Decision != "signed" {
		t.Fatalf("%+v", a)
	}
	r := a.Rows[1]
	if r.To == nil || r.To.Address != "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" || r.To.Label != "Alice (savings account)" || r.ValueText != "0.1 ETH" || *r.Nonce != 0 || r.TxHash == nil {
		t.Fatalf("row %+v", r)
	}
	tv, err := s.InspectTx(mustJSON(t, policytest.Tx(t, "tx-ok")))
	if err != nil || tv.To.Label != "Alice (savings account)" {
		t.Fatalf("%+v %v", tv, err)
	}
	if _, err := s.InspectTx([]byte(`{"chainId":"0x539","ChainId":"0x1"}`)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatal(err)
	}
}

func FuzzInspect(f *testing.F) {
	p0, _ := proposals(f)
	s := newSigner(f, NewMemStore(), &fakeClock{t: time.Unix(t0, 0)})
	f.Add(p0)
	f.Add([]byte(strings.Replace(string(p0), `"tx":`, `"TX":`, 1)))
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := s.Inspect(context.Background(), raw)
		if err == nil && v.Digest != Digest(raw) {
			t.Fatal("digest")
		}
	})
}

func FuzzDecodeSession(f *testing.F) {
	f.Add([]byte(`{"key":"0x` + strings.Repeat("11", 32) + `","mac":"0x` + strings.Repeat("22", 32) + `"}`))
	f.Add([]byte(`{"mac":"0x00"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if s, err := DecodeSession(raw); err == nil && ((s.Key != nil && len(s.Key) != 32) || (s.MAC != nil && len(s.MAC) != 32)) {
			t.Fatal("bad key length accepted")
		}
	})
}
