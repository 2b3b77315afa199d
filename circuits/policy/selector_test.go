package policy

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The regexp the hand-written splitSignature of selector.go replaces, kept
// here only as its reference.
var sigPattern = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*)\((.*)\)$`)

func checkSig(t *testing.T, s string) {
	t.Helper()
	args, ok := splitSignature(s)
	m := sigPattern.FindStringSubmatch(s)
	if ok != (m != nil) || (ok && args != m[2]) {
		t.Fatalf("splitSignature(%q) = %q, %v; the pattern says %q", s, args, ok, m)
	}
}

// randString draws n pieces from alphabet.
func randString(rng *rand.Rand, alphabet []string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

func iterations() int {
	if testing.Short() {
		return 20000
	}
	return 200000
}

func TestSplitSignatureMatchesPattern(t *testing.T) {
	for _, s := range []string{"", "(", ")", "()", "f", "f(", "f)", "f()", "f())", "f(()", "$()", "_()", "9()",
		"a9$_()", "f(\n)", "f()\n", "f(x)y)", "f(a,b)", "f(\xff)", "é()", "f\x00()", "f(()())", "f ()"} {
		checkSig(t, s)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", "m", "_", "$", "0", "9", "(", ")", "(", ")", ",", "[", "]", " ", "\t", "\n", "\r",
		"\x00", "\x7f", "\xff", "é", "`", "{", "@", "/", ":"}
	for range iterations() {
		checkSig(t, randString(rng, alphabet, rng.IntN(12)))
	}
}
