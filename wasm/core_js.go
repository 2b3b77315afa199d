package wasm

import (
	"context"
	"encoding/json"
	"syscall/js"
	"time"

	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// openCore: leash.open(storage, {idleTimeoutMs?, maxPending?, rpc?, rpc2?,
// registry?, maxBlockAge?, authenticate?, maxQueue?, auditKeep?}) →
// Promise<{agent, approver}>.
func openCore(args []js.Value) (func() (any, error), error) { return openWith(args, nil) }

// openWith opens the core on the storage and options in args; extra, when
// set, adds more faces to the returned object (leashExt's user face).
func openWith(args []js.Value, extra func(s *signer.Signer, core js.Value)) (func() (any, error), error) {
	store, err := newJSStore(arg(args, 0))
	if err != nil {
		return nil, err
	}
	cfg := signer.Config{Store: store}
	if o := arg(args, 1); o.Type() == js.TypeObject {
		ms, err := uintOf(o.Get("idleTimeoutMs"), "idleTimeoutMs", 0)
		if err != nil {
			return nil, err
		}
		cfg.IdleTimeout = time.Duration(ms) * time.Millisecond
		mp, err := uintOf(o.Get("maxPending"), "maxPending", 0)
		if err != nil {
			return nil, err
		}
		cfg.MaxPending = int(min(mp, 1<<16))
		if cfg.ChainOptions, err = chainOptions(o, cfg.ChainOptions); err != nil {
			return nil, err
		}
		cfg.Authenticate = o.Get("authenticate").Truthy()
		mq, err := uintOf(o.Get("maxQueue"), "maxQueue", 0)
		if err != nil {
			return nil, err
		}
		cfg.MaxQueue = int(min(mq, 1<<16))
		keep, err := uintOf(o.Get("auditKeep"), "auditKeep", 0)
		if err != nil {
			return nil, err
		}
		cfg.AuditKeep = int(min(keep, 1<<20))
	}
	return func() (any, error) {
		s, err := signer.New(context.Background(), cfg)
		if err != nil {
			return nil, err
		}
		core := js.ValueOf(map[string]any{})
		core.Set("agent", agentObject(s))
		core.Set("approver", approverObject(s))
		if extra != nil {
			extra(s, core)
		}
		return core, nil
	}, nil
}

// Agent is the only thing the relay side reaches.
type Agent interface {
	Submit(ctx context.Context, raw []byte) wire.Receipt
}

func agentObject(a Agent) js.Value {
	o := js.ValueOf(map[string]any{})
	o.Set("submit", async(func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "proposal")
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return fromJSON(a.Submit(context.Background(), raw)) }, nil
	}))
	return o
}

func approverObject(s *signer.Signer) js.Value {
	ctx := context.Background()
	o := js.ValueOf(map[string]any{})
	method := func(name string, prepare func(args []js.Value) (func() (any, error), error)) {
		o.Set(name, async(prepare))
	}
	method("status", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) { return fromJSON(s.Status()) }, nil
	})
	method("createVault", func(args []js.Value) (func() (any, error), error) {
		pw, err := stringOf(arg(args, 0), "password")
		if err != nil {
			return nil, err
		}
		words, err := uintOf(arg(args, 1), "words", 12)
		if err != nil {
			return nil, err
		}
		replace := arg(args, 2).Truthy()
		return func() (any, error) {
			m, addr, err := s.CreateVault(ctx, pw, int(words), replace)
			if err != nil {
				return nil, err
			}
			return js.ValueOf(map[string]any{"mnemonic": m, "address": addr.Hex()}), nil
		}, nil
	})
	method("importVault", func(args []js.Value) (func() (any, error), error) {
		m, err := stringOf(arg(args, 0), "mnemonic")
		if err != nil {
			return nil, err
		}
		pw, err := stringOf(arg(args, 1), "password")
		if err != nil {
			return nil, err
		}
		replace := arg(args, 2).Truthy()
		return func() (any, error) {
			addr, err := s.ImportVault(ctx, m, pw, replace)
			if err != nil {
				return nil, err
			}
			return js.ValueOf(map[string]any{"address": addr.Hex()}), nil
		}, nil
	})
	method("unlock", func(args []js.Value) (func() (any, error), error) {
		pw, err := stringOf(arg(args, 0), "password")
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return nil, s.Unlock(ctx, pw) }, nil
	})
	method("lock", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) { s.Lock(ctx); return nil, nil }, nil
	})
	method("exportMnemonic", func(args []js.Value) (func() (any, error), error) {
		pw, err := stringOf(arg(args, 0), "password")
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return s.ExportMnemonic(ctx, pw) }, nil
	})
	method("changePassword", func(args []js.Value) (func() (any, error), error) {
		oldPw, err := stringOf(arg(args, 0), "oldPassword")
		if err != nil {
			return nil, err
		}
		newPw, err := stringOf(arg(args, 1), "newPassword")
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return nil, s.ChangePassword(ctx, oldPw, newPw) }, nil
	})
	method("pin", pinWith("policy", s.Pin))
	method("pinTypedKey", func(args []js.Value) (func() (any, error), error) {
		vk, err := bytesOf(arg(args, 0), "vk")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			h, err := s.PinTypedKey(ctx, vk)
			if err != nil {
				return nil, err
			}
			return js.ValueOf(map[string]any{"hash": h.Hex()}), nil
		}, nil
	})
	method("pending", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			var out []any
			for _, p := range s.Pending() {
				out = append(out, string(p))
			}
			return js.ValueOf(out), nil
		}, nil
	})
	method("retry", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			rs, err := s.Retry(ctx)
			if err != nil {
				return nil, err
			}
			if rs == nil {
				rs = []wire.Receipt{}
			}
			return fromJSON(rs)
		}, nil
	})
	method("audit", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			entries, err := s.Audit(ctx)
			res := map[string]any{"ok": err == nil, "entries": entries}
			if err != nil {
				res["code"], res["error"] = wire.CodeOf(err), wire.MessageOf(err)
			}
			if entries == nil {
				res["entries"] = []any{}
			}
			b, _ := json.Marshal(res)
			return js.Global().Get("JSON").Call("parse", string(b)), nil
		}, nil
	})
	programMethods(s, method)
	chainMethods(s, method)
	guardMethods(s, method)
	return o
}

// pinWith is approver.pin and approver.pinProgram: (document, vk) →
// {commitment}, the document a string or Uint8Array, the key a Uint8Array.
func pinWith(what string, pin func(ctx context.Context, doc, vk []byte) (wire.Hash32, error)) func([]js.Value) (func() (any, error), error) {
	return func(args []js.Value) (func() (any, error), error) {
		doc, err := bytesOf(arg(args, 0), what)
		if err != nil {
			return nil, err
		}
		vk, err := bytesOf(arg(args, 1), "vk")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			c, err := pin(context.Background(), doc, vk)
			if err != nil {
				return nil, err
			}
			return js.ValueOf(map[string]any{"commitment": c.Hex()}), nil
		}, nil
	}
}
