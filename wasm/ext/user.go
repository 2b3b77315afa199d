package ext

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"strconv"

	"github.com/leash-wallet/leash/wasm/ethkey"
	"golang.org/x/crypto/chacha20poly1305"

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

// SessionBlob is what the extension keeps in chrome.storage.session so that
// an unlocked vault survives a service-worker restart (never in
// chrome.storage.local). It is the password sealed under a random key kept
// beside it: that protects against casual disclosure of a storage dump,
// nothing more; chrome.storage.session itself is the protection (memory
// only, trusted extension contexts only, cleared when the browser closes).
type SessionBlob struct {
	Key     string `json:"k"`
	Box     string `json:"b"`
	Expires int64  `json:"exp"` // unix ms; the worker drops it after this
}

// SealSession seals a password for chrome.storage.session.
func SealSession(password string, expiresMs int64) (SessionBlob, error) {
	key := make([]byte, chacha20poly1305.KeySize)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(key); err != nil {
		return SessionBlob{}, wire.Errorf(wire.Internal, "random: %v", err)
	}
	if _, err := rand.Read(nonce); err != nil {
		return SessionBlob{}, wire.Errorf(wire.Internal, "random: %v", err)
	}
	a, _ := chacha20poly1305.NewX(key)
	box := a.Seal(nonce, nonce, []byte(password), []byte("leash/session/v1"))
	return SessionBlob{Key: b64.EncodeToString(key), Box: b64.EncodeToString(box), Expires: expiresMs}, nil
}

// OpenSession opens a SessionBlob.
func OpenSession(raw []byte) (string, SessionBlob, error) {
	var sb SessionBlob
	if len(raw) > 4096 || json.Unmarshal(raw, &sb) != nil {
		return "", sb, wire.Errorf(wire.Malformed, "session blob does not decode")
	}
	key, err1 := b64.DecodeString(sb.Key)
	box, err2 := b64.DecodeString(sb.Box)
	if err1 != nil || err2 != nil || len(key) != chacha20poly1305.KeySize || len(box) < chacha20poly1305.NonceSizeX+16 {
		return "", sb, wire.Errorf(wire.Malformed, "session blob does not decode")
	}
	a, _ := chacha20poly1305.NewX(key)
	pw, err := a.Open(nil, box[:chacha20poly1305.NonceSizeX], box[chacha20poly1305.NonceSizeX:], []byte("leash/session/v1"))
	if err != nil {
		return "", sb, wire.Errorf(wire.Malformed, "session blob does not open")
	}
	return string(pw), sb, nil
}
