package wire

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// idPattern is the language ValidID accepts, kept here only as the
// reference: the package itself has no regexp (no compile at start-up).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

func TestValidIDMatchesPattern(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := ValidID(s), idPattern.MatchString(s); got != want {
			t.Fatalf("ValidID(%q) = %v, the pattern says %v", s, got, want)
		}
	}
	check("")
	// Every string of one and two bytes.
	for a := range 256 {
		check(string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	// Random strings around the length limit, drawn mostly from the
	// accepted set with the characters next to its edges, control and
	// non-ASCII bytes, and multi-byte UTF-8 (valid and invalid) mixed in.
	valid := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-"
	near := []string{"/", "@", "[", "`", "{", ";", ",", "+", " ", "\n", "\t", "\x00", "\x7f", "\x80", "\xff",
		"é", "Ａ", "ı", "K", "\u212a", "\xc3", "\xe2\x84"}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n {
		length := rng.IntN(70)
		if rng.IntN(4) == 0 {
			length = 62 + rng.IntN(5) // 62 … 66
		}
		var b []byte
		bad := rng.IntN(3) == 0
		for range length {
			if bad && rng.IntN(length+1) == 0 {
				b = append(b, near[rng.IntN(len(near))]...)
			} else {
				b = append(b, valid[rng.IntN(len(valid))])
			}
		}
		check(string(b))
	}
}
