package wasm

import (
	"context"
	"syscall/js"

	"github.com/leash-wallet/leash/wire"
)

// jsStore adapts a host storage object {get(key), set(key, value),
// remove(key)} whose methods return values or Promises. Values are strings
// (every stored document is JSON text).
type jsStore struct{ obj js.Value }

func newJSStore(obj js.Value) (*jsStore, error) {
	if obj.Type() != js.TypeObject {
		return nil, wire.Errorf(wire.Malformed, "storage must be an object with get, set and remove")
	}
	for _, m := range []string{"get", "set", "remove"} {
		if obj.Get(m).Type() != js.TypeFunction {
			return nil, wire.Errorf(wire.Malformed, "storage has no %s method", m)
		}
	}
	return &jsStore{obj: obj}, nil
}

func (s *jsStore) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := await(ctx, s.obj.Call("get", key))
	if err != nil {
		return nil, err
	}
	switch v.Type() {
	case js.TypeUndefined, js.TypeNull:
		return nil, nil
	case js.TypeString:
		return []byte(v.String()), nil
	}
	return nil, wire.Errorf(wire.Malformed, "storage: %s is not a string", key)
}

func (s *jsStore) Put(ctx context.Context, key string, value []byte) error {
	_, err := await(ctx, s.obj.Call("set", key, string(value)))
	return err
}

func (s *jsStore) Delete(ctx context.Context, key string) error {
	_, err := await(ctx, s.obj.Call("remove", key))
	return err
}

type settled struct {
	v   js.Value
	err error
}

// await waits for a value or Promise from a goroutine (never from a JS
// callback, which would deadlock the event loop).
//
// A plain value (not a thenable) is returned at once, without a trip
// through the event loop: a host that answers from memory (the extension's
// records preloaded at start) keeps the core's open short.
func await(ctx context.Context, v js.Value) (js.Value, error) {
	if v.Type() != js.TypeObject || v.Get("then").Type() != js.TypeFunction {
		return v, nil
	}
	p := js.Global().Get("Promise").Call("resolve", v)
	ch := make(chan settled, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: arg(args, 0)}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := js.Global().Get("String").Invoke(arg(args, 0)).String()
		ch <- settled{err: wire.Errorf(wire.Internal, "storage: %s", msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return js.Undefined(), wire.Errorf(wire.Internal, "storage: %v", ctx.Err())
	}
}
