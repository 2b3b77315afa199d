package devnet

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestMnemonic is the public test mnemonic used by Hardhat, Anvil and
// Foundry. Its keys are known to everyone: never send real value to them.
const TestMnemonic = "test test test test test test test test test test test junk"

// NumAccounts is how many test accounts the devnet funds.
const NumAccounts = 10

// Account is a funded test account: its address and private key.
type Account struct {
	Address common.Address
	Key     *ecdsa.PrivateKey
}

var (
	testAccountsOnce sync.Once
	testAccounts     []Account
	testAccountsErr  error
)

// TestAccounts returns the NumAccounts accounts of TestMnemonic at
// m/44'/60'/0'/0/i, index 0 being 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266.
// The slice is shared: do not modify it.
func TestAccounts() ([]Account, error) {
	testAccountsOnce.Do(func() {
		seed, err := pbkdf2.Key(sha512.New, TestMnemonic, []byte("mnemonic"), 2048, 64)
		if err != nil {
			testAccountsErr = err
			return
		}
		for i := range uint32(NumAccounts) {
			key, err := deriveKey(seed, []uint32{hardened + 44, hardened + 60, hardened + 0, 0, i})
			if err != nil {
				testAccountsErr = fmt.Errorf("derive account %d: %w", i, err)
				return
			}
			testAccounts = append(testAccounts, Account{Address: crypto.PubkeyToAddress(key.PublicKey), Key: key})
		}
	})
	return testAccounts, testAccountsErr
}

const hardened = uint32(1) << 31

// deriveKey is BIP-32 private child derivation (secp256k1) from a BIP-39
// seed along path. It is only used for the public test mnemonic.
func deriveKey(seed []byte, path []uint32) (*ecdsa.PrivateKey, error) {
	mac := hmac.New(sha512.New, []byte("Bitcoin seed"))
	mac.Write(seed)
	sum := mac.Sum(nil)
	n := crypto.S256().Params().N
	k, chain := new(big.Int).SetBytes(sum[:32]), sum[32:]
	if k.Sign() == 0 || k.Cmp(n) >= 0 {
		return nil, errors.New("invalid master key")
	}
	for _, idx := range path {
		var data []byte
		if idx >= hardened {
			data = append([]byte{0}, common.LeftPadBytes(k.Bytes(), 32)...)
		} else {
			priv, err := crypto.ToECDSA(common.LeftPadBytes(k.Bytes(), 32))
			if err != nil {
				return nil, err
			}
			data = crypto.CompressPubkey(&priv.PublicKey)
		}
		data = binary.BigEndian.AppendUint32(data, idx)
		mac := hmac.New(sha512.New, chain)
		mac.Write(data)
		sum := mac.Sum(nil)
		il := new(big.Int).SetBytes(sum[:32])
		if il.Cmp(n) >= 0 {
			return nil, errors.New("invalid child key")
		}
		k = il.Add(il, k)
		k.Mod(k, n)
		if k.Sign() == 0 {
			return nil, errors.New("invalid child key")
		}
		chain = sum[32:]
	}
	return crypto.ToECDSA(common.LeftPadBytes(k.Bytes(), 32))
}
