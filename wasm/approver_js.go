package wasm

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// guardMethods adds the approver methods of issue 13 (leash.d.ts): the
// display model (inspect, inspectTx, queue, activity), supervised
// approvals bound to the shown digest, the mode and kill switch, the
// user's activity for the idle timer, and the authenticated host records.
func guardMethods(s *signer.Signer, method func(string, func([]js.Value) (func() (any, error), error))) {
	ctx := context.Background()
	method("setMode", func(args []js.Value) (func() (any, error), error) {
		raw, err := jsonArg(arg(args, 0), "mode")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			var m signer.Mode
			if err := wire.DecodeStrict(raw, &m, "mode"); err != nil {
				return nil, err
			}
			return nil, s.SetMode(ctx, m)
		}, nil
	})
	method("policy", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			info := s.PinnedPolicy()
			if info == nil {
				return nil, nil
			}
			return fromJSON(info)
		}, nil
	})
	method("warm", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) { return nil, s.Warm() }, nil
	})
	method("touch", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) { s.Touch(); return nil, nil }, nil
	})
	method("inspect", func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "proposal")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			v, err := s.Inspect(ctx, raw)
			if err != nil {
				return nil, err
			}
			return fromJSON(v)
		}, nil
	})
	method("inspectTx", func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "tx")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			v, err := s.InspectTx(raw)
			if err != nil {
				return nil, err
			}
			return fromJSON(v)
		}, nil
	})
	method("queue", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) { return fromJSON(s.Queue(ctx)) }, nil
	})
	method("approve", func(args []js.Value) (func() (any, error), error) {
		id, err := stringOf(arg(args, 0), "id")
		if err != nil {
			return nil, err
		}
		d, err := stringOf(arg(args, 1), "digest")
		if err != nil {
			return nil, err
		}
		digest, err := wire.ParseHash32(d)
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			r, err := s.Approve(ctx, id, digest)
			if err != nil {
				return nil, err
			}
			return fromJSON(r)
		}, nil
	})
	method("reject", func(args []js.Value) (func() (any, error), error) {
		id, err := stringOf(arg(args, 0), "id")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			r, err := s.Reject(ctx, id)
			if err != nil {
				return nil, err
			}
			return fromJSON(r)
		}, nil
	})
	method("activity", func(args []js.Value) (func() (any, error), error) {
		limit, err := uintOf(arg(args, 0), "limit", 300)
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return fromJSON(s.ActivityView(ctx, int(min(limit, 1<<20)))) }, nil
	})
	method("records", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			out := map[string]any{}
			for n, v := range s.Records() {
				if v == nil {
					out[n] = nil
				} else {
					out[n] = string(v)
				}
			}
			return js.ValueOf(out), nil
		}, nil
	})
	method("putRecord", func(args []js.Value) (func() (any, error), error) {
		name, err := stringOf(arg(args, 0), "name")
		if err != nil {
			return nil, err
		}
		raw, err := bytesOf(arg(args, 1), "record")
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return nil, s.PutRecord(ctx, name, raw) }, nil
	})
	method("resetTampered", func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			bad, err := s.ResetTampered(ctx)
			if err != nil {
				return nil, err
			}
			if bad == nil {
				bad = []string{}
			}
			return fromJSON(bad)
		}, nil
	})
}

// sessionMethods adds the user face's session calls (leash-ext.d.ts):
// derived keys for chrome.storage.session, never the password.
func sessionMethods(s *signer.Signer, o js.Value) {
	ctx := context.Background()
	o.Set("unlockSession", async(func(args []js.Value) (func() (any, error), error) {
		pw, err := stringOf(arg(args, 0), "password")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			sess, err := s.UnlockSession(ctx, pw)
			if err != nil {
				return nil, err
			}
			b, _ := json.Marshal(sess)
			return string(b), nil
		}, nil
	}))
	o.Set("resumeSession", async(func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "session")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			sess, err := signer.DecodeSession(raw)
			if err != nil {
				return nil, err
			}
			return nil, s.Resume(ctx, sess)
		}, nil
	}))
	o.Set("sessionMAC", async(func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			sess := s.SessionMAC()
			if sess == nil {
				return nil, nil
			}
			b, _ := json.Marshal(sess)
			return string(b), nil
		}, nil
	}))
}

// jsonArg takes a plain object (or a JSON string) and returns its JSON
// text, for a strict decode in Go.
func jsonArg(v js.Value, what string) ([]byte, error) {
	switch v.Type() {
	case js.TypeString:
		return []byte(v.String()), nil
	case js.TypeObject:
		s := js.Global().Get("JSON").Call("stringify", v)
		if s.Type() == js.TypeString {
			return []byte(s.String()), nil
		}
	}
	return nil, wire.Errorf(wire.Malformed, "%s must be an object", what)
}
