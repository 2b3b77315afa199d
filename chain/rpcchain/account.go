package rpcchain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/leash-wallet/leash/wire"
)

// PendingNonce returns account's transaction count including pending
// transactions (eth_getTransactionCount at "pending").
func (c *Chain) PendingNonce(ctx context.Context, account wire.Address) (uint64, error) {
	n, err := read(ctx, c, "eth_getTransactionCount", []any{account.Hex(), "pending"}, quantity)
	if err != nil {
		return 0, fmt.Errorf("eth_getTransactionCount: %w", err)
	}
	return n, nil
}

// BlockTime returns the timestamp of block number block
// (eth_getBlockByNumber without transactions).
func (c *Chain) BlockTime(ctx context.Context, block uint64) (uint64, error) {
	hexBlock := "0x" + strconv.FormatUint(block, 16)
	t, err := read(ctx, c, "eth_getBlockByNumber", []any{hexBlock, false}, func(raw json.RawMessage) (uint64, error) {
		h, err := DecodeHeader(raw)
		if err != nil {
			return 0, err
		}
		if h.Number != block {
			return 0, fmt.Errorf("asked for block %d, the answer is block %d", block, h.Number)
		}
		return h.Time, nil
	})
	if err != nil {
		return 0, fmt.Errorf("eth_getBlockByNumber: %w", err)
	}
	return t, nil
}

// Header is what the signer takes from a block: its number and timestamp.
type Header struct {
	Number uint64
	Time   uint64
}

// DecodeHeader reads "number" and "timestamp" from an eth_getBlockByNumber
// answer, strictly: the answer is one JSON object (null, a block the node
// does not have, is an error), no key appears twice (a second "timestamp"
// cannot mean something else to another parser), both fields are present
// and are canonical hex quantities that fit 64 bits. Every other field is
// skipped unread: clients differ in which they send.
func DecodeHeader(raw json.RawMessage) (Header, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return Header{}, fmt.Errorf("the answer %.80s is not a block", raw)
	}
	seen := map[string]bool{}
	var h Header
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Header{}, fmt.Errorf("block: %v", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return Header{}, fmt.Errorf("block: key %q appears twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return Header{}, fmt.Errorf("block: %v", err)
		}
		switch key {
		case "number":
			h.Number, err = quantity(v)
		case "timestamp":
			h.Time, err = quantity(v)
		}
		if err != nil {
			return Header{}, fmt.Errorf("block %s: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return Header{}, fmt.Errorf("block: %v", err)
	}
	if _, err := dec.Token(); err == nil {
		return Header{}, errors.New("block: trailing data")
	}
	if !seen["number"] || !seen["timestamp"] {
		return Header{}, errors.New("block: number or timestamp missing")
	}
	return h, nil
}
