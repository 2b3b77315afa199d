package ext

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/signer"
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
	ctx := context.Background()
	s, err := signer.New(ctx, signer.Config{Store: signer.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := s.ImportVault(ctx, m, "password-1", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(ctx, "password-1"); err != nil {
		t.Fatal(err)
	}
	r, err := SignMessage(ctx, s, "0x68656c6c6f", "https://a.example", acct, 1337)
	if err != nil {
		t.Fatal(err)
	}
	sig := r.Signature
	pub, err := crypto.SigToPub(PersonalHash([]byte("hello")), append(sig[:64:64], sig[64]-27))
	if err != nil || crypto.PubkeyToAddress(*pub) != common.Address(acct) {
		t.Fatalf("recovered %v", err)
	}
	// A sign-in message for another site: refused by the core, whatever the host asks.
	siwe := "bank.example wants you to sign in with your Ethereum account:\n" + ethkeyHex(acct) + "\n\nSign in.\n\nURI: https://bank.example/\nVersion: 1\nChain ID: 1337\nNonce: 12345678\nIssued At: 2026-12-07T10:00:00Z"
	if _, err := SignMessage(ctx, s, siwe, "https://a.example", acct, 1337); !errors.Is(err, wire.ErrMalformed) || !strings.Contains(err.Error(), RefuseSIWEDomain) {
		t.Fatalf("another site's sign-in: %v", err)
	}
	if _, err := SignMessage(ctx, s, strings.Replace(siwe, "bank.example", "a.example", 2), "https://a.example", acct, 1337); err != nil {
		t.Fatalf("the site's own sign-in: %v", err)
	}
}

func TestInspectTypedDataUnits(t *testing.T) {
	token := "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	permit := `{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],` +
		`"Permit":[{"name":"owner","type":"address"},{"name":"spender","type":"address"},{"name":"value","type":"uint256"},{"name":"nonce","type":"uint256"},{"name":"deadline","type":"uint256"}]},` +
		`"primaryType":"Permit","domain":{"name":"USD Coin","version":"2","chainId":1337,"verifyingContract":"` + token + `"},` +
		`"message":{"owner":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","spender":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"1500000","nonce":0,"deadline":"99999999999"}}`
	v, err := InspectTypedData(signer.UserTypedV4, []byte(permit), 1337, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Tokens) != 1 || v.Tokens[0] != token || v.Refuse != nil || v.PrimaryType != "Permit" || len(v.Warnings) != 1 {
		t.Fatalf("view %+v", v)
	}
	a, _ := wire.ParseAddress(token)
	v, err = InspectTypedData(signer.UserTypedV4, []byte(permit), 1337, map[wire.Address]eip712.Token{a: {Symbol: "USDC", Decimals: 6}})
	if err != nil {
		t.Fatal(err)
	}
	var units string
	for _, r := range v.Message {
		if r.Path == "value" {
			units = r.Units
		}
		if r.Path == "nonce" && r.Units != "" {
			t.Fatalf("nonce in units: %+v", r)
		}
	}
	if units != "1.5 USDC" {
		t.Fatalf("value in units: %q", units)
	}
	// For another chain: shown, refused.
	v, err = InspectTypedData(signer.UserTypedV4, []byte(permit), 1, nil)
	if err != nil || v.Refuse == nil || v.Refuse.Code != signer.RefuseTypedChain {
		t.Fatalf("other chain: %+v %v", v, err)
	}
	if _, err := InspectTypedData(signer.UserTypedV4, []byte(strings.Replace(permit, `"value":`, `"Value":"1","value":`, 1)), 1337, nil); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("undeclared field: %v", err)
	}
}

func ethkeyHex(a wire.Address) string { return ethkey.ChecksumHex(a) }
