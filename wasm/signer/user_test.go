package signer

import (
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wire"
)

// userSigner is a signer with the test mnemonic imported and no policy
// pinned: the user's own signatures need none.
func userSigner(t *testing.T) *Signer {
	t.Helper()
	ctx := context.Background()
	s, err := New(ctx, Config{Store: NewMemStore(), Clock: (&fakeClock{t: time.Unix(1_800_000_000, 0)}).Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
		t.Fatal(err)
	}
	return s
}

const hardhat0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

func recoverSig(t *testing.T, digest []byte, sig []byte) common.Address {
	t.Helper()
	if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("signature %x", sig)
	}
	pub, err := crypto.SigToPub(digest, append(append([]byte{}, sig[:64]...), sig[64]-27))
	if err != nil {
		t.Fatal(err)
	}
	return crypto.PubkeyToAddress(*pub)
}

func TestSignUserNeedsUnlockedVaultNotPassword(t *testing.T) {
	ctx := context.Background()
	s := userSigner(t)
	s.Lock(ctx)
	_, err := s.SignUser(ctx, UserRequest{Kind: UserMessage, Origin: "https://a.example", Doc: []byte("hi")})
	if !errors.Is(err, wire.ErrLocked) {
		t.Fatalf("locked vault: %v", err)
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	r, err := s.SignUser(ctx, UserRequest{Kind: UserMessage, Origin: "https://a.example", Doc: []byte("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if got := recoverSig(t, PersonalHash([]byte("hello")), r.Signature); got != common.HexToAddress(hardhat0) {
		t.Fatalf("recovered %s", got)
	}
	// Audit-logged as a user signature, never as a mnemonic export.
	entries, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Kind != KindUserSig || last.Decision != "signed" || !strings.Contains(last.Message, "https://a.example") {
		t.Fatalf("audit entry %+v", last)
	}
	for _, e := range entries {
		if strings.Contains(e.Message, "mnemonic") {
			t.Fatalf("a user signature was logged as %q", e.Message)
		}
	}
}

func TestSignUserContractCreationMatchesGoEthereum(t *testing.T) {
	ctx := context.Background()
	s := userSigner(t)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	doc := `{"chainId":"0x539","nonce":"0x7","value":"0x0","data":"0x6080604052348015600f57600080fd5b50","gas":"0x30d40","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`
	r, err := s.SignUser(ctx, UserRequest{Kind: UserTransaction, Origin: "https://a.example", ChainID: 1337, Doc: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Create {
		t.Fatal("not a creation")
	}
	var got types.Transaction
	if err := got.UnmarshalBinary(r.RawTx); err != nil {
		t.Fatal(err)
	}
	if got.To() != nil || got.Nonce() != 7 || got.Gas() != 200000 || len(got.Data()) != 17 {
		t.Fatalf("decoded to %v nonce %d gas %d data %d", got.To(), got.Nonce(), got.Gas(), len(got.Data()))
	}
	from, err := types.Sender(types.LatestSignerForChainID(big.NewInt(1337)), &got)
	if err != nil || from != common.HexToAddress(hardhat0) {
		t.Fatalf("sender %s %v", from, err)
	}
	if got.Hash() != common.Hash(r.Signed.TxHash) {
		t.Fatal("hash differs from go-ethereum's")
	}
	// A creation without init code, another chain, a non-1559 type: refused.
	for name, bad := range map[string]string{
		"no init code": `{"chainId":"0x539","nonce":"0x7","value":"0x0","gas":"0x30d40","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`,
		"other chain":  strings.Replace(doc, `"0x539"`, `"0x1"`, 1),
		"To":           strings.Replace(doc, `"nonce"`, `"To":"0x70997970c51812dc3a010c7d01b50e0d17dc79c8","nonce"`, 1),
	} {
		if _, err := s.SignUser(ctx, UserRequest{Kind: UserTransaction, ChainID: 1337, Doc: []byte(bad)}); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSignUserTypedData(t *testing.T) {
	ctx := context.Background()
	s := userSigner(t)
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	mail, err := os.ReadFile(filepath.Join("..", "eip712", "testdata", "mail.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, td, _, err := TypedData(UserTypedV4, mail, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.SignUser(ctx, UserRequest{Kind: UserTypedV4, Origin: "https://a.example", ChainID: 1, Doc: mail})
	if err != nil {
		t.Fatal(err)
	}
	if r.Digest != d || recoverSig(t, d[:], r.Signature) != common.HexToAddress(hardhat0) || td.PrimaryType != "Mail" {
		t.Fatalf("digest %s, primary %s", r.Digest, td.PrimaryType)
	}
	// The mail document is for chain 1: a site on another chain is refused.
	if _, err := s.SignUser(ctx, UserRequest{Kind: UserTypedV4, ChainID: 1337, Doc: mail}); !errors.Is(err, wire.ErrMalformed) || !strings.Contains(err.Error(), RefuseTypedChain) {
		t.Fatalf("other chain: %v", err)
	}
	v1, err := os.ReadFile(filepath.Join("..", "eip712", "testdata", "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignUser(ctx, UserRequest{Kind: UserTypedV1, Doc: v1}); err != nil {
		t.Fatalf("v1: %v", err)
	}
	if _, err := s.SignUser(ctx, UserRequest{Kind: "typed_data_v2", Doc: mail}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("unknown kind: %v", err)
	}
}
