package rpcchain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

func TestSelectors(t *testing.T) {
	for sig, sel := range map[string][]byte{"latestRoundData()": selLatestRoundData, "getRoundData(uint80)": selGetRoundData} {
		if got := crypto.Keccak256([]byte(sig))[:4]; string(got) != string(sel) {
			t.Errorf("%s: selector %x, keccak says %x", sig, sel, got)
		}
	}
}

// roundWords is the ABI return of a round.
func roundWords(id, answer *big.Int, updated uint64) string {
	w := make([]byte, 160)
	id.FillBytes(w[0:32])
	if answer.Sign() < 0 {
		answer = new(big.Int).Add(answer, new(big.Int).Lsh(big.NewInt(1), 256))
	}
	answer.FillBytes(w[32:64])
	new(big.Int).SetUint64(updated).FillBytes(w[96:128])
	id.FillBytes(w[128:160])
	return fmt.Sprintf("%q", fmt.Sprintf("0x%x", w))
}

// script answers each method with a fixed raw result or error and records
// the params it was called with.
type script struct {
	answers map[string]any // json text (string) or error
	calls   []string
}

func (s *script) call(_ context.Context, method string, params []any) (json.RawMessage, error) {
	p, _ := json.Marshal(params)
	s.calls = append(s.calls, method+" "+string(p))
	switch a := s.answers[method].(type) {
	case error:
		return nil, a
	case string:
		return json.RawMessage(a), nil
	}
	return nil, errors.New("no answer")
}

func TestReads(t *testing.T) {
	oracle := wire.Address{0xaa, 0xbb}
	s := &script{answers: map[string]any{
		"eth_chainId":     `"0x539"`,
		"eth_blockNumber": `"0x1f"`,
		"eth_call":        roundWords(big.NewInt(9), big.NewInt(-5), 1700000000),
	}}
	c := New(s.call)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		id, err := c.ChainID(ctx)
		if err != nil || id != 1337 {
			t.Fatalf("chain id %d, %v", id, err)
		}
	}
	if n, err := c.BlockNumber(ctx); err != nil || n != 31 {
		t.Fatalf("block %d, %v", n, err)
	}
	r, err := c.LatestRoundData(ctx, oracle, 30)
	if err != nil || r.ID.Int64() != 9 || r.Answer.Int64() != -5 || r.UpdatedAt != 1700000000 {
		t.Fatalf("round %+v, %v", r, err)
	}
	if _, err := c.GetRoundData(ctx, oracle, big.NewInt(8), 30); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`eth_chainId []`,
		`eth_chainId []`,
		`eth_blockNumber []`,
		`eth_call [{"data":"0xfeaf968c","to":"0xaabb000000000000000000000000000000000000"},"0x1e"]`,
		`eth_call [{"data":"0x9a6fc8f50000000000000000000000000000000000000000000000000000000000000008","to":"0xaabb000000000000000000000000000000000000"},"0x1e"]`,
	}
	if strings.Join(s.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls (the chain id read every time, every eth_call at an explicit block):\n%s", strings.Join(s.calls, "\n"))
	}
}

func TestRefusals(t *testing.T) {
	oracle := wire.Address{1}
	ctx := context.Background()
	cases := []struct {
		name, method string
		answer       any
		noRound      bool
	}{
		{"revert code 3", "eth_call", &Error{Code: 3, Message: "execution reverted: no data"}, true},
		{"revert message", "eth_call", &Error{Code: -32000, Message: "execution reverted"}, true},
		{"no code", "eth_call", `"0x"`, true},
		{"transport", "eth_call", errors.New("connection refused"), false},
		{"other rpc error", "eth_call", &Error{Code: -32602, Message: "invalid params"}, false},
		{"short data", "eth_call", `"0x0102"`, false},
		{"odd hex", "eth_call", `"0x012"`, false},
		{"not hex", "eth_call", `"0xzz"`, false},
		{"no prefix", "eth_call", `"00"`, false},
		{"null", "eth_call", `null`, false},
		{"number", "eth_call", `12`, false},
		{"huge round id", "eth_call", roundWords(new(big.Int).Lsh(big.NewInt(1), 80), big.NewInt(1), 1), false},
		{"block not hex", "eth_blockNumber", `"31"`, false},
		{"block leading zero", "eth_blockNumber", `"0x01"`, false},
		{"block too big", "eth_blockNumber", `"0x10000000000000000"`, false},
		{"block null", "eth_blockNumber", `null`, false},
		{"chain id zero", "eth_chainId", `"0x0"`, false},
		{"chain id object", "eth_chainId", `{"a":1}`, false},
		{"oversized", "eth_blockNumber", `"` + strings.Repeat("0", MaxResultBytes) + `"`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := New((&script{answers: map[string]any{tc.method: tc.answer}}).call)
			var err error
			switch tc.method {
			case "eth_call":
				_, err = c.LatestRoundData(ctx, oracle, 1)
			case "eth_blockNumber":
				_, err = c.BlockNumber(ctx)
			case "eth_chainId":
				_, err = c.ChainID(ctx)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if got := errors.Is(err, program.ErrNoRound); got != tc.noRound {
				t.Fatalf("ErrNoRound %v, want %v: %v", got, tc.noRound, err)
			}
		})
	}
	c := New((&script{}).call)
	for _, r := range []*big.Int{nil, big.NewInt(-1), new(big.Int).Lsh(big.NewInt(1), 80)} {
		if _, err := c.GetRoundData(ctx, oracle, r, 1); !errors.Is(err, program.ErrNoRound) {
			t.Fatalf("round %v: %v", r, err)
		}
	}
}

// TestReadInputsThroughRPC runs program.ReadInputs over a Chain whose
// answers depend on the round asked for, as an oracle's would.
func TestReadInputsThroughRPC(t *testing.T) {
	oracle := wire.Address{7}
	answers := map[int64]int64{1: 100, 2: 200, 3: 300}
	call := func(_ context.Context, method string, params []any) (json.RawMessage, error) {
		if method != "eth_call" {
			return nil, errors.New("unexpected " + method)
		}
		data := params[0].(map[string]any)["data"].(string)
		round := int64(3)
		if strings.HasPrefix(data, "0x9a6fc8f5") {
			v, _ := new(big.Int).SetString(data[10:], 16)
			round = v.Int64()
		}
		a, ok := answers[round]
		if !ok {
			return nil, &Error{Code: 3, Message: "execution reverted"}
		}
		return json.RawMessage(roundWords(big.NewInt(round), big.NewInt(a), 1)), nil
	}
	got, err := program.ReadInputs(context.Background(), New(call), oracle, 5, 3)
	if err != nil || len(got) != 3 || got[0].Int64() != 100 || got[2].Int64() != 300 {
		t.Fatalf("%v, %v", got, err)
	}
	if _, err := program.ReadInputs(context.Background(), New(call), oracle, 5, 4); wire.CodeOf(err) != wire.InputMismatch {
		t.Fatalf("4 rounds of 3: %v", err)
	}
}

// FuzzAnswers feeds arbitrary results to every read: errors, never panics.
func FuzzAnswers(f *testing.F) {
	f.Add(`"0x1"`)
	f.Add(`null`)
	f.Add(roundWords(big.NewInt(1), big.NewInt(-1), 2))
	f.Add(`"0x` + strings.Repeat("ff", 160) + `"`)
	f.Fuzz(func(t *testing.T, answer string) {
		c := New(func(context.Context, string, []any) (json.RawMessage, error) { return json.RawMessage(answer), nil })
		ctx := context.Background()
		_, _ = c.ChainID(ctx)
		_, _ = c.BlockNumber(ctx)
		if r, err := c.LatestRoundData(ctx, wire.Address{}, 1); err == nil && (r.ID == nil || r.ID.BitLen() > 80 || r.Answer == nil) {
			t.Fatalf("accepted a bad round %+v", r)
		}
	})
}
