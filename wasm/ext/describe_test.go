package ext

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDescribePolicy(t *testing.T) {
	pol, info, err := DescribePolicy(example(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Commitment != pol.Commitment() || !strings.Contains(info.Description, "Chain 1337") {
		t.Fatalf("info %+v", info)
	}
}

func TestUserSigning(t *testing.T) {
	const m = "test test test test test test test test test test test junk"
	tx, err := wire.DecodeTx(example(t, "tx-ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := SignUserTx(m, 0, tx)
	if err != nil {
		t.Fatal(err)
	}
	if s.From.Hex() != strings.ToLower("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266") {
		t.Fatalf("from %s", s.From.Hex())
	}
	sig, err := PersonalSign(m, 0, []byte("hello"))
	if err != nil || len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("sig %x %v", sig, err)
	}
	pub, err := crypto.SigToPub(PersonalHash([]byte("hello")), append(sig[:64:64], sig[64]-27))
	if err != nil || crypto.PubkeyToAddress(*pub) != common.Address(s.From) {
		t.Fatalf("recovered %v", err)
	}
}
