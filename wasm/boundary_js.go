package wasm

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/leash-wallet/leash/wire"
)

// Version is the version of the JS API (leash.version).
//
// Changelog:
//   - 1: tools, open → {agent, approver}.
//   - 2: program proofs: open's rpc and maxBlockAge options,
//     approver.pinProgram / unpinProgram, status().programs, and the tool
//     signer's program, programVK and rpc.
//   - 3: the core distrusts its RPC and checks the registry itself: open's
//     rpc2 (a second RPC every read must agree with) and registry options;
//     approver.configure, checkRPC, confirmNonce, resetNonce; syncNonce()
//     without an argument reads the nonce through the core's RPC, and any
//     sync moves it by at most 16 (status().nonceHold otherwise);
//     status().chain and programs[].lastBlock; maxBlockAge defaults to 2;
//     pinProgram needs the program published in the registry.
//   - 4: the trust boundary (issue 13): open's authenticate, maxQueue and
//     auditKeep options; approver.setMode, touch, inspect, inspectTx,
//     queue, approve, reject, activity, records, putRecord,
//     resetTampered; status().queued, mode and integrity; the receipt
//     codes busy and user_rejected.
//   - 5: policy v2 (proposal protocol 2, policy format 2, program format
//     2): receipts carry `state` {spent, fees, txs, tokenSpent}
//     instead of `spent`; status() adds `state` (the window state the core
//     verifies against) and `limits` (every window rule: spent, cap, when
//     capacity frees up), and the budget rows of `windows` gain fee_window,
//     tx_count and token_window; the display model's ruleArgs and spend;
//     the refusal code program_only; status().pinsError (stored pins
//     that do not decode: open no longer fails on them, their first use
//     does).
const Version = 5

// Register installs globalThis.leash and calls globalThis.onLeashReady if
// the host defined one.
func Register() {
	// No gnark logger to silence: the core links gnark-crypto only (no
	// gnark package, which would log to stdout, the host's).
	g := js.Global()
	obj := js.ValueOf(map[string]any{})
	obj.Set("version", Version)
	obj.Set("tools", toolsObject())
	obj.Set("open", async(openCore))
	obj.Set("ready", true)
	g.Set("leash", obj)
	if cb := g.Get("onLeashReady"); cb.Type() == js.TypeFunction {
		cb.Invoke(obj)
	}
}

// async wraps a method as a JS function returning a Promise. prepare runs
// synchronously and copies the JS arguments into Go values; the work it
// returns runs in a goroutine that settles the Promise.
func async(prepare func(args []js.Value) (func() (any, error), error)) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		work, err := safePrepare(prepare, args)
		if err != nil {
			return rejected(err)
		}
		return promise(work)
	})
}

func safePrepare(prepare func([]js.Value) (func() (any, error), error), args []js.Value) (work func() (any, error), err error) {
	defer func() {
		if r := recover(); r != nil {
			work, err = nil, wire.Errorf(wire.Malformed, "bad arguments: %v", r)
		}
	}()
	return prepare(args)
}

// promise runs work in a goroutine and settles a new Promise with its result.
func promise(work func() (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			v, err := safeRun(work)
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	p := js.Global().Get("Promise").New(executor) // the executor runs synchronously
	executor.Release()
	return p
}

func rejected(err error) js.Value {
	return js.Global().Get("Promise").Call("reject", jsError(err))
}

func safeRun(work func() (any, error)) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, wire.Errorf(wire.Internal, "internal error: %v", r)
		}
	}()
	return work()
}

// jsError makes an Error with a stable code property.
func jsError(err error) js.Value {
	e := js.Global().Get("Error").New(wire.MessageOf(err))
	e.Set("code", string(wire.CodeOf(err)))
	return e
}

// fromJSON turns a Go value into a plain JS value through JSON.
func fromJSON(v any) (js.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return js.Undefined(), wire.Errorf(wire.Internal, "encode: %v", err)
	}
	return js.Global().Get("JSON").Call("parse", string(b)), nil
}

// bytesOf copies a string or Uint8Array argument into Go.
func bytesOf(v js.Value, what string) ([]byte, error) {
	switch {
	case v.Type() == js.TypeString:
		return []byte(v.String()), nil
	case v.InstanceOf(js.Global().Get("Uint8Array")):
		b := make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(b, v)
		return b, nil
	}
	return nil, wire.Errorf(wire.Malformed, "%s must be a string or a Uint8Array", what)
}

func stringOf(v js.Value, what string) (string, error) {
	if v.Type() != js.TypeString {
		return "", wire.Errorf(wire.Malformed, "%s must be a string", what)
	}
	return v.String(), nil
}

// uintOf reads a non-negative integer given as a number, bigint or string.
func uintOf(v js.Value, what string, def uint64) (uint64, error) {
	switch v.Type() {
	case js.TypeUndefined, js.TypeNull:
		return def, nil
	case js.TypeNumber:
		f := v.Float()
		if f < 0 || f != float64(uint64(f)) || f > 1<<53 {
			return 0, wire.Errorf(wire.Malformed, "%s must be a non-negative integer", what)
		}
		return uint64(f), nil
	}
	var n uint64
	s := js.Global().Get("String").Invoke(v).String()
	if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != s {
		return 0, wire.Errorf(wire.Malformed, "%s must be a non-negative integer", what)
	}
	return n, nil
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}
