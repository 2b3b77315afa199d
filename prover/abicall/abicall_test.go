package abicall_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/prover/abicall"
	"github.com/leash-wallet/leash/wire"
)

func args(t testing.TB, js string) []json.RawMessage {
	t.Helper()
	var a []json.RawMessage
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestMatchesTheBindings: the encoding is byte-equal to the generated
// contract bindings' for the calls the demo policy allows.
func TestMatchesTheBindings(t *testing.T) {
	alice := common.HexToAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
	tok := contracts.NewTestToken()
	amt, _ := new(big.Int).SetString("1500000000000000000", 10)
	for _, c := range []struct {
		sig, args string
		want      []byte
	}{
		{"transfer(address,uint256)", `["0x70997970C51812dc3A010C7d01b50e0d17dc79C8","1500000000000000000"]`, tok.PackTransfer(alice, amt)},
		{"approve(address, uint)", `["0x70997970c51812dc3a010c7d01b50e0d17dc79c8","0x14d1120d7b160000"]`, tok.PackApprove(alice, amt)},
	} {
		got, err := abicall.Encode(c.sig, args(t, c.args))
		if err != nil {
			t.Fatalf("%s: %v", c.sig, err)
		}
		if !bytes.Equal(got, c.want) {
			t.Fatalf("%s:\n got %x\nwant %x", c.sig, got, c.want)
		}
	}
}

func TestTypes(t *testing.T) {
	got, err := abicall.Encode("f(bool,int8,bytes4,uint16[2],string,bytes,address[])",
		args(t, `[true,"-128","0x01020304",["1","65535"],"hi","0xabcd",["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]]`))
	if err != nil {
		t.Fatal(err)
	}
	sel := abicall.Selector("f(bool,int8,bytes4,uint16[2],string,bytes,address[])")
	if !bytes.Equal(got[:4], sel[:]) || len(got)%32 != 4 {
		t.Fatalf("%x", got)
	}
	// int8 -128 is sign-extended over its word
	if hex.EncodeToString(got[4+32:4+64]) != "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80" {
		t.Fatalf("int8 word %x", got[36:68])
	}
}

func TestRefusals(t *testing.T) {
	for name, c := range map[string]struct{ sig, args string }{
		"no parens":          {"transfer", `[]`},
		"tuple":              {"f((uint256,address))", `[["1","0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]]`},
		"named arg":          {"transfer(address to,uint256)", `["0x70997970C51812dc3A010C7d01b50e0d17dc79C8","1"]`},
		"unknown type":       {"f(uint7)", `["1"]`},
		"arity":              {"transfer(address,uint256)", `["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]`},
		"number not string":  {"f(uint256)", `[1]`},
		"negative uint":      {"f(uint256)", `["-1"]`},
		"uint8 overflow":     {"f(uint8)", `["256"]`},
		"int8 overflow":      {"f(int8)", `["128"]`},
		"uint256 overflow":   {"f(uint256)", `["0x1` + string(bytes.Repeat([]byte("0"), 64)) + `"]`},
		"short address":      {"f(address)", `["0x1234"]`},
		"bytes4 wrong size":  {"f(bytes4)", `["0x010203"]`},
		"odd hex":            {"f(bytes)", `["0x123"]`},
		"fixed array size":   {"f(uint8[2])", `[["1"]]`},
		"bool as string":     {"f(bool)", `["true"]`},
		"bad name":           {"1f(uint256)", `["1"]`},
		"decimal fraction":   {"f(uint256)", `["1.5"]`},
		"plus sign":          {"f(uint256)", `["+1"]`},
		"array not an array": {"f(uint8[])", `["1"]`},
	} {
		_, err := abicall.Encode(c.sig, args(t, c.args))
		if !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzEncode(f *testing.F) {
	f.Add("transfer(address,uint256)", `["0x70997970C51812dc3A010C7d01b50e0d17dc79C8","1"]`)
	f.Add("f(bool,int8,bytes4,uint16[2],string,bytes,address[])", `[true,"-128","0x01020304",["1","65535"],"hi","0xabcd",[]]`)
	f.Add("f(uint256[][])", `[[["1"],["2","3"]]]`)
	f.Fuzz(func(t *testing.T, sig, js string) {
		var a []json.RawMessage
		if json.Unmarshal([]byte(js), &a) != nil {
			return
		}
		data, err := abicall.Encode(sig, a)
		if err != nil {
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		canon, _, err := abicall.Canonical(sig)
		if err != nil {
			t.Fatal("encoded a signature Canonical refuses")
		}
		sel := abicall.Selector(canon)
		if len(data) < 4 || !bytes.Equal(data[:4], sel[:]) || (len(data)-4)%32 != 0 {
			t.Fatalf("calldata %x", data)
		}
	})
}
