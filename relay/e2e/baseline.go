package e2e

import "golang.org/x/crypto/chacha20poly1305"

// SealOpenFixedKey is the baseline of the ratchet's benchmarks: the same
// padded envelope a Session seals, sealed and opened under one fixed key
// (XChaCha20-Poly1305, random nonce), without the ratchet's key
// derivation. Not for production use.
func SealOpenFixedKey(key, payload []byte) error {
	size := PaddedSize(len(payload))
	env := make([]byte, HeaderSize+NonceSize, size)
	_, _ = randReader().Read(env[HeaderSize:])
	pt := make([]byte, size-HeaderSize-NonceSize-TagSize)
	copy(pt[1:], payload)
	pt[1+len(payload)] = 0x80
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return err
	}
	env = a.Seal(env, env[HeaderSize:HeaderSize+NonceSize], pt, env[:HeaderSize])
	b, _ := chacha20poly1305.NewX(key)
	_, err = b.Open(nil, env[HeaderSize:HeaderSize+NonceSize], env[HeaderSize+NonceSize:], env[:HeaderSize])
	return err
}
