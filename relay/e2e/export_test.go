package e2e

import "golang.org/x/crypto/chacha20poly1305"

// SealOpenFixed is the baseline of BenchmarkRatchet: the same padded
// envelope sealed and opened under one fixed key, without the ratchet.
func SealOpenFixed(key, payload []byte) error {
	size := PaddedSize(len(payload))
	env := make([]byte, HeaderSize+NonceSize, size)
	_, _ = randReader().Read(env[HeaderSize:])
	pt := make([]byte, size-HeaderSize-NonceSize-TagSize)
	copy(pt[1:], payload)
	pt[1+len(payload)] = 0x80
	a, _ := chacha20poly1305.NewX(key)
	env = a.Seal(env, env[HeaderSize:HeaderSize+NonceSize], pt, env[:HeaderSize])
	b, _ := chacha20poly1305.NewX(key)
	_, err := b.Open(nil, env[HeaderSize:HeaderSize+NonceSize], env[HeaderSize+NonceSize:], env[:HeaderSize])
	return err
}
