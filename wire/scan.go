package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// scanner reads one JSON document byte by byte, with the grammar of
// RFC 8259 as encoding/json applies it (the same whitespace, literals,
// numbers and escapes), without allocating for what it only checks. It
// backs CheckShape and IsSigProposal, which walked the document with
// encoding/json's Decoder.Token and Unmarshal before: a token at a time,
// each one allocated, which was most of a signature proposal's decode
// time in WebAssembly.
type scanner struct {
	data []byte
	pos  int
}

// syntaxError is the error of a document that is not JSON.
func (s *scanner) syntaxError(what string) error {
	if s.pos >= len(s.data) {
		return fmt.Errorf("invalid JSON: unexpected end of the document (%s)", what)
	}
	return fmt.Errorf("invalid JSON: unexpected %q at offset %d (%s)", s.data[s.pos], s.pos, what)
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after whitespace, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// expect consumes byte c after whitespace.
func (s *scanner) expect(c byte, what string) error {
	if s.peek() != c {
		return s.syntaxError(what)
	}
	s.pos++
	return nil
}

// str consumes a string (at its opening quote) and returns its raw bytes
// between the quotes, and whether it is plain: no escape and no byte
// outside ASCII, so that the raw bytes are the decoded value.
func (s *scanner) str() (raw []byte, plain bool, err error) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, false, s.syntaxError("want a string")
	}
	start := s.pos + 1
	plain = true
	for i := start; i < len(s.data); i++ {
		c := s.data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], plain, nil
		case c < 0x20:
			s.pos = i
			return nil, false, s.syntaxError("a control character in a string")
		case c >= 0x80:
			plain = false
		case c == '\\':
			plain = false
			i++
			if i >= len(s.data) {
				s.pos = i
				return nil, false, s.syntaxError("an escape")
			}
			switch s.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s.data) {
					s.pos = len(s.data)
					return nil, false, s.syntaxError("a \\u escape")
				}
				for _, h := range s.data[i+1 : i+5] {
					if !isHex(h) {
						s.pos = i
						return nil, false, s.syntaxError("a \\u escape")
					}
				}
				i += 4
			default:
				s.pos = i
				return nil, false, s.syntaxError("an escape")
			}
		}
	}
	s.pos = len(s.data)
	return nil, false, s.syntaxError("an unterminated string")
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// decoded is a string's value as encoding/json decodes it: the raw bytes
// when plain, else unquoted by encoding/json itself (invalid UTF-8 and
// escaped lone surrogates become U+FFFD there).
func decoded(raw []byte, plain bool) []byte {
	if plain {
		return raw
	}
	if !bytes.ContainsRune(raw, '\\') && utf8.Valid(raw) {
		return raw
	}
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	var v string
	if json.Unmarshal(q, &v) != nil { // cannot happen: str checked the syntax
		return []byte{0xEF, 0xBF, 0xBD}
	}
	return []byte(v)
}

// invalidText reports whether a string's decoded value holds U+FFFD: an
// escaped lone surrogate or invalid UTF-8 (Go and JavaScript decode those
// differently), or the replacement character itself, as the Token walk
// refused them.
func invalidText(raw []byte, plain bool) bool {
	if plain {
		return false
	}
	return bytes.ContainsRune(decoded(raw, plain), utf8.RuneError)
}

// number consumes a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return s.syntaxError("a number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		j := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		if i == j {
			s.pos = i
			return s.syntaxError("a number's fraction")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		if i == j {
			s.pos = i
			return s.syntaxError("a number's exponent")
		}
	}
	s.pos = i
	return nil
}

// literal consumes true, false or null.
func (s *scanner) literal(word string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(word)) {
		return s.syntaxError("a literal")
	}
	s.pos += len(word)
	return nil
}

// scalar consumes a value that is not an object or an array, and reports
// whether it was null. A string's raw bytes and plainness are returned.
func (s *scanner) scalar() (null bool, raw []byte, plain bool, err error) {
	switch c := s.peek(); {
	case c == '"':
		raw, plain, err = s.str()
		return false, raw, plain, err
	case c == 't':
		return false, nil, true, s.literal("true")
	case c == 'f':
		return false, nil, true, s.literal("false")
	case c == 'n':
		return true, nil, true, s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return false, nil, true, s.number()
	}
	return false, nil, true, s.syntaxError("want a value")
}

// maxSyntaxDepth is encoding/json's own nesting limit, which Unmarshal
// applies to any document.
const maxSyntaxDepth = 10000

// skip consumes one value, checking its syntax only, at nesting depth
// (the number of objects and arrays around it).
func (s *scanner) skip(depth int) error {
	switch s.peek() {
	case '{', '[':
	default:
		_, _, _, err := s.scalar()
		return err
	}
	if depth+1 > maxSyntaxDepth {
		return fmt.Errorf("invalid JSON: nested deeper than %d", maxSyntaxDepth)
	}
	if s.data[s.pos] == '[' {
		s.pos++
		if s.peek() == ']' {
			s.pos++
			return nil
		}
		for {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.pos++
			case ']':
				s.pos++
				return nil
			default:
				return s.syntaxError("want , or ]")
			}
		}
	}
	s.pos++
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		s.ws()
		if _, _, err := s.str(); err != nil {
			return err
		}
		if err := s.expect(':', "want :"); err != nil {
			return err
		}
		if err := s.skip(depth + 1); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.syntaxError("want , or }")
		}
	}
}

// end checks that only whitespace follows the document.
func (s *scanner) end() error {
	if s.peek() != 0 || s.pos < len(s.data) {
		return fmt.Errorf("trailing data after the JSON document")
	}
	return nil
}

// keySet finds duplicate keys in one object: a linear search over the
// first keys, a map past them.
type keySet struct {
	few  [16][]byte
	n    int
	many map[string]struct{}
}

// add records k and reports whether it was there already.
func (ks *keySet) add(k []byte) bool {
	if ks.many != nil {
		if _, dup := ks.many[string(k)]; dup {
			return true
		}
		ks.many[string(k)] = struct{}{}
		return false
	}
	for _, o := range ks.few[:ks.n] {
		if bytes.Equal(o, k) {
			return true
		}
	}
	if ks.n < len(ks.few) {
		ks.few[ks.n] = k
		ks.n++
		return false
	}
	ks.many = make(map[string]struct{}, 2*len(ks.few))
	for _, o := range ks.few {
		ks.many[string(o)] = struct{}{}
	}
	ks.many[string(k)] = struct{}{}
	return false
}
