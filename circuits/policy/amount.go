package policy

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Amount is a non-negative integer written in JSON as a string: decimal
// ("1000"), hex ("0x3e8"), or a decimal with a unit for native value
// ("1.5 ether", "20 gwei", "7 wei"). JSON numbers are refused because they
// lose precision above 2^53.
type Amount struct{ big.Int }

var units = map[string]int{"wei": 0, "gwei": 9, "ether": 18, "eth": 18}

func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

func (a *Amount) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("amounts are written as strings, e.g. \"1.5 ether\" or \"1000\"")
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	a.Set(v)
	return nil
}

// ParseAmount parses the Amount syntax.
func ParseAmount(s string) (*big.Int, error) { return parseAmountUnits(s, nil) }

// parseAmountUnits parses the Amount syntax, with token symbols as extra
// units (symbol → decimals, matched exactly: "250 USDC").
func parseAmountUnits(s string, tokens map[string]int) (*big.Int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty amount")
	}
	if len(s) > 100 {
		return nil, fmt.Errorf("amount %q is too long", s[:20]+"...")
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, ok := new(big.Int).SetString(s[2:], 16)
		if !ok || strings.HasPrefix(s[2:], "-") || strings.HasPrefix(s[2:], "+") {
			return nil, fmt.Errorf("amount %q: bad hex", s)
		}
		return v, nil
	}
	num, unit, hasUnit := strings.Cut(s, " ")
	exp := 0
	if hasUnit {
		unit = strings.TrimSpace(unit)
		e, ok := units[strings.ToLower(unit)]
		if te, isToken := tokens[unit]; isToken {
			e, ok = te, true
		}
		if !ok {
			return nil, fmt.Errorf("amount %q: unknown unit %q (use wei, gwei, ether or a token symbol with decimals)", s, unit)
		}
		exp = e
	}
	intPart, frac, hasFrac := strings.Cut(num, ".")
	if intPart == "" || !allDigits(intPart) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return nil, fmt.Errorf("amount %q: not a non-negative decimal number", s)
	}
	if len(frac) > exp {
		return nil, fmt.Errorf("amount %q: more decimals than the unit allows (would be a fraction of a wei)", s)
	}
	digits := intPart + frac + strings.Repeat("0", exp-len(frac))
	v, _ := new(big.Int).SetString(digits, 10)
	return v, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Timestamp is a unix time in seconds, written in JSON as a number or as an
// RFC 3339 string ("2026-01-01T00:00:00Z").
type Timestamp uint64

func (t Timestamp) MarshalJSON() ([]byte, error) { return json.Marshal(uint64(t)) }

func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var n uint64
	if err := json.Unmarshal(b, &n); err == nil {
		*t = Timestamp(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a time is unix seconds or an RFC 3339 string")
	}
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("time %q is not RFC 3339 (e.g. 2026-01-01T00:00:00Z)", s)
	}
	if tm.Unix() < 0 {
		return fmt.Errorf("time %q is before 1970", s)
	}
	*t = Timestamp(tm.Unix())
	return nil
}

// formatWei renders a wei amount for humans: "1.5 ETH", "20 gwei", "7 wei".
func formatWei(v *big.Int) string {
	if v.Sign() == 0 {
		return "0 ETH"
	}
	for _, u := range []struct {
		name string
		exp  int64
	}{{"ETH", 18}, {"gwei", 9}} {
		unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(u.exp), nil)
		if v.Cmp(new(big.Int).Div(unit, big.NewInt(1000))) >= 0 {
			r := new(big.Rat).SetFrac(v, unit)
			s := strings.TrimRight(strings.TrimRight(r.FloatString(int(u.exp)), "0"), ".")
			return s + " " + u.name
		}
	}
	return v.String() + " wei"
}
