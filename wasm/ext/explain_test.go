package ext

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/wire"
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
	cases := []struct {
		file, action, rule, violation string
	}{
		{"tx-ok.json", "value_transfer", "Alice (savings account) may receive value transfers", ""},
		{"tx-ok-erc20.json", "erc20_transfer", "USDC (6 decimals): transfer of at most 1000000000", ""},
		{"tx-ok-approve.json", "erc20_approve", "approve of at most", ""},
		{"tx-deny-target.json", "", "", "policy_violation:target"},
		{"tx-deny-erc20_amount.json", "erc20_transfer", "", "policy_violation:erc20_amount"},
	}
	for _, c := range cases {
		tx, err := wire.DecodeTx(example(t, c.file))
		if err != nil {
			t.Fatal(err)
		}
		e := Explain(tx, pol, new(big.Int), now)
		if (c.action != "" && e.Action != c.action) || !strings.Contains(e.Rule, c.rule) || e.Violation != c.violation {
			t.Errorf("%s: %+v", c.file, e)
		}
		if c.rule == "" && e.Rule != "" {
			t.Errorf("%s: rule %q for a refused tx", c.file, e.Rule)
		}
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
