package devnet

import (
	"encoding/hex"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

// The well-known addresses of the test mnemonic at m/44'/60'/0'/0/0..9, as
// printed by Hardhat and Anvil, and the first two private keys.
var wellKnown = []string{
	"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
	"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
	"0x90F79bf6EB2c4f870365E785982E1f101E93b906",
	"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
	"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
	"0x976EA74026E726554dB657fA54763abd0C3a0aa9",
	"0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
	"0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
	"0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
}

var wellKnownKeys = []string{
	"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
}

func TestTestAccounts(t *testing.T) {
	accs, err := TestAccounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(accs) != len(wellKnown) {
		t.Fatalf("%d accounts, want %d", len(accs), len(wellKnown))
	}
	for i, a := range accs {
		if got := a.Address.Hex(); got != wellKnown[i] {
			t.Errorf("account %d: %s, want %s", i, got, wellKnown[i])
		}
		if crypto.PubkeyToAddress(a.Key.PublicKey) != a.Address {
			t.Errorf("account %d: key does not match address", i)
		}
	}
	for i, want := range wellKnownKeys {
		if got := hex.EncodeToString(crypto.FromECDSA(accs[i].Key)); got != want {
			t.Errorf("key %d: %s, want %s", i, got, want)
		}
	}
}
