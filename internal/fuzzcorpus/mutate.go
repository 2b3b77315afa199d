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
	`"\ud800"`, `"\ufffd"`, `[[]]`, `{"name":1}`, `[{"name":"a","type":1}]`, `"0x"`, `"0x0"`, `"0x00"`}

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

// replaceValue replaces the value after a random `":` (the end of a key)
// up to the next ',' or '}' (a scalar, or the start of a container).
func replaceValue(r *rand.Rand, b []byte) []byte {
	var keys []int
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '"' && b[i+1] == ':' {
			keys = append(keys, i+2)
		}
	}
	if len(keys) == 0 {
		return b
	}
	i := keys[r.IntN(len(keys))]
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' {
		j++
	}
	v := values[r.IntN(len(values))]
	if r.IntN(4) == 0 {
		v = nested(56 + r.IntN(12))
	}
	return append(append(append([]byte(nil), b[:i]...), v...), b[j:]...)
}
