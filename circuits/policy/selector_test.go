package policy

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The regexps the hand-written validators of selector.go replace, kept here
// only as their reference.
var (
	sigPattern    = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*)\((.*)\)$`)
	elemPattern   = regexp.MustCompile(`^(address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)|function)((\[[0-9]*\])*)$`)
	suffixPattern = regexp.MustCompile(`^(\[[0-9]*\])*$`)
)

func checkSig(t *testing.T, s string) {
	t.Helper()
	args, ok := splitSignature(s)
	m := sigPattern.FindStringSubmatch(s)
	if ok != (m != nil) || (ok && args != m[2]) {
		t.Fatalf("splitSignature(%q) = %q, %v; the pattern says %q", s, args, ok, m)
	}
}

func checkElem(t *testing.T, s string) {
	t.Helper()
	if got, want := isElemType(s), elemPattern.MatchString(s); got != want {
		t.Fatalf("isElemType(%q) = %v, the pattern says %v", s, got, want)
	}
	if got, want := isArraySuffix(s), suffixPattern.MatchString(s); got != want {
		t.Fatalf("isArraySuffix(%q) = %v, the pattern says %v", s, got, want)
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

func TestElemTypeMatchesPattern(t *testing.T) {
	var bases []string
	for _, p := range []string{"int", "uint", "bytes", "Int", "uint ", "iint", "bytes0", "int0"} {
		for n := range 300 {
			bases = append(bases, p+strconv.Itoa(n))
		}
		bases = append(bases, p, p+"00", p+"08", p+"-8", p+"+8", p+"8 ", p+"2560", p+"٣")
	}
	bases = append(bases, "address", "bool", "string", "function", "addres", "addresss", "Address", "tuple", "byte",
		"fixed", "ufixed", "fixed128x18", "", "boolx", "stringbool")
	suffixes := []string{"", "[]", "[0]", "[12]", "[][]", "[3][]", "[", "]", "[a]", "[-1]", "[ ]", "[1]]", "[[1]",
		"[]x", "[٣]", "[\n]", "[]\n", "[00]"}
	for _, b := range bases {
		for _, s := range suffixes {
			checkElem(t, b+s)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"int", "uint", "bytes", "address", "bool", "string", "function", "u", "i", "n", "t",
		"0", "1", "2", "3", "5", "6", "8", "9", "[", "]", "[]", "[", "]", "x", " ", "\n", "\xff", "é", "(", ")", ","}
	for range iterations() {
		checkElem(t, randString(rng, pieces, rng.IntN(8)))
	}
}
