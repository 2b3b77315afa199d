package wasm

import (
	"context"
	"syscall/js"

	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// chainOptions applies the chain options of o (leash.open's options, or
// approver.configure's argument) over cur: rpc and rpc2 (a function, or
// null to remove), registry (an address, or "" to remove), maxBlockAge.
// An absent key keeps cur's value.
func chainOptions(o js.Value, cur signer.ChainOptions) (signer.ChainOptions, error) {
	if o.Type() != js.TypeObject {
		return cur, nil
	}
	for _, f := range []struct {
		name string
		dst  *rpcchain.Call
	}{{"rpc", &cur.RPC}, {"rpc2", &cur.SecondRPC}} {
		switch v := o.Get(f.name); v.Type() {
		case js.TypeUndefined:
		case js.TypeNull:
			*f.dst = nil
		case js.TypeFunction:
			*f.dst = jsRPC(v)
		default:
			return cur, wire.Errorf(wire.Malformed, "%s must be a function (method, params) → Promise<result>, or null", f.name)
		}
	}
	switch v := o.Get("registry"); v.Type() {
	case js.TypeUndefined:
	case js.TypeString:
		cur.Registry = wire.Address{}
		if v.String() != "" {
			a, err := wire.ParseAddress(v.String())
			if err != nil {
				return cur, wire.Errorf(wire.Malformed, "registry: %s", wire.MessageOf(err))
			}
			cur.Registry = a
		}
	default:
		return cur, wire.Errorf(wire.Malformed, "registry must be an address string (\"\" for none)")
	}
	if v := o.Get("maxBlockAge"); v.Type() != js.TypeUndefined {
		age, err := uintOf(v, "maxBlockAge", 0)
		if err != nil {
			return cur, err
		}
		cur.MaxBlockAge = age
	}
	return cur, nil
}

// chainMethods adds the approver's chain methods:
//   - configure(options) changes rpc, rpc2, registry, maxBlockAge;
//   - checkRPC(rpc) → {chainId}: the endpoint's chain against the pinned
//     policy's (wrong_chain), for the user's settings page before saving;
//   - syncNonce(n?) → {nonce, held?}: with n, the user's own wallet moved
//     the nonce to n; without, the core reads it through its own RPC;
//     either way by at most the step, a larger jump held (held: its nonce);
//   - confirmNonce(n) → {nonce} and resetNonce() → {nonce}: the user's
//     answer to a held jump.
func chainMethods(s *signer.Signer, method func(string, func([]js.Value) (func() (any, error), error))) {
	ctx := context.Background()
	method("configure", func(args []js.Value) (func() (any, error), error) {
		o := arg(args, 0)
		if o.Type() != js.TypeObject {
			return nil, wire.Errorf(wire.Malformed, "configure takes an options object")
		}
		opts, err := chainOptions(o, s.ChainOptions())
		if err != nil {
			return nil, err
		}
		return func() (any, error) { s.Configure(opts); return fromJSON(s.Status().Chain) }, nil
	})
	method("checkRPC", func(args []js.Value) (func() (any, error), error) {
		fn := arg(args, 0)
		if fn.Type() != js.TypeFunction {
			return nil, wire.Errorf(wire.Malformed, "checkRPC takes an rpc function")
		}
		call := jsRPC(fn)
		return func() (any, error) {
			id, err := s.CheckRPC(ctx, call)
			if err != nil {
				return nil, err
			}
			return js.ValueOf(map[string]any{"chainId": float64(id)}), nil
		}, nil
	})
	nonce := func(n uint64, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		out := map[string]any{"nonce": float64(n)}
		if h := s.Status().NonceHold; h != nil {
			out["held"] = float64(h.Chain)
		}
		return js.ValueOf(out), nil
	}
	method("syncNonce", func(args []js.Value) (func() (any, error), error) {
		if a := arg(args, 0); a.Type() == js.TypeUndefined {
			return func() (any, error) { return nonce(s.RefreshNonce(ctx)) }, nil
		}
		n, err := uintOf(arg(args, 0), "nonce", 0)
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return nonce(s.SyncNonce(ctx, n)) }, nil
	})
	method("confirmNonce", func(args []js.Value) (func() (any, error), error) {
		if arg(args, 0).Type() == js.TypeUndefined {
			return nil, wire.Errorf(wire.Malformed, "confirmNonce takes the held nonce")
		}
		n, err := uintOf(arg(args, 0), "nonce", 0)
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return nonce(s.ConfirmNonce(ctx, n)) }, nil
	})
	method("resetNonce", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) { return nonce(s.ResetNonce(ctx), nil) }, nil
	})
}
