package ext

import (
	"crypto/ecdsa"
	"strconv"

	"github.com/leash-wallet/leash/wasm/ethkey"

	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// MaxMessage bounds a personal_sign message.
const MaxMessage = 64 << 10

// SignUserTx signs a transaction the user approved by hand (a dapp's
// eth_sendTransaction) with the key at index of mnemonic. The key is
// derived, used and wiped inside this call.
func SignUserTx(mnemonic string, index uint32, tx *wire.Tx) (*signer.Signed, error) {
	var out *signer.Signed
	err := vault.WithMnemonicKey(mnemonic, index, func(k *ecdsa.PrivateKey) error {
		var err error
		out, err = signer.SignTx(k, tx)
		return err
	})
	return out, err
}

// PersonalHash is the EIP-191 version 0x45 hash of msg.
func PersonalHash(msg []byte) []byte {
	return ethkey.Keccak256([]byte("\x19Ethereum Signed Message:\n"+strconv.Itoa(len(msg))), msg)
}

// PersonalSign signs msg as personal_sign does: a 65-byte r‖s‖v signature
// with v in {27, 28}.
func PersonalSign(mnemonic string, index uint32, msg []byte) ([]byte, error) {
	if len(msg) > MaxMessage {
		return nil, wire.Errorf(wire.Malformed, "message of %d bytes exceeds %d", len(msg), MaxMessage)
	}
	var sig []byte
	err := vault.WithMnemonicKey(mnemonic, index, func(k *ecdsa.PrivateKey) error {
		s, err := ethkey.Sign(PersonalHash(msg), k)
		if err != nil {
			return wire.Errorf(wire.Internal, "sign: %v", err)
		}
		s[64] += 27
		sig = s
		return nil
	})
	return sig, err
}
