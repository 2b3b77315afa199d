package wasmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/wasm/verbs"
	"github.com/leash-wallet/leash/wire"
)

var root = policytest.Root()

func requireWASM(t testing.TB) {
	t.Helper()
	if os.Getenv("LEASH_WASM_TESTS") != "1" {
		t.Skip("runs against dist/leash.wasm with LEASH_WASM_TESTS=1 (scripts/test.d/20-wasm.sh)")
	}
	if _, err := os.Stat(filepath.Join(root, "dist", "leash.wasm")); err != nil {
		t.Fatalf("dist/leash.wasm is missing: run make wasm (%v)", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed")
	}
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// nativeCLI builds cmd/leash once per test process.
func nativeCLI(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "leash-cli")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "leash")
		cmd := exec.Command("go", "build", "-o", cliPath, "./cmd/leash")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build ./cmd/leash: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

type result struct {
	stdout string
	exit   int
}

func run(t *testing.T, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = root
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return result{out.String(), code}
}

func node(t *testing.T, args ...string) result {
	return run(t, "node", append([]string{filepath.Join(root, "wasm", "leash.mjs")}, args...)...)
}

func write(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verifyCase is one row of the shared verify table: a proposal document
// and a state document, and the verdict the native verifier gives.
type verifyCase struct {
	name     string
	proposal []byte
	state    []byte
}

func buildCases(t *testing.T) (vkPath, policyPath string, cases []verifyCase) {
	dir := t.TempDir()
	_, _, vk := policytest.Keys(t)
	vkPath = write(t, dir, "policy.vk", vk.Bytes())
	policyPath = filepath.Join(root, "examples", "policy.json")
	pol := policytest.Policy(t)
	st := policytest.State(t)
	ok := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok"), st)
	erc := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok-erc20"), st)
	stJSON := mustJSON(t, st)

	mut := func(name string, base *wire.Proposal, f func(*wire.Proposal, *wire.State)) {
		p := *base
		p.Tx.Data = append([]byte(nil), base.Tx.Data...)
		p.Proof = append([]byte(nil), base.Proof...)
		s := *st
		f(&p, &s)
		cases = append(cases, verifyCase{name, mustJSON(t, &p), mustJSON(t, &s)})
	}
	bump := func(q wire.Quantity, d int64) wire.Quantity {
		v := q.Big()
		v.Add(v, new(big.Int).SetInt64(d))
		return wire.NewQuantity(v)
	}
	flip := func(b []byte, i int) []byte { c := append([]byte(nil), b...); c[i] ^= 1; return c }
	nop := func(*wire.Proposal, *wire.State) {}
	mut("ok", ok, nop)
	mut("ok erc20", erc, nop)
	mut("tx.chainId", ok, func(p *wire.Proposal, _ *wire.State) { p.Tx.ChainID++ })
	mut("tx.nonce", ok, func(p *wire.Proposal, _ *wire.State) { p.Tx.Nonce++ })
	mut("tx.to", ok, func(p *wire.Proposal, _ *wire.State) { p.Tx.To[19] ^= 1 })
	mut("tx.value", ok, func(p *wire.Proposal, _ *wire.State) { p.Tx.Value = bump(p.Tx.Value, 1) })
	mut("tx.data amount", erc, func(p *wire.Proposal, _ *wire.State) { p.Tx.Data = flip(p.Tx.Data, 67) })
	mut("tx.data selector", erc, func(p *wire.Proposal, _ *wire.State) { p.Tx.Data = flip(p.Tx.Data, 0) })
	mut("tx.gas", ok, func(p *wire.Proposal, _ *wire.State) { p.Tx.Gas++ })
	mut("tx.maxFeePerGas", ok, func(p *wire.Proposal, _ *wire.State) { p.Tx.MaxFeePerGas = bump(p.Tx.MaxFeePerGas, 1) })
	mut("tx.maxPriorityFeePerGas", ok, func(p *wire.Proposal, _ *wire.State) {
		p.Tx.MaxPriorityFeePerGas = bump(p.Tx.MaxPriorityFeePerGas, -1)
	})
	mut("policyCommitment", ok, func(p *wire.Proposal, _ *wire.State) { p.PolicyCommitment[31] ^= 1 })
	mut("time within skew", ok, func(p *wire.Proposal, _ *wire.State) { p.Time++ })
	mut("time beyond skew", ok, func(p *wire.Proposal, _ *wire.State) { p.Time += 3600 })
	mut("spent hint", ok, func(p *wire.Proposal, _ *wire.State) { p.State.Spent = bump(p.State.Spent, 1) })
	mut("fees hint", ok, func(p *wire.Proposal, _ *wire.State) { p.State.Fees = bump(p.State.Fees, 1) })
	mut("txs hint", ok, func(p *wire.Proposal, _ *wire.State) { p.State.Txs++ })
	mut("token hint", erc, func(p *wire.Proposal, _ *wire.State) { p.State.TokenSpent = bump(p.State.TokenSpent, 1) })
	mut("proof byte", ok, func(p *wire.Proposal, _ *wire.State) { p.Proof = flip(p.Proof, 40) })
	mut("proof point A", ok, func(p *wire.Proposal, _ *wire.State) { p.Proof = flip(p.Proof, 31) })
	mut("proof length", ok, func(p *wire.Proposal, _ *wire.State) { p.Proof = p.Proof[:len(p.Proof)-1] })
	mut("state.nonce", ok, func(_ *wire.Proposal, s *wire.State) { s.Nonce++ })
	mut("state.spent", ok, func(_ *wire.Proposal, s *wire.State) { s.Spent = bump(s.Spent, 1) })
	mut("state.time", ok, func(_ *wire.Proposal, s *wire.State) { s.Time += 3600 })
	mut("state and hint spent together", ok, func(p *wire.Proposal, s *wire.State) {
		s.Spent = bump(s.Spent, 1)
		p.State.Spent = s.Spent
	})
	mut("state and hint fees together", ok, func(p *wire.Proposal, s *wire.State) {
		s.Fees = bump(s.Fees, 1)
		p.State.Fees = s.Fees
	})
	mut("state and hint token together", erc, func(p *wire.Proposal, s *wire.State) {
		s.Tokens = []wire.TokenSpent{{Token: s.Tokens[0].Token, Spent: bump(s.Tokens[0].Spent, 1)}}
		p.State.TokenSpent = s.Tokens[0].Spent
	})
	// Every example state that breaks a rule (the count window, the time).
	states, _ := filepath.Glob(filepath.Join(root, "examples", "state-deny-*.json"))
	for _, f := range states {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		raw, _ := os.ReadFile(f)
		deny, err := wire.DecodeState(raw)
		if err != nil {
			t.Fatal(err)
		}
		mut(name, ok, func(p *wire.Proposal, s *wire.State) {
			*s = *deny
			p.State = pol.Hint(&p.Tx, deny)
		})
	}
	// Every example transaction that breaks a rule, put in a proposal.
	files, _ := filepath.Glob(filepath.Join(root, "examples", "tx-deny-*.json"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		raw, _ := os.ReadFile(f)
		tx, err := wire.DecodeTx(raw)
		if err != nil {
			// Structurally invalid on purpose (e.g. oversized calldata).
			doc := strings.Replace(string(mustJSON(t, ok)), string(mustJSON(t, ok.Tx)), string(raw), 1)
			cases = append(cases, verifyCase{name, []byte(doc), stJSON})
			continue
		}
		mut(name, ok, func(p *wire.Proposal, _ *wire.State) { p.Tx = *tx })
	}
	// Hostile documents.
	okJSON := string(mustJSON(t, ok))
	for name, doc := range map[string]string{
		"not json":       "{",
		"empty":          "",
		"unknown field":  strings.Replace(okJSON, `{"version":2`, `{"version":2,"extra":true`, 1),
		"duplicate key":  strings.Replace(okJSON, `{"version":2`, `{"version":2,"version":2`, 1),
		"version 1":      strings.Replace(okJSON, `{"version":2`, `{"version":1`, 1),
		"bad hex":        strings.Replace(okJSON, `"proof":"0x`, `"proof":"0xzz`, 1),
		"trailing data":  okJSON + "{}",
		"negative value": strings.Replace(okJSON, `"value":"0x`, `"value":"-0x`, 1),
		// Issue 13: one document, two meanings (refused natively and in WASM alike).
		"tx and TX":         strings.Replace(okJSON, `"tx":`, `"tx":`+strings.Replace(string(mustJSON(t, ok.Tx)), `"value":"0x`, `"value":"0x1`, 1)+`,"TX":`, 1),
		"long s (ſpent)":    strings.Replace(okJSON, `"spent"`, `"ſpent"`, 1),
		"Kelvin sign":       strings.Replace(okJSON, `"proof"`, `"program":{"commitment":"0x01","bloc\u212a":"0x1","inputs":[]},"proof"`, 1),
		"nested case Value": strings.Replace(okJSON, `"value":`, `"Value":"0x1","value":`, 1),
	} {
		cases = append(cases, verifyCase{name, []byte(doc), stJSON})
	}
	cases = append(cases, verifyCase{"bad state", []byte(okJSON), []byte(`{"nonce":"0x0"}`)})
	return vkPath, policyPath, cases
}

type verbCase struct {
	Verb string            `json:"verb"`
	Args map[string]string `json:"args"`
}

// cliArgs is the native command line of a verb case.
func (c verbCase) cliArgs() []string {
	var args []string
	switch c.Verb {
	case "keys-address":
		args = []string{"keys", "address"}
	case "public-inputs":
		args = []string{"proposal", "public-inputs"}
	default:
		args = []string{c.Verb}
	}
	for _, k := range []string{"mnemonic-file", "index", "vk", "policy", "proposal", "state"} {
		if v, ok := c.Args[k]; ok {
			args = append(args, "--"+k, v)
		}
	}
	return args
}

// batch runs verb cases in one WASM instance (wasm/test/verbs-batch.mjs,
// the same file reading and leash.tools calls as wasm/leash.mjs).
func batch(t *testing.T, cases []verbCase) []result {
	t.Helper()
	in := write(t, t.TempDir(), "cases.json", mustJSON(t, cases))
	r := run(t, "node", filepath.Join(root, "wasm", "test", "verbs-batch.mjs"), in)
	if r.exit != 0 {
		t.Fatalf("verbs-batch: exit %d %s", r.exit, r.stdout)
	}
	var outs []struct {
		Exit   int    `json:"exit"`
		Stdout string `json:"stdout"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &outs); err != nil || len(outs) != len(cases) {
		t.Fatalf("verbs-batch output: %v", err)
	}
	res := make([]result, len(outs))
	for i, o := range outs {
		res[i] = result{o.Stdout, o.Exit}
	}
	return res
}

// TestVerifyParity runs the shared table through the native verifier
// (verbs.Verify → verify.Verify), the native CLI and the WASM build, and
// requires the same stdout and exit code from all three.
func TestVerifyParity(t *testing.T) {
	requireWASM(t)
	cli := nativeCLI(t)
	vkPath, policyPath, cases := buildCases(t)
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	dir := t.TempDir()
	var vcs []verbCase
	for i, c := range cases {
		pp := write(t, dir, fmt.Sprintf("p%d.json", i), c.proposal)
		sp := write(t, dir, fmt.Sprintf("s%d.json", i), c.state)
		vcs = append(vcs, verbCase{"verify", map[string]string{"vk": vkPath, "policy": policyPath, "proposal": pp, "state": sp}})
	}
	wasm := batch(t, vcs)
	codes := map[string]int{}
	for i, c := range cases {
		a := vcs[i].Args
		inproc := verbs.Verify(verbs.ReadFile(a["vk"]), verbs.ReadFile(a["policy"]), verbs.ReadFile(a["proposal"]), verbs.ReadFile(a["state"]))
		nat := run(t, cli, vcs[i].cliArgs()...)
		if nat.stdout != string(inproc.Stdout) || nat.exit != inproc.Exit {
			t.Errorf("%s: native CLI %d %s differs from the native verifier %d %s", c.name, nat.exit, nat.stdout, inproc.Exit, inproc.Stdout)
		}
		if wasm[i] != nat {
			t.Errorf("%s: WASM %d %s\n  native %d %s", c.name, wasm[i].exit, wasm[i].stdout, nat.exit, nat.stdout)
		}
		var v struct {
			OK   bool   `json:"ok"`
			Code string `json:"code"`
		}
		_ = json.Unmarshal([]byte(nat.stdout), &v)
		codes[v.Code]++
		if strings.HasPrefix(c.name, "ok") != v.OK {
			t.Errorf("%s: verdict %s", c.name, nat.stdout)
		}
	}
	t.Logf("%d cases, verdicts %v", len(cases), codes)
	for _, want := range []string{"", "malformed", "unknown_policy", "proof_invalid", "nonce_mismatch", "stale_state", "stale_time"} {
		if codes[want] == 0 {
			t.Errorf("no case gave %q", want)
		}
	}
	rules := 0
	for c := range codes {
		if wire.Code(c).IsPolicyViolation() {
			rules++
		}
	}
	if rules < len(policyRules()) {
		t.Errorf("%d policy rules covered, want %d", rules, len(policyRules()))
	}

	// The command itself, end to end: node wasm/leash.mjs against the
	// native CLI for an accepted case, a refusal, an unreadable file and
	// usage errors.
	okArgs, badArgs := vcs[0].cliArgs(), vcs[len(vcs)-1].cliArgs()
	missing := append(append([]string{}, okArgs[:len(okArgs)-1]...), filepath.Join(dir, "missing.json"))
	for _, args := range [][]string{okArgs, badArgs, missing, {"verify", "--vk", vkPath}, {"verify", "--nope", "x"},
		append(append([]string{}, okArgs...), "extra"), {"frobnicate"}, {}} {
		nat, w := run(t, cli, args...), node(t, args...)
		if nat != w {
			t.Errorf("leash %v:\n  native %d %q\n  wasm   %d %q", args, nat.exit, nat.stdout, w.exit, w.stdout)
		}
	}
}

// TestSignKeysPublicInputsParity: sign, keys address and proposal
// public-inputs print the same bytes in both builds, and the transaction
// signed in WASM decodes in ethers v6 to the proposal's fields, from the
// public test account.
func TestSignKeysPublicInputsParity(t *testing.T) {
	requireWASM(t)
	cli := nativeCLI(t)
	vkPath, policyPath, cases := buildCases(t)
	dir := t.TempDir()
	mn := filepath.Join(root, "examples", "mnemonic.txt")
	bad := write(t, dir, "bad-mnemonic.txt", []byte("test test test test test test test test test test test test\n"))
	var vcs []verbCase
	var props []*wire.Proposal
	for i, c := range cases[:4] { // ok, ok erc20, and two refusals
		pp := write(t, dir, fmt.Sprintf("p%d.json", i), c.proposal)
		sp := write(t, dir, fmt.Sprintf("s%d.json", i), c.state)
		p, _ := wire.DecodeProposal(c.proposal)
		props = append(props, p)
		vcs = append(vcs, verbCase{"sign", map[string]string{"mnemonic-file": mn, "vk": vkPath, "policy": policyPath, "proposal": pp, "state": sp}})
		vcs = append(vcs, verbCase{"public-inputs", map[string]string{"policy": policyPath, "proposal": pp, "state": sp}})
	}
	signArgs := vcs[0].Args
	vcs = append(vcs,
		verbCase{"sign", map[string]string{"mnemonic-file": bad, "vk": vkPath, "policy": policyPath, "proposal": signArgs["proposal"], "state": signArgs["state"]}},
		verbCase{"sign", map[string]string{"mnemonic-file": mn, "index": "1", "vk": vkPath, "policy": policyPath, "proposal": signArgs["proposal"], "state": signArgs["state"]}},
		verbCase{"keys-address", map[string]string{"mnemonic-file": mn}},
		verbCase{"keys-address", map[string]string{"mnemonic-file": mn, "index": "1"}},
		verbCase{"keys-address", map[string]string{"mnemonic-file": mn, "index": "2147483648"}},
		verbCase{"keys-address", map[string]string{"mnemonic-file": bad}},
		verbCase{"keys-address", map[string]string{"mnemonic-file": filepath.Join(dir, "none.txt")}},
	)
	wasm := batch(t, vcs)
	for i, c := range vcs {
		nat := run(t, cli, c.cliArgs()...)
		if wasm[i] != nat {
			t.Errorf("%v:\n  wasm   %d %s\n  native %d %s", c.cliArgs(), wasm[i].exit, wasm[i].stdout, nat.exit, nat.stdout)
		}
	}
	n := len(vcs)
	if !strings.Contains(wasm[n-5].stdout, `"address":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"`) || wasm[n-5].exit != 0 {
		t.Fatalf("public test mnemonic in WASM: %s", wasm[n-5].stdout)
	}
	// The WASM-signed transactions, decoded by ethers.
	for i := 0; i < 2; i++ {
		var s struct {
			RawTx  string `json:"rawTx"`
			TxHash string `json:"txHash"`
		}
		if err := json.Unmarshal([]byte(wasm[2*i].stdout), &s); err != nil || wasm[2*i].exit != 0 {
			t.Fatalf("sign %d: %s", i, wasm[2*i].stdout)
		}
		checkEthers(t, s.RawTx, s.TxHash, props[i])
	}
}

func checkEthers(t *testing.T, raw, hash string, p *wire.Proposal) {
	t.Helper()
	r := run(t, "node", filepath.Join(root, "wasm", "test", "ethers-decode.mjs"), raw)
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("ethers: %v %s", err, r.stdout)
	}
	hx := func(b *big.Int) string { return "0x" + b.Text(16) }
	want := map[string]string{
		"type":                 "2",
		"chainId":              fmt.Sprintf("0x%x", uint64(p.Tx.ChainID)),
		"nonce":                fmt.Sprintf("0x%x", uint64(p.Tx.Nonce)),
		"to":                   strings.ToLower(p.Tx.To.Hex()),
		"value":                hx(p.Tx.Value.Big()),
		"data":                 fmt.Sprintf("0x%x", []byte(p.Tx.Data)),
		"gas":                  fmt.Sprintf("0x%x", uint64(p.Tx.Gas)),
		"maxFeePerGas":         hx(p.Tx.MaxFeePerGas.Big()),
		"maxPriorityFeePerGas": hx(p.Tx.MaxPriorityFeePerGas.Big()),
		"from":                 "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
		"hash":                 hash,
		"signatureValid":       "true",
		"accessList":           "[]",
	}
	for k, w := range want {
		g := fmt.Sprint(got[0][k])
		if k == "to" || k == "from" {
			g = strings.ToLower(g)
		}
		if g != w {
			t.Errorf("ethers %s = %s, want %s", k, g, w)
		}
	}
}

func policyRules() []string {
	var out []string
	for _, kind := range []string{"tx", "state"} {
		files, _ := filepath.Glob(filepath.Join(root, "examples", kind+"-deny-*.json"))
		for _, f := range files {
			r := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), kind+"-deny-"), ".json")
			if r != "calldata" && r != "time" { // calldata: the verifier stops at the shape; time: stale_time first
				out = append(out, r)
			}
		}
	}
	return out
}

// TestNodeCore runs the Node tests of the stateful core in WASM
// (wasm/test/*.test.mjs) with a proposal proven at the current time, since
// the core uses the real clock.
func TestNodeCore(t *testing.T) {
	requireWASM(t)
	dir := t.TempDir()
	if keep := os.Getenv("LEASH_KEEP_FIXTURES"); keep != "" {
		dir = keep // for running wasm/test/*.mjs by hand against these fixtures
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, _, vk := policytest.Keys(t)
	write(t, dir, "policy.vk", vk.Bytes())
	write(t, dir, "policy.json", policytest.Example(t, "policy.json"))
	pol := policytest.Policy(t)
	p := policytest.Proposal(t, pol, policytest.Tx(t, "tx-ok"), &wire.State{Time: uint64(time.Now().Unix())})
	p.ID = "p0"
	write(t, dir, "p0.json", mustJSON(t, p))
	p.ID = "p1"
	write(t, dir, "p1.json", mustJSON(t, p))
	attackFixtures(t, dir)
	tests, _ := filepath.Glob(filepath.Join(root, "wasm", "test", "*.test.mjs"))
	cmd := exec.Command("node", append([]string{"--test", "--test-concurrency=1"}, tests...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LEASH_FIXTURES="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("%s", lastLines(string(out), 10))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// attackFixtures writes the proposals of the issue 12 attacks for
// core.test.mjs (wasm/test): each is what a compromised agent host can
// produce (a valid proof, re-aimed), proven at the current time against an
// empty window at nonce 0, or against the window the test builds first.
func attackFixtures(t *testing.T, dir string) {
	now := uint64(time.Now().Unix())
	pol := policytest.Policy(t)
	fresh := func() *wire.State { return &wire.State{Time: now} }
	usdc := func(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e6)) }
	call := func(to wire.Address, data []byte) *wire.Tx {
		return &wire.Tx{ChainID: 1337, To: to, Data: data, Gas: 200_000, MaxFeePerGas: wire.QuantityFromUint64(2e9),
			MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
	}
	// The router recipient: a proof of the swap to self, sent to the attacker.
	self := policytest.Proposal(t, pol, call(policytest.Router, policytest.Swap(usdc(100), policytest.USDC, policytest.WETH, policytest.Self)), fresh())
	self.ID = "swap-self"
	write(t, dir, "swap-self.json", mustJSON(t, self))
	forged := *self
	forged.ID, forged.Tx.Data = "swap-attacker", policytest.Swap(usdc(100), policytest.USDC, policytest.WETH, policytest.Bob)
	write(t, dir, "swap-attacker.json", mustJSON(t, &forged))
	// A policy proof aimed at the pool's program-only swap.
	pool := *self
	pool.ID, pool.Tx = "pool", *call(policytest.Pool, policytest.Calldata("swapExactIn(address,uint256,uint256,address,uint256)",
		policytest.USDC, usdc(100), 0, policytest.Bob, 1<<40))
	write(t, dir, "pool.json", mustJSON(t, &pool))
	// Fee burning: no-ops paying the whole fee cap (0.01 ETH) each, proven
	// in sequence; the window holds five (0.05 ETH).
	st := fresh()
	for i := 0; i < 6; i++ {
		tx := &wire.Tx{ChainID: 1337, Nonce: wire.Uint64(i), To: policytest.Alice, Gas: 1_000_000,
			MaxFeePerGas: wire.QuantityFromUint64(1e10), MaxPriorityFeePerGas: wire.QuantityFromUint64(1e10)}
		if i == 5 { // the sixth: proven against the window before the fifth
			st = fresh()
			for k := 0; k < 4; k++ {
				pol.Count(st, tx)
			}
		}
		p := policytest.Proposal(t, pol, tx, st)
		p.ID = fmt.Sprintf("burn-%d", i)
		write(t, dir, p.ID+".json", mustJSON(t, p))
		pol.Count(st, tx)
	}
	// sequence writes the proposals <name>-0 … <name>-n of txs proven in
	// sequence, nonce i each; the last is proven against the window
	// before the one before it (a host that hides a spend).
	sequence := func(name string, n int, tx func(i int) *wire.Tx) {
		st := fresh()
		var hidden *wire.State
		for i := 0; i <= n; i++ {
			x := tx(i)
			x.Nonce = wire.Uint64(i)
			at := st
			if i == n {
				at = hidden
			}
			p := policytest.Proposal(t, pol, x, at)
			p.ID = fmt.Sprintf("%s-%d", name, i)
			write(t, dir, p.ID+".json", mustJSON(t, p))
			if i == n-1 {
				hidden = st.Clone()
			}
			pol.Count(st, x)
		}
	}
	// Repeated token transfers: 1,000 USDC each (the per-transfer max) to
	// Alice; the USDC window holds 2,500, so two are signed, the third is not.
	sequence("usdc", 2, func(int) *wire.Tx {
		return call(policytest.USDC, policytest.Calldata("transfer(address,uint256)", policytest.Alice, usdc(1000)))
	})
	// Repeated transactions: 1 wei each; window.maxTxs is 20.
	sequence("count", 20, func(int) *wire.Tx {
		return &wire.Tx{ChainID: 1337, To: policytest.Alice, Value: wire.QuantityFromUint64(1), Gas: 21_000,
			MaxFeePerGas: wire.QuantityFromUint64(2e9), MaxPriorityFeePerGas: wire.QuantityFromUint64(1e9)}
	})
}
