package daemon

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"unicode"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// Reader reads balances and calls contracts (token metadata): what
// GET /v1/wallet shows and what turns whole token units into base units.
// chainrpc.Chain implements it. Optional: without it the wallet has no
// balances and token amounts need their decimals from the chain.
type Reader interface {
	Balance(ctx context.Context, account wire.Address) (*big.Int, error)
	CallContract(ctx context.Context, to wire.Address, data []byte) ([]byte, error)
}

// Token is an ERC-20 token as the daemon knows it.
type Token struct {
	Address  wire.Address
	Symbol   string // from symbol(), else the policy's label
	Label    string // the policy target's label
	Decimals int    // from decimals()
}

// Selectors of the ERC-20 views the daemon reads.
var (
	selDecimals  = []byte{0x31, 0x3c, 0xe5, 0x67}
	selSymbol    = []byte{0x95, 0xd8, 0x9b, 0x41}
	selBalanceOf = []byte{0x70, 0xa0, 0x82, 0x31}
)

// tokenCache reads each token's decimals and symbol from the chain once.
type tokenCache struct {
	pol    *policy.Policy
	reader Reader
	mu     sync.Mutex
	known  map[wire.Address]Token
}

func newTokenCache(pol *policy.Policy, r Reader) *tokenCache {
	return &tokenCache{pol: pol, reader: r, known: map[wire.Address]Token{}}
}

// policyTokens are the policy's tokens: the targets with a token window
// (windowMax) and those whose calls include transfer or approve.
func (c *tokenCache) policyTokens() []policy.Target {
	var out []policy.Target
	for _, t := range c.pol.Targets {
		if c.pol.TokenWindow(t.Address) != nil || erc20Call(c.pol, t.Address, policy.SelectorTransfer) != nil ||
			erc20Call(c.pol, t.Address, policy.SelectorApprove) != nil {
			out = append(out, t)
		}
	}
	return out
}

// erc20Call returns token's call with selector sel in its ERC-20 shape
// (two words: an address and an amount), or nil.
func erc20Call(pol *policy.Policy, token wire.Address, sel uint64) *policy.CallRule {
	for _, cr := range pol.CallsOn(token) {
		if cr.Selector == sel && cr.Words == 2 {
			return cr
		}
	}
	return nil
}

func (c *tokenCache) label(a wire.Address) string {
	for _, t := range c.pol.Targets {
		if t.Address == a {
			return t.Label
		}
	}
	return ""
}

// get returns the token at a, reading it from the chain the first time.
func (c *tokenCache) get(ctx context.Context, a wire.Address) (Token, error) {
	c.mu.Lock()
	t, ok := c.known[a]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	if c.reader == nil {
		return Token{}, wire.Errorf(CodeChainUnavailable, "the token %s's decimals are unknown: the agent host has no chain RPC (--rpc)", a.Hex())
	}
	t = Token{Address: a, Label: c.label(a)}
	out, err := c.reader.CallContract(ctx, a, selDecimals)
	if err != nil {
		return Token{}, wire.Errorf(CodeChainUnavailable, "read decimals() of %s: %v", a.Hex(), err)
	}
	if len(out) != 32 || !allZero(out[:31]) || out[31] > 36 {
		return Token{}, wire.Errorf(wire.Malformed, "%s does not answer decimals() like an ERC-20 token; give the amount in base units with call_contract", a.Hex())
	}
	t.Decimals = int(out[31])
	if out, err := c.reader.CallContract(ctx, a, selSymbol); err == nil {
		t.Symbol = decodeSymbol(out)
	}
	if t.Symbol == "" {
		t.Symbol = t.Label
	}
	if t.Symbol == "" {
		t.Symbol = "token " + a.Hex()[:8]
	}
	c.mu.Lock()
	if len(c.known) < maxKnownTokens || c.label(a) != "" || c.isPolicyToken(a) {
		c.known[a] = t
	}
	c.mu.Unlock()
	return t, nil
}

// maxKnownTokens bounds the cache of tokens outside the policy.
const maxKnownTokens = 256

func (c *tokenCache) isPolicyToken(a wire.Address) bool {
	for _, t := range c.policyTokens() {
		if t.Address == a {
			return true
		}
	}
	return false
}

// resolve finds a token by address, by the policy's label or by symbol
// (case-insensitive), among the policy's ERC-20 targets for names.
func (c *tokenCache) resolve(ctx context.Context, name string) (Token, error) {
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "0x") || strings.HasPrefix(name, "0X") {
		a, err := wire.ParseAddress(name)
		if err != nil {
			return Token{}, wire.Errorf(wire.Malformed, "token: %s", wire.MessageOf(err))
		}
		return c.get(ctx, a)
	}
	var names []string
	for _, t := range c.policyTokens() {
		if strings.EqualFold(t.Label, name) {
			return c.get(ctx, t.Address)
		}
		tok, err := c.get(ctx, t.Address)
		if err == nil && strings.EqualFold(tok.Symbol, name) {
			return tok, nil
		}
		n := t.Address.Hex()
		if err == nil {
			n = tok.Symbol + " (" + n + ")"
		} else if t.Label != "" {
			n = t.Label + " (" + n + ")"
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return Token{}, wire.Errorf(wire.Malformed, "token %q: the policy allows no ERC-20 token", clip(name))
	}
	return Token{}, wire.Errorf(wire.Malformed, "token %q is not a token of the policy; name one of: %s (or give its address)", clip(name), strings.Join(names, ", "))
}

// balanceOf reads an ERC-20 balance.
func (c *tokenCache) balanceOf(ctx context.Context, token, account wire.Address) (*big.Int, error) {
	data := append(append([]byte{}, selBalanceOf...), make([]byte, 32)...)
	copy(data[4+12:], account[:])
	out, err := c.reader.CallContract(ctx, token, data)
	if err != nil {
		return nil, err
	}
	if len(out) != 32 {
		return nil, fmt.Errorf("balanceOf answered %d bytes", len(out))
	}
	return new(big.Int).SetBytes(out), nil
}

// decodeSymbol reads symbol()'s answer: an ABI string, or a bytes32 (old
// tokens). Only printable text of at most 32 characters is kept.
func decodeSymbol(out []byte) string {
	var raw []byte
	switch {
	case len(out) == 32:
		raw = out
	case len(out) >= 96 && allZero(out[:24]) && binary.BigEndian.Uint64(out[24:32]) == 32:
		if !allZero(out[32:56]) {
			return ""
		}
		n := binary.BigEndian.Uint64(out[56:64])
		if n > 32 || uint64(len(out)) < 64+n {
			return ""
		}
		raw = out[64 : 64+n]
	default:
		return ""
	}
	s := strings.TrimRight(string(raw), "\x00")
	for _, r := range s {
		if !unicode.IsPrint(r) || r > unicode.MaxASCII {
			return ""
		}
	}
	return s
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// NativeDecimals and NativeSymbol describe the chain's coin.
const (
	NativeDecimals = 18
	NativeSymbol   = "ETH"
)

// ParseUnits reads an amount in whole units ("1.5", "1000", "0.000001")
// into base units with decimals places, refusing what would be a fraction
// of a base unit, signs, exponents and separators. A trailing symbol equal
// to symbol (case-insensitive) is allowed ("1.5 dUSD").
func ParseUnits(s string, decimals int, symbol string) (*big.Int, error) {
	s = strings.TrimSpace(s)
	if num, unit, ok := strings.Cut(s, " "); ok {
		if !strings.EqualFold(strings.TrimSpace(unit), symbol) {
			return nil, wire.Errorf(wire.Malformed, "amount %q: the unit is %s (write the number alone, e.g. \"1.5\")", clip(s), symbol)
		}
		s = num
	}
	if s == "" || len(s) > 100 {
		return nil, wire.Errorf(wire.Malformed, "amount: a decimal number of whole %s is required, e.g. \"1.5\"", symbol)
	}
	ip, frac, hasFrac := strings.Cut(s, ".")
	if ip == "" || !digits(ip) || (hasFrac && (frac == "" || !digits(frac))) {
		return nil, wire.Errorf(wire.Malformed, "amount %q is not a non-negative decimal number of %s, e.g. \"1.5\"", clip(s), symbol)
	}
	if len(frac) > decimals {
		return nil, wire.Errorf(wire.Malformed, "amount %q has more than the %d decimals %s has", clip(s), decimals, symbol)
	}
	v, _ := new(big.Int).SetString(ip+frac+strings.Repeat("0", decimals-len(frac)), 10)
	if v.BitLen() > 256 {
		return nil, wire.Errorf(wire.Malformed, "amount %q is too large", clip(s))
	}
	return v, nil
}

// FormatUnits writes base units v in whole units with decimals places,
// without trailing zeros ("1.5", "1000", "0").
func FormatUnits(v *big.Int, decimals int) string {
	neg := v.Sign() < 0
	s := new(big.Int).Abs(v).String()
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if neg {
		s = "-" + s
	}
	return s
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
