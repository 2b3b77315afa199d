package signer

import (
	"encoding/binary"
	"math/big"
)

// rlpList builds one flat RLP list of strings (the only shape an EIP-1559
// transaction needs; its empty access list is the one nested item).
type rlpList struct{ payload []byte }

func (l *rlpList) bytes(b []byte) {
	if len(b) == 1 && b[0] < 0x80 {
		l.payload = append(l.payload, b[0])
		return
	}
	l.payload = appendHeader(l.payload, 0x80, len(b))
	l.payload = append(l.payload, b...)
}

// uint encodes an integer as its minimal big-endian bytes (0 is "").
func (l *rlpList) uint(v uint64) {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	i := 0
	for i < 8 && buf[i] == 0 {
		i++
	}
	l.bytes(buf[i:])
}

func (l *rlpList) big(v *big.Int) { l.bytes(v.Bytes()) } // non-negative only

func (l *rlpList) emptyList() { l.payload = append(l.payload, 0xc0) }

func (l *rlpList) finish() []byte {
	out := appendHeader(make([]byte, 0, len(l.payload)+9), 0xc0, len(l.payload))
	return append(out, l.payload...)
}

// appendHeader writes an RLP string (base 0x80) or list (base 0xc0) header.
func appendHeader(dst []byte, base byte, n int) []byte {
	if n <= 55 {
		return append(dst, base+byte(n))
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(n))
	i := 0
	for buf[i] == 0 {
		i++
	}
	dst = append(dst, base+55+byte(8-i))
	return append(dst, buf[i:]...)
}
