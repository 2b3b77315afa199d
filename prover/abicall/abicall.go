package abicall

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wire"
)

// MaxArgs bounds the arguments of a call, MaxElems the elements of an array.
const (
	MaxArgs  = 32
	MaxElems = 256
)

// Canonical parses a signature such as "transfer(address, uint)" and
// returns its canonical form ("transfer(address,uint256)") and the types.
func Canonical(sig string) (string, []abi.Type, error) {
	open := strings.IndexByte(sig, '(')
	if open <= 0 || !strings.HasSuffix(sig, ")") || len(sig) > 512 {
		return "", nil, bad("function %q: write it as name(type,…), e.g. transfer(address,uint256)", clip(sig))
	}
	name := strings.TrimSpace(sig[:open])
	if !isIdent(name) {
		return "", nil, bad("function %q: %q is not a function name", clip(sig), clip(name))
	}
	inner := sig[open+1 : len(sig)-1]
	if strings.ContainsAny(inner, "()") {
		return "", nil, bad("function %q: tuple arguments are not supported; send the calldata as data", clip(sig))
	}
	var names []string
	var types []abi.Type
	if strings.TrimSpace(inner) != "" {
		for _, part := range strings.Split(inner, ",") {
			t := canonicalType(strings.TrimSpace(part))
			if t == "" || strings.ContainsAny(t, " \t\n") {
				return "", nil, bad("function %q: argument type %q is not a canonical type (no argument names)", clip(sig), clip(part))
			}
			at, err := abi.NewType(t, "", nil)
			if err != nil {
				return "", nil, bad("function %q: type %q: %v", clip(sig), clip(t), err)
			}
			if !supported(at) {
				return "", nil, bad("function %q: type %q is not supported", clip(sig), t)
			}
			names, types = append(names, t), append(types, at)
		}
	}
	if len(types) > MaxArgs {
		return "", nil, bad("function %q: %d arguments, at most %d", clip(sig), len(types), MaxArgs)
	}
	return name + "(" + strings.Join(names, ",") + ")", types, nil
}

// Selector is the 4-byte selector of a canonical signature.
func Selector(canonical string) [4]byte {
	var s [4]byte
	copy(s[:], crypto.Keccak256([]byte(canonical)))
	return s
}

// Encode returns the calldata of sig called with args.
func Encode(sig string, args []json.RawMessage) ([]byte, error) {
	canon, types, err := Canonical(sig)
	if err != nil {
		return nil, err
	}
	if len(args) != len(types) {
		return nil, bad("%s takes %d arguments, %d given", canon, len(types), len(args))
	}
	vals := make([]any, len(args))
	var abiArgs abi.Arguments
	for i, t := range types {
		v, err := value(t, args[i])
		if err != nil {
			return nil, bad("%s: argument %d (%s): %v", canon, i+1, t.String(), err)
		}
		vals[i] = v.Interface()
		abiArgs = append(abiArgs, abi.Argument{Type: t})
	}
	packed, err := abiArgs.Pack(vals...)
	if err != nil {
		return nil, bad("%s: %v", canon, err)
	}
	sel := Selector(canon)
	return append(sel[:], packed...), nil
}

// value converts one JSON argument into the Go value abi packs for t.
func value(t abi.Type, raw json.RawMessage) (reflect.Value, error) {
	gt := t.GetType()
	switch t.T {
	case abi.AddressTy:
		s, err := str(raw)
		if err != nil {
			return reflect.Value{}, err
		}
		a, err := wire.ParseAddress(s)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%s", wire.MessageOf(err))
		}
		return reflect.ValueOf(common.Address(a)), nil
	case abi.BoolTy:
		switch string(bytes.TrimSpace(raw)) {
		case "true":
			return reflect.ValueOf(true), nil
		case "false":
			return reflect.ValueOf(false), nil
		}
		return reflect.Value{}, fmt.Errorf("want true or false")
	case abi.StringTy:
		s, err := str(raw)
		return reflect.ValueOf(s), err
	case abi.BytesTy, abi.FixedBytesTy:
		s, err := str(raw)
		if err != nil {
			return reflect.Value{}, err
		}
		b, err := wire.ParseBytes(s)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%s", wire.MessageOf(err))
		}
		if t.T == abi.BytesTy {
			return reflect.ValueOf([]byte(b)), nil
		}
		if len(b) != t.Size {
			return reflect.Value{}, fmt.Errorf("want exactly %d bytes, got %d", t.Size, len(b))
		}
		v := reflect.New(gt).Elem()
		reflect.Copy(v, reflect.ValueOf([]byte(b)))
		return v, nil
	case abi.UintTy, abi.IntTy:
		n, err := integer(raw)
		if err != nil {
			return reflect.Value{}, err
		}
		if err := inRange(n, t.T == abi.IntTy, t.Size); err != nil {
			return reflect.Value{}, err
		}
		if gt == reflect.TypeOf((*big.Int)(nil)) {
			return reflect.ValueOf(n), nil
		}
		v := reflect.New(gt).Elem()
		if t.T == abi.IntTy {
			v.SetInt(n.Int64())
		} else {
			v.SetUint(n.Uint64())
		}
		return v, nil
	case abi.SliceTy, abi.ArrayTy:
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return reflect.Value{}, fmt.Errorf("want a JSON array")
		}
		if len(elems) > MaxElems {
			return reflect.Value{}, fmt.Errorf("%d elements, at most %d", len(elems), MaxElems)
		}
		if t.T == abi.ArrayTy && len(elems) != t.Size {
			return reflect.Value{}, fmt.Errorf("want exactly %d elements, got %d", t.Size, len(elems))
		}
		var v reflect.Value
		if t.T == abi.SliceTy {
			v = reflect.MakeSlice(gt, len(elems), len(elems))
		} else {
			v = reflect.New(gt).Elem()
		}
		for i, e := range elems {
			ev, err := value(*t.Elem, e)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("element %d: %v", i, err)
			}
			v.Index(i).Set(ev)
		}
		return v, nil
	}
	return reflect.Value{}, fmt.Errorf("type %s is not supported", t.String())
}

// supported reports whether t is one of the types the package encodes,
// with a size the ABI defines (go-ethereum's parser accepts uint7).
func supported(t abi.Type) bool {
	switch t.T {
	case abi.SliceTy, abi.ArrayTy:
		return t.Elem != nil && supported(*t.Elem)
	case abi.UintTy, abi.IntTy:
		return t.Size >= 8 && t.Size <= 256 && t.Size%8 == 0
	case abi.FixedBytesTy:
		return t.Size >= 1 && t.Size <= 32
	case abi.AddressTy, abi.BoolTy, abi.StringTy, abi.BytesTy:
		return true
	}
	return false
}

func str(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("want a JSON string")
	}
	return s, nil
}

// integer reads a decimal or 0x-hex integer written as a JSON string.
func integer(raw json.RawMessage) (*big.Int, error) {
	s, err := str(raw)
	if err != nil {
		return nil, fmt.Errorf("want the integer as a JSON string, e.g. \"1500000\" or \"0x16e360\"")
	}
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	base := 10
	if strings.HasPrefix(digits, "0x") || strings.HasPrefix(digits, "0X") {
		base, digits = 16, digits[2:]
	}
	if digits == "" || len(digits) > 80 || strings.ContainsAny(digits, "+-_ ") {
		return nil, fmt.Errorf("%q is not an integer", clip(s))
	}
	n, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return nil, fmt.Errorf("%q is not an integer", clip(s))
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

func inRange(n *big.Int, signed bool, bits int) error {
	if !signed {
		if n.Sign() < 0 || n.BitLen() > bits {
			return fmt.Errorf("%s is out of range for uint%d", n, bits)
		}
		return nil
	}
	lim := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	if n.Cmp(new(big.Int).Neg(lim)) < 0 || n.Cmp(lim) >= 0 {
		return fmt.Errorf("%s is out of range for int%d", n, bits)
	}
	return nil
}

// canonicalType spells the aliases out: uint → uint256, int → int256 (also
// inside arrays).
func canonicalType(t string) string {
	base, rest := t, ""
	if i := strings.IndexByte(t, '['); i >= 0 {
		base, rest = t[:i], t[i:]
	}
	switch base {
	case "uint":
		base = "uint256"
	case "int":
		base = "int256"
	}
	return base + rest
}

func isIdent(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i, c := range s {
		if c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

func bad(format string, args ...any) error { return wire.Errorf(wire.Malformed, format, args...) }

func clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
