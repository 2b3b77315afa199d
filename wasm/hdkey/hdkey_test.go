package hdkey

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/tyler-smith/go-bip39"
)

type vectorFile struct {
	Vectors []struct {
		Seed   string `json:"seed"`
		Chains []struct {
			Path string `json:"path"`
			XPub string `json:"xpub"`
			XPrv string `json:"xprv"`
		} `json:"chains"`
	} `json:"vectors"`
}

func TestBIP32Vectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/bip32_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vf vectorFile
	if err := json.Unmarshal(raw, &vf); err != nil {
		t.Fatal(err)
	}
	if len(vf.Vectors) != 3 {
		t.Fatalf("want 3 vectors, got %d", len(vf.Vectors))
	}
	n := 0
	for vi, v := range vf.Vectors {
		seed, _ := hex.DecodeString(v.Seed)
		master, err := NewMaster(seed)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range v.Chains {
			path, err := ParsePath(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			k, err := master.DerivePath(path)
			if err != nil {
				t.Fatalf("vector %d %s: %v", vi+1, c.Path, err)
			}
			if got := k.XPrv(); got != c.XPrv {
				t.Errorf("vector %d %s xprv:\n got %s\nwant %s", vi+1, c.Path, got, c.XPrv)
			}
			pub, err := k.XPub()
			if err != nil || pub != c.XPub {
				t.Errorf("vector %d %s xpub:\n got %s\nwant %s (%v)", vi+1, c.Path, pub, c.XPub, err)
			}
			n++
		}
	}
	if n != 14 {
		t.Fatalf("checked %d chains, want 14", n)
	}
}

func TestEthereumTestMnemonic(t *testing.T) {
	seed := bip39.NewSeed("test test test test test test test test test test test junk", "")
	master, err := NewMaster(seed)
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32]string{
		0: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
		1: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	}
	for i, w := range want {
		k, err := master.DerivePath(EthereumPath(i))
		if err != nil {
			t.Fatal(err)
		}
		priv, _ := k.ECDSA()
		if got := crypto.PubkeyToAddress(priv.PublicKey).Hex(); got != w {
			t.Errorf("index %d: got %s want %s", i, got, w)
		}
	}
}

func TestParsePath(t *testing.T) {
	good := map[string][]uint32{
		"m":                 {},
		"m/44'/60'/0'/0/7":  EthereumPath(7),
		"m/0H/2147483647h":  {Hardened, 2147483647 + Hardened},
		"m/0/1/2/3/4/5/6/7": {0, 1, 2, 3, 4, 5, 6, 7},
	}
	for s, want := range good {
		got, err := ParsePath(s)
		if err != nil || len(got) != len(want) {
			t.Fatalf("%s: %v %v", s, got, err)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: %v want %v", s, got, want)
			}
		}
	}
	for _, s := range []string{"", "M/0", "m/", "m//1", "m/2147483648", "m/-1", "m/+1", "m/01", "m/1''", "m/x", "/0", "m/4294967296"} {
		if _, err := ParsePath(s); err == nil {
			t.Errorf("%q: accepted", s)
		}
	}
}

func TestSeedLength(t *testing.T) {
	for _, n := range []int{0, 15, 65} {
		if _, err := NewMaster(make([]byte, n)); err == nil {
			t.Errorf("seed of %d bytes accepted", n)
		}
	}
}

func TestWipe(t *testing.T) {
	k, _ := NewMaster(make([]byte, 32))
	k.Wipe()
	if k.key != [32]byte{} || k.chain != [32]byte{} {
		t.Fatal("not wiped")
	}
	if _, err := k.Child(0); err == nil {
		t.Fatal("derived from a wiped (zero) key")
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"m", "m/44'/60'/0'/0/0", "m/0H/1", "m/2147483648", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err == nil && len(p) > MaxDepth {
			t.Fatal("too deep")
		}
	})
}

// A cached public key derives the same children (hardened and not), and
// Wipe drops it.
func TestCachePublicKey(t *testing.T) {
	master, err := NewMaster(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []uint32{0, 1, Hardened + 3} {
		plain, err := master.Child(i)
		if err != nil {
			t.Fatal(err)
		}
		c := *master
		if err := c.CachePublicKey(); err != nil || c.pub == nil {
			t.Fatalf("cache: %v", err)
		}
		cached, err := c.Child(i)
		if err != nil {
			t.Fatal(err)
		}
		if plain.XPrv() != cached.XPrv() {
			t.Fatalf("child %d differs with the cached public key", i)
		}
		c.Wipe()
		if c.pub != nil {
			t.Fatal("Wipe kept the public key")
		}
	}
}
