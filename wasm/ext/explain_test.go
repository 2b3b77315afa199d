package ext

import (
	"encoding/json"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExplain(t *testing.T) {
	pol, info, err := DescribePolicy(example(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Commitment != pol.Commitment() || !strings.Contains(info.Description, "Chain 1337") {
		t.Fatalf("info %+v", info)
	}
	now := uint64(1795564800)
	st, err := wire.DecodeState(example(t, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.Time = now
	cases := []struct {
		file, action, rule, violation string
	}{
		{"tx-ok.json", "value_transfer", "Alice (savings account) may receive value transfers", ""},
		{"tx-ok-erc20.json", "erc20_transfer", "USDC may be called with transfer(address,uint256)", ""},
		{"tx-ok-approve.json", "erc20_approve", "approve(address,uint256)", ""},
		{"tx-ok-swap.json", "call", "DEX router may be called with swapExactTokensForTokens", ""},
		{"tx-deny-target.json", "", "", "policy_violation:target"},
		{"tx-deny-arg.json", "call", "", "policy_violation:arg"},
		{"tx-deny-token_window.json", "erc20_transfer", "", "policy_violation:token_window"},
		{"tx-deny-program_only.json", "call", "", "policy_violation:program_only"},
	}
	for _, c := range cases {
		tx, err := wire.DecodeTx(example(t, c.file))
		if err != nil {
			t.Fatal(err)
		}
		e := Explain(tx, pol, st)
		if (c.action != "" && e.Action != c.action) || !strings.Contains(e.Rule, c.rule) || e.Violation != c.violation {
			t.Errorf("%s: %+v", c.file, e)
		}
		if c.rule == "" && e.Rule != "" {
			t.Errorf("%s: rule %q for a refused tx", c.file, e.Rule)
		}
	}
	// The swap's words, each with the rule it passed, and its token spend.
	tx, _ := wire.DecodeTx(example(t, "tx-ok-swap.json"))
	e := Explain(tx, pol, st)
	if len(e.Args) != 8 || e.Args[3].Name != "args[3]" || !strings.Contains(e.Args[3].Rule, "must be self") ||
		!strings.Contains(e.Spend, "100 USDC") || !strings.Contains(e.Spend, "2000 USDC already moved") {
		t.Errorf("swap: %+v", e)
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

func TestUserSigning(t *testing.T) {
	const m = "test test test test test test test test test test test junk"
	tx, err := wire.DecodeTx(example(t, "tx-ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SignUserTx(m, 0, tx)
	if err != nil {
		t.Fatal(err)
	}
	if s.From.Hex() != strings.ToLower("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266") {
		t.Fatalf("from %s", s.From.Hex())
	}
	sig, err := PersonalSign(m, 0, []byte("hello"))
	if err != nil || len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("sig %x %v", sig, err)
	}
	pub, err := crypto.SigToPub(PersonalHash([]byte("hello")), append(sig[:64:64], sig[64]-27))
	if err != nil || crypto.PubkeyToAddress(*pub) != common.Address(s.From) {
		t.Fatalf("recovered %v", err)
	}
	blob, err := SealSession("hunter22", 123)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(blob)
	if strings.Contains(string(raw), "hunter22") {
		t.Fatal("password in the clear")
	}
	pw, sb, err := OpenSession(raw)
	if err != nil || pw != "hunter22" || sb.Expires != 123 {
		t.Fatalf("open: %q %v", pw, err)
	}
	raw[len(raw)/2] ^= 1
	if _, _, err := OpenSession(raw); err == nil {
		t.Fatal("tampered blob opened")
	}
}
