package fuzzcorpus

import (
	"math/rand/v2"
	"strings"
)

// pieces are spliced into documents by Mutate: JSON's delimiters, the
// literals, the escapes and the characters the strict decoders' rules are
// about (lone surrogates, U+FFFD, invalid UTF-8, case folds, nesting).
var pieces = []string{"{", "}", "[", "]", `"`, ",", ":", `\`, " ", "\n", "0", "-", ".", "e", "E", "+", "1e5", "-0", "01",
	"null", "true", "false", `"k":1,`, `"typedData":{},`, `"typedData"`, `"\u0074ypedData"`, `\ud800`, `\udc00`, `\ud800\udc00`,
	`\ufffd`, "\xef\xbf\xbd", "\xff", "\xc3", "\x00", "\x1f", `\u0041`, `\u017f`, "ſ", "K", `\"`, `\u00`, `\x`, "/",
	strings.Repeat("[", 66), strings.Repeat("]", 66)}

// values replace a member's value in Mutate: null, each JSON kind, and
// values the strict rules refuse.
var values = []string{"null", "true", "0", "-1", "1.5", `""`, `"x"`, "{}", "[]", "[null]", `[{}]`, `{"":null}`, `{"a":1,"a":2}`,
	`"\ud800"`, `"\ufffd"`, `[[]]`, `{"name":1}`, `[{"name":"a","type":1}]`, `"0x"`, `"0x0"`, `"0x00"`, "2", "4294967296", "18446744073709551616", `"2"`, "2.0", "2e0"}

// nested is a value n arrays deep.
func nested(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }

// Mutate returns a variant of a JSON document b for differential tests
// of decoders: one to three edits, each inserting or substituting a piece,
// deleting or repeating a span (duplicate keys and members), flipping a
// letter's case (key variants), truncating, or replacing a member's value
// with another (of another kind, null, or nested around the depth
// limits). It is deterministic in r.
func Mutate(r *rand.Rand, b []byte) []byte {
	out := append([]byte(nil), b...)
	for n := 1 + r.IntN(3); n > 0; n-- {
		i := r.IntN(len(out) + 1)
		switch r.IntN(8) {
		case 0:
			out = append(out[:i], append([]byte(pieces[r.IntN(len(pieces))]), out[i:]...)...)
		case 1:
			if i < len(out) {
				out = append(out[:i], append([]byte(pieces[r.IntN(len(pieces))]), out[i+1:]...)...)
			}
		case 2:
			j := min(i+r.IntN(8), len(out))
			out = append(out[:i], out[j:]...)
		case 3:
			j := min(i+r.IntN(64), len(out))
			out = append(out[:j], append(append([]byte(nil), out[i:j]...), out[j:]...)...)
		case 4:
			if i < len(out) && 'a' <= out[i]|0x20 && out[i]|0x20 <= 'z' {
				out[i] ^= 0x20
			}
		case 5:
			out = out[:i]
		case 6, 7:
			out = replaceValue(r, out)
		}
	}
	return out
}

// Replacements returns, for every member of b (each `":`), a variant with
// its value replaced by each of Mutate's replacement values: a sweep of
// every field with null, every JSON kind and the values strict rules
// refuse.
func Replacements(b []byte) [][]byte {
	var out [][]byte
	for _, i := range valueStarts(b) {
		j := valueEnd(b, i)
		for _, v := range values {
			out = append(out, append(append(append([]byte(nil), b[:i]...), v...), b[j:]...))
		}
	}
	return out
}

// valueStarts are the offsets just after each `":` of b.
func valueStarts(b []byte) []int {
	var keys []int
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '"' && b[i+1] == ':' {
			keys = append(keys, i+2)
		}
	}
	return keys
}

// valueEnd is the offset of the next ',' or '}' from i.
func valueEnd(b []byte, i int) int {
	for i < len(b) && b[i] != ',' && b[i] != '}' {
		i++
	}
	return i
}

// replaceValue replaces the value after a random `":` (the end of a key)
// up to the next ',' or '}' (a scalar, or the start of a container).
func replaceValue(r *rand.Rand, b []byte) []byte {
	keys := valueStarts(b)
	if len(keys) == 0 {
		return b
	}
	i := keys[r.IntN(len(keys))]
	j := valueEnd(b, i)
	v := values[r.IntN(len(values))]
	if r.IntN(4) == 0 {
		v = nested(56 + r.IntN(12))
	}
	return append(append(append([]byte(nil), b[:i]...), v...), b[j:]...)
}
