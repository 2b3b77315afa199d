package rpcchain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// ErrDisagree: the RPC endpoints gave different answers to the same read
// (after AgreeRetries further tries). The signer treats it as
// input_unavailable: nothing is signed on a read the endpoints dispute.
var ErrDisagree = errors.New("the RPC endpoints disagree")

// AgreeRetries is how many times a read the endpoints disagree on is tried
// again, after AgreeBackoff, then twice that, and so on: two honest nodes
// can be a block apart for a moment ("latest", "pending").
const (
	AgreeRetries = 2
	AgreeBackoff = 150 * time.Millisecond
)

// outcome is one endpoint's answer to one read.
type outcome[T any] struct {
	v   T
	err error
}

// read is the one layer every read of a Chain goes through: it sends the
// request to every endpoint at once, decodes each answer with decode, and
// returns the value only when every endpoint's decoded answer is the same.
//
//   - Every endpoint answers and the values are equal: the value.
//   - Every endpoint reverts (isRevert): the first revert (a consistent
//     "no such round" or "not a registry").
//   - Any endpoint fails otherwise (transport, timeout, a malformed
//     answer): that error; nothing is compared.
//   - Otherwise (different values, or one reverts while another answers):
//     tried again AgreeRetries times, then ErrDisagree.
//
// Decoded values are compared, not raw answers: two clients may order a
// block's fields differently, but not disagree on what the signer uses.
func read[T any](ctx context.Context, c *Chain, method string, params []any, decode func(json.RawMessage) (T, error)) (T, error) {
	var zero T
	if params == nil {
		params = []any{}
	}
	delay := AgreeBackoff
	for attempt := 0; ; attempt++ {
		outs := make([]outcome[T], len(c.calls))
		if len(c.calls) == 1 {
			outs[0] = readOne(ctx, c.calls[0], method, params, decode)
		} else {
			done := make(chan struct{}, len(c.calls))
			for i, call := range c.calls {
				go func() {
					outs[i] = readOne(ctx, call, method, params, decode)
					done <- struct{}{}
				}()
			}
			for range c.calls {
				<-done
			}
		}
		v, err, disputed := settle(outs)
		if !disputed {
			return v, err
		}
		if attempt == AgreeRetries {
			return zero, fmt.Errorf("%w after %d tries: %s", ErrDisagree, attempt+1, err)
		}
		select {
		case <-ctx.Done():
			return zero, fmt.Errorf("%w: %s (%v)", ErrDisagree, err, ctx.Err())
		case <-time.After(delay):
		}
		delay *= 2
	}
}

func readOne[T any](ctx context.Context, call Call, method string, params []any, decode func(json.RawMessage) (T, error)) outcome[T] {
	raw, err := call(ctx, method, params)
	if err != nil {
		return outcome[T]{err: err}
	}
	if len(raw) > MaxResultBytes {
		return outcome[T]{err: fmt.Errorf("the answer is %d bytes (limit %d)", len(raw), MaxResultBytes)}
	}
	v, err := decode(raw)
	return outcome[T]{v: v, err: err}
}

// settle applies read's rules to one round of outcomes. disputed means
// the endpoints disagree; err then describes how.
func settle[T any](outs []outcome[T]) (v T, err error, disputed bool) {
	reverts := 0
	for i, o := range outs {
		switch {
		case o.err == nil:
		case isRevert(o.err):
			reverts++
		default:
			if len(outs) > 1 {
				return v, fmt.Errorf("endpoint %d: %w", i+1, o.err), false
			}
			return v, o.err, false
		}
	}
	switch reverts {
	case len(outs):
		return v, outs[0].err, false
	case 0:
		for i := 1; i < len(outs); i++ {
			if !reflect.DeepEqual(outs[0].v, outs[i].v) {
				return v, fmt.Errorf("endpoint 1 answered %s, endpoint %d %s", show(outs[0].v), i+1, show(outs[i].v)), true
			}
		}
		return outs[0].v, nil, false
	}
	return v, errors.New("one endpoint reverted while another answered"), true
}

// show renders a decoded value for an error message, briefly.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%.80v", v)
	}
	return fmt.Sprintf("%.80s", b)
}
