package daemon

import (
	"math/big"
	"strings"
	"testing"
)

func TestParseAndFormatUnits(t *testing.T) {
	for _, c := range []struct {
		in   string
		dec  int
		want string
	}{{"0.1", 18, "100000000000000000"}, {"1", 6, "1000000"}, {"12.5", 6, "12500000"}, {"0", 18, "0"},
		{"1.5 dUSD", 18, "1500000000000000000"}, {"1000000", 0, "1000000"}, {"0.000001", 6, "1"}} {
		v, err := ParseUnits(c.in, c.dec, "dUSD")
		if err != nil || v.String() != c.want {
			t.Errorf("%q/%d: %v %v", c.in, c.dec, v, err)
		}
		if back := FormatUnits(v, c.dec); !strings.HasPrefix(c.in, back) && c.in != back {
			t.Errorf("%q: formatted back %q", c.in, back)
		}
	}
	for _, bad := range []string{"", "-1", "+1", "1e18", "0x10", "1.", ".5", "1,000", "1.0000001", "1 ETH", " ", "١", "NaN", "1 2",
		strings.Repeat("9", 101)} {
		if _, err := ParseUnits(bad, 6, "dUSD"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if s := FormatUnits(big.NewInt(1), 18); s != "0.000000000000000001" {
		t.Error(s)
	}
}

func FuzzParseUnits(f *testing.F) {
	for _, s := range []string{"0.1", "1", "12.5 dUSD", "1e18", "-1", "0.0000001"} {
		f.Add(s, uint8(6))
	}
	f.Fuzz(func(t *testing.T, s string, dec uint8) {
		d := int(dec % 37)
		v, err := ParseUnits(s, d, "dUSD")
		if err != nil {
			return
		}
		if v.Sign() < 0 || v.BitLen() > 256 {
			t.Fatalf("%q → %s", s, v)
		}
		w, err := ParseUnits(FormatUnits(v, d), d, "dUSD")
		if err != nil || w.Cmp(v) != 0 {
			t.Fatalf("%q → %s → %q → %v %v", s, v, FormatUnits(v, d), w, err)
		}
	})
}

func FuzzDecodeSymbol(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add(append(append(make([]byte, 31), 32), append(make([]byte, 31), 4)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := decodeSymbol(b)
		if len(s) > 32 {
			t.Fatalf("%q", s)
		}
		for _, r := range s {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("%q", s)
			}
		}
	})
}
