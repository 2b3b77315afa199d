package wire_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

const okTx = `{"chainId":"0x539","nonce":"0x0","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"0x1","data":"0x","gas":"0x5208","maxFeePerGas":"0x2","maxPriorityFeePerGas":"0x1"}`

func TestDecodeTxBadInput(t *testing.T) {
	repl := func(old, new string) string { return strings.Replace(okTx, old, new, 1) }
	cases := map[string]string{
		"malformed JSON":         `{"chainId":`,
		"not an object":          `[1,2]`,
		"bad hex":                repl(`"value":"0x1"`, `"value":"0xzz"`),
		"leading zeros":          repl(`"value":"0x1"`, `"value":"0x01"`),
		"no 0x":                  repl(`"value":"0x1"`, `"value":"1"`),
		"negative":               repl(`"value":"0x1"`, `"value":"-0x1"`),
		"number not string":      repl(`"value":"0x1"`, `"value":1`),
		"value over 256 bits":    repl(`"value":"0x1"`, `"value":"0x1`+strings.Repeat("0", 64)+`"`),
		"nonce over 64 bits":     repl(`"nonce":"0x0"`, `"nonce":"0x10000000000000000"`),
		"fee over 128 bits":      repl(`"maxFeePerGas":"0x2"`, `"maxFeePerGas":"0x1`+strings.Repeat("0", 32)+`"`),
		"priority above max fee": repl(`"maxPriorityFeePerGas":"0x1"`, `"maxPriorityFeePerGas":"0x3"`),
		"unknown field":          repl(`"gas"`, `"gasPrice":"0x1","gas"`),
		"duplicate key":          repl(`"gas"`, `"value":"0x2","gas"`),
		"short address":          repl(`0x70997970C51812dc3A010C7d01b50e0d17dc79C8`, `0x7099`),
		"missing to":             repl(`"to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",`, ``),
		"odd-length data":        repl(`"data":"0x"`, `"data":"0x123"`),
		"legacy type":            repl(`"gas"`, `"type":"0x0","gas"`),
		"access list":            repl(`"gas"`, `"accessList":[{}],"gas"`),
		"data and input differ":  repl(`"gas"`, `"input":"0x12","gas"`),
		"1 MiB calldata":         repl(`"data":"0x"`, `"data":"0x`+strings.Repeat("ab", 1<<20)+`"`),
		"trailing data":          okTx + `{}`,
		"zero chain":             repl(`"chainId":"0x539"`, `"chainId":"0x0"`),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := wire.DecodeTx([]byte(in))
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("got %v, want malformed", err)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("error message echoes too much input: %d bytes", len(err.Error()))
			}
		})
	}
	if _, err := wire.DecodeTx([]byte(okTx)); err != nil {
		t.Fatal(err)
	}
}

func TestCodes(t *testing.T) {
	err := wire.Violation("value", "too much")
	if wire.CodeOf(err) != "policy_violation:value" || wire.CodeOf(err).Rule() != "value" {
		t.Fatal(wire.CodeOf(err))
	}
	if !errors.Is(wire.Errorf(wire.Replay, "seen"), wire.ErrReplay) || errors.Is(err, wire.ErrReplay) {
		t.Fatal("errors.Is by code")
	}
}
