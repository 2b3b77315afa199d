package bip39

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed english.txt
var english string

// WordCount is the number of words in a BIP-39 wordlist.
const WordCount = 2048

// Errors of this package; test them with errors.Is.
var (
	ErrEntropyLength = errors.New("bip39: entropy must be 128 to 256 bits, a multiple of 32")
	ErrWordCount     = errors.New("bip39: a mnemonic has 12, 15, 18, 21 or 24 words")
	ErrUnknownWord   = errors.New("bip39: a word is not in the English wordlist")
	ErrChecksum      = errors.New("bip39: bad checksum")
	ErrNotASCII      = errors.New("bip39: mnemonic and passphrase must be ASCII (no Unicode normalization here)")
)

// wordlist splits english.txt once, on first use.
var wordlist = sync.OnceValue(func() *[WordCount]string {
	var w [WordCount]string
	rest := english
	for i := range w {
		word, tail, ok := strings.Cut(rest, "\n")
		if !ok || word == "" {
			panic("bip39: english.txt is not 2048 lines") // embedded file; a test checks it
		}
		w[i], rest = word, tail
	}
	if rest != "" {
		panic("bip39: english.txt is not 2048 lines")
	}
	return &w
})

// Word returns the word at index i (0 ≤ i < WordCount).
func Word(i int) string { return wordlist()[i] }

// Index returns the index of word in the English wordlist.
func Index(word string) (int, bool) {
	w := wordlist()
	i := sort.SearchStrings(w[:], word)
	if i < WordCount && w[i] == word {
		return i, true
	}
	return 0, false
}

// NewEntropy returns bits of fresh randomness from crypto/rand.
func NewEntropy(bits int) ([]byte, error) {
	if !validEntropyBits(bits) {
		return nil, ErrEntropyLength
	}
	e := make([]byte, bits/8)
	if _, err := rand.Read(e); err != nil {
		return nil, err
	}
	return e, nil
}

func validEntropyBits(bits int) bool { return bits%32 == 0 && bits >= 128 && bits <= 256 }

// Mnemonic encodes entropy as a sentence of words separated by single
// spaces: the entropy followed by the first len(entropy)/4 bits of its
// SHA-256, read as 11-bit word indices, most significant bit first.
func Mnemonic(entropy []byte) (string, error) {
	bits := len(entropy) * 8
	if !validEntropyBits(bits) {
		return "", ErrEntropyLength
	}
	sum := sha256.Sum256(entropy)
	n := (bits + bits/32) / 11
	words := wordlist()
	var b strings.Builder
	b.Grow(n * 9)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		idx := 0
		for j := i * 11; j < i*11+11; j++ {
			idx = idx<<1 | bitAt(entropy, sum[:], j)
		}
		b.WriteString(words[idx])
	}
	return b.String(), nil
}

// bitAt is bit j (0 = most significant) of entropy ‖ checksum.
func bitAt(entropy, checksum []byte, j int) int {
	src := entropy
	if j >= len(entropy)*8 {
		src, j = checksum, j-len(entropy)*8
	}
	return int(src[j/8]>>(7-j%8)) & 1
}

// EntropyFromMnemonic decodes a sentence of words separated by white space
// (the words exactly as listed: lower case ASCII) and checks its checksum.
func EntropyFromMnemonic(mnemonic string) ([]byte, error) {
	fields := strings.Fields(mnemonic)
	n := len(fields)
	if n < 12 || n > 24 || n%3 != 0 {
		return nil, ErrWordCount
	}
	total := n * 11
	cs := total / 33 // checksum bits: entropy bits / 32
	entBits := total - cs
	buf := make([]byte, (total+7)/8)
	for i, f := range fields {
		idx, ok := Index(f)
		if !ok {
			return nil, fmt.Errorf("%w: word %d", ErrUnknownWord, i+1)
		}
		for k := range 11 {
			if idx>>(10-k)&1 == 1 {
				j := i*11 + k
				buf[j/8] |= 1 << (7 - j%8)
			}
		}
	}
	entropy := buf[:entBits/8]
	sum := sha256.Sum256(entropy)
	// The checksum bits start at a byte boundary (entBits is a multiple of
	// 32) and number at most 8.
	got := buf[entBits/8] >> (8 - cs)
	want := sum[0] >> (8 - cs)
	clear(buf[entBits/8:])
	if got != want {
		clear(buf)
		return nil, ErrChecksum
	}
	return entropy, nil
}

// Seed is the 64-byte BIP-39 seed of a mnemonic and passphrase:
// PBKDF2-HMAC-SHA512(mnemonic, "mnemonic"+passphrase, 2048 iterations).
// Both must be ASCII (see the package notes); the mnemonic is used as given,
// so pass it normalized (single spaces, lower case) as Mnemonic makes it.
func Seed(mnemonic, passphrase string) ([]byte, error) {
	if !isASCII(mnemonic) || !isASCII(passphrase) {
		return nil, ErrNotASCII
	}
	return pbkdf2.Key(sha512.New, mnemonic, []byte("mnemonic"+passphrase), 2048, 64)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
