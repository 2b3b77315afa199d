package bip39_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"

	gobip39 "github.com/tyler-smith/go-bip39"
	"github.com/tyler-smith/go-bip39/wordlists"

	"github.com/leash-wallet/leash/wasm/bip39"
)

// englishSHA256 is the SHA-256 of bitcoin/bips bip-0039/english.txt.
const englishSHA256 = "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"

func TestWordlist(t *testing.T) {
	raw, err := os.ReadFile("english.txt")
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != englishSHA256 {
		t.Fatalf("english.txt has SHA-256 %x, want the BIP-39 list's %s", sum, englishSHA256)
	}
	var words []string
	for i := range bip39.WordCount {
		words = append(words, bip39.Word(i))
		if j, ok := bip39.Index(bip39.Word(i)); !ok || j != i {
			t.Fatalf("Index(Word(%d)) = %d, %v", i, j, ok)
		}
	}
	if !sort.StringsAreSorted(words) {
		t.Fatal("the wordlist is not sorted; Index's binary search needs it")
	}
	if strings.Join(words, "\n") != strings.Join(wordlists.English, "\n") {
		t.Fatal("the wordlist differs from go-bip39's English list")
	}
	for _, w := range []string{"", "abando", "abandonx", "Abandon", "zoo ", " zoo", "zo", "zzz", "aaa", "\xff", "abandon\n"} {
		if _, ok := bip39.Index(w); ok {
			t.Errorf("Index(%q) found a word", w)
		}
	}
}

type vectorFile struct {
	Passphrase string `json:"passphrase"`
	Vectors    []struct {
		Entropy  string `json:"entropy"`
		Mnemonic string `json:"mnemonic"`
		Seed     string `json:"seed"`
	} `json:"vectors"`
}

func TestVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vf vectorFile
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	if len(vf.Vectors) != 24 || vf.Passphrase != "TREZOR" {
		t.Fatalf("%d vectors with passphrase %q", len(vf.Vectors), vf.Passphrase)
	}
	for _, v := range vf.Vectors {
		entropy, _ := hex.DecodeString(v.Entropy)
		m, err := bip39.Mnemonic(entropy)
		if err != nil || m != v.Mnemonic {
			t.Fatalf("Mnemonic(%s) = %q, %v; want %q", v.Entropy, m, err, v.Mnemonic)
		}
		e, err := bip39.EntropyFromMnemonic(v.Mnemonic)
		if err != nil || !bytes.Equal(e, entropy) {
			t.Fatalf("EntropyFromMnemonic(%q) = %x, %v", v.Mnemonic, e, err)
		}
		seed, err := bip39.Seed(v.Mnemonic, vf.Passphrase)
		if err != nil || hex.EncodeToString(seed) != v.Seed {
			t.Fatalf("Seed(%q) = %x, %v; want %s", v.Mnemonic, seed, err, v.Seed)
		}
	}
}

func TestExpfailMnemonics(t *testing.T) {
	f, err := os.Open("testdata/expfail_mnemonics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		if e, err := bip39.EntropyFromMnemonic(line); err == nil {
			t.Errorf("accepted %q as %x", line, e)
		}
		if gobip39.IsMnemonicValid(line) {
			t.Errorf("go-bip39 accepts %q: the file is wrong", line)
		}
	}
	if n < 10 {
		t.Fatalf("only %d cases", n)
	}
}

func TestErrors(t *testing.T) {
	for _, bits := range []int{0, 96, 120, 136, 288, -32} {
		if _, err := bip39.NewEntropy(bits); !errors.Is(err, bip39.ErrEntropyLength) {
			t.Errorf("NewEntropy(%d): %v", bits, err)
		}
	}
	for _, n := range []int{0, 12, 15, 17, 33} {
		if _, err := bip39.Mnemonic(make([]byte, n)); !errors.Is(err, bip39.ErrEntropyLength) {
			t.Errorf("Mnemonic of %d bytes: %v", n, err)
		}
	}
	good := "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
	cases := map[string]error{
		"":                             bip39.ErrWordCount,
		strings.Repeat("abandon ", 11): bip39.ErrWordCount,
		strings.Repeat("abandon ", 13): bip39.ErrWordCount,
		strings.Repeat("abandon ", 27): bip39.ErrWordCount,
		strings.Replace(good, "about", "abut", 1): bip39.ErrUnknownWord,
		strings.ToUpper(good):                     bip39.ErrUnknownWord,
		strings.Replace(good, "about", "able", 1): bip39.ErrChecksum,
	}
	for m, want := range cases {
		if _, err := bip39.EntropyFromMnemonic(m); !errors.Is(err, want) {
			t.Errorf("EntropyFromMnemonic(%q): %v, want %v", m, err, want)
		}
	}
	if e, err := bip39.EntropyFromMnemonic(" \t" + strings.ReplaceAll(good, " ", "\n  ") + "\n"); err != nil || len(e) != 16 {
		t.Errorf("white space between words: %x, %v", e, err)
	}
	for _, pair := range [][2]string{{good, "pässword"}, {good, "ＴＲＥＺＯＲ"}, {good + "\u00a0", ""}, {"\xff", ""}} {
		if _, err := bip39.Seed(pair[0], pair[1]); !errors.Is(err, bip39.ErrNotASCII) {
			t.Errorf("Seed(%q, %q): %v, want ErrNotASCII", pair[0], pair[1], err)
		}
	}
}

// TestMatchesGoBIP39 compares every function with go-bip39 on random
// entropies of every allowed size.
func TestMatchesGoBIP39(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	for _, bits := range []int{128, 160, 192, 224, 256} {
		count := n
		if bits != 128 && bits != 256 {
			count = n / 4
		}
		for i := range count {
			entropy, err := bip39.NewEntropy(bits)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				clear(entropy)
			} else if i == 1 {
				for k := range entropy {
					entropy[k] = 0xff
				}
			}
			m, err := bip39.Mnemonic(entropy)
			want, werr := gobip39.NewMnemonic(entropy)
			if err != nil || werr != nil || m != want {
				t.Fatalf("Mnemonic(%x) = %q, %v; go-bip39 %q, %v", entropy, m, err, want, werr)
			}
			e, err := bip39.EntropyFromMnemonic(m)
			we, werr := gobip39.EntropyFromMnemonic(m)
			if err != nil || werr != nil || !bytes.Equal(e, entropy) || !bytes.Equal(we, entropy) {
				t.Fatalf("EntropyFromMnemonic(%q) = %x, %v; go-bip39 %x, %v", m, e, err, we, werr)
			}
			if i%20 == 0 { // PBKDF2 with 2048 rounds: a sample is enough
				pass := []string{"", "TREZOR", "a passphrase with spaces ~!@#"}[i/20%3]
				s, err := bip39.Seed(m, pass)
				if err != nil || !bytes.Equal(s, gobip39.NewSeed(m, pass)) {
					t.Fatalf("Seed(%q, %q) = %x, %v; differs from go-bip39", m, pass, s, err)
				}
			}
		}
	}
}

// TestRandomSentences feeds random word sequences (mostly with a wrong
// checksum) and mutated valid ones to both implementations.
func TestRandomSentences(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var idx [2]byte
	for i := range n {
		words := 12 + 3*(i%5)
		var b strings.Builder
		for k := range words {
			if _, err := rand.Read(idx[:]); err != nil {
				t.Fatal(err)
			}
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(bip39.Word(int(idx[0])<<3 | int(idx[1])&7))
		}
		compareWithGoBIP39(t, b.String())
	}
}

func compareWithGoBIP39(t *testing.T, m string) {
	t.Helper()
	e, err := bip39.EntropyFromMnemonic(m)
	we, werr := gobip39.EntropyFromMnemonic(m)
	if (err == nil) != (werr == nil) || !bytes.Equal(e, we) {
		t.Fatalf("EntropyFromMnemonic(%q) = %x, %v; go-bip39 %x, %v", m, e, err, we, werr)
	}
}

// FuzzEntropyFromMnemonic: no input panics, the verdict and the entropy
// agree with go-bip39, and an accepted sentence round-trips.
func FuzzEntropyFromMnemonic(f *testing.F) {
	f.Add("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")
	f.Add("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote")
	f.Add("test test test test test test test test test test test junk")
	f.Add("")
	f.Fuzz(func(t *testing.T, m string) {
		compareWithGoBIP39(t, m)
		e, err := bip39.EntropyFromMnemonic(m)
		if err != nil {
			return
		}
		back, err := bip39.Mnemonic(e)
		if err != nil || back != strings.Join(strings.Fields(m), " ") {
			t.Fatalf("round trip of %q gave %q, %v", m, back, err)
		}
	})
}

func BenchmarkEntropyFromMnemonic(b *testing.B) {
	m := "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title"
	b.Run("leash", func(b *testing.B) {
		for b.Loop() {
			if _, err := bip39.EntropyFromMnemonic(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-bip39", func(b *testing.B) {
		for b.Loop() {
			if _, err := gobip39.EntropyFromMnemonic(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
