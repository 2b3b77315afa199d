package wasm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// RPCTimeout bounds one JSON-RPC request made through the host's rpc
// function; a request that takes longer is input_unavailable.
const RPCTimeout = 15 * time.Second

// jsRPC adapts the host's rpc(method, params) → Promise<result> function
// (OpenOptions.rpc: the extension's fetch to the user's RPC URL) to
// rpcchain.Call. A rejection carrying a numeric code (a JSON-RPC error
// object) becomes *rpcchain.Error, so reverts are told from outages.
func jsRPC(fn js.Value) rpcchain.Call {
	return func(ctx context.Context, method string, params []any) (raw json.RawMessage, err error) {
		ctx, cancel := context.WithTimeout(ctx, RPCTimeout)
		defer cancel()
		pj, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		type result struct {
			raw json.RawMessage
			err error
		}
		ch := make(chan result, 1)
		onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
			v := arg(args, 0)
			if v.Type() == js.TypeUndefined {
				ch <- result{err: errors.New("the host's rpc function resolved to undefined")}
				return nil
			}
			s := js.Global().Get("JSON").Call("stringify", v)
			if s.Type() != js.TypeString {
				ch <- result{err: errors.New("the host's rpc result is not JSON")}
				return nil
			}
			ch <- result{raw: json.RawMessage(s.String())}
			return nil
		})
		onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
			ch <- result{err: rpcRejection(arg(args, 0))}
			return nil
		})
		defer onOK.Release()
		defer onErr.Release()
		if err := invokeRPC(fn, method, string(pj), onOK, onErr); err != nil {
			return nil, err
		}
		select {
		case r := <-ch:
			return r.raw, r.err
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: no answer within %s", method, RPCTimeout)
		}
	}
}

// invokeRPC calls fn(method, params) and subscribes to its (promised)
// result; a host function that throws is an error, not a panic.
func invokeRPC(fn js.Value, method, params string, onOK, onErr js.Func) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the host's rpc function threw: %v", r)
		}
	}()
	v := fn.Invoke(method, js.Global().Get("JSON").Call("parse", params))
	js.Global().Get("Promise").Call("resolve", v).Call("then", onOK, onErr)
	return nil
}

// rpcRejection turns a rejection reason into an error: {code, message}
// (a JSON-RPC error object, or an Error with a numeric code) is
// *rpcchain.Error; anything else is a transport error.
func rpcRejection(v js.Value) error {
	if v.Type() == js.TypeObject && v.Get("code").Type() == js.TypeNumber {
		msg := v.Get("message")
		m := ""
		if msg.Type() == js.TypeString {
			m = msg.String()
		}
		return &rpcchain.Error{Code: v.Get("code").Int(), Message: m}
	}
	return errors.New(js.Global().Get("String").Invoke(v).String())
}

// rpcOption reads OpenOptions.rpc: a function, or absent.
func rpcOption(o js.Value) (rpcchain.Call, error) {
	switch fn := o.Get("rpc"); fn.Type() {
	case js.TypeUndefined, js.TypeNull:
		return nil, nil
	case js.TypeFunction:
		return jsRPC(fn), nil
	}
	return nil, wire.Errorf(wire.Malformed, "rpc must be a function (method, params) → Promise<result>")
}

// programMethods adds approver.pinProgram(doc, vk) → {commitment} and
// approver.unpinProgram(commitment).
func programMethods(s *signer.Signer, method func(string, func([]js.Value) (func() (any, error), error))) {
	method("pinProgram", pinWith("program", s.PinProgram))
	method("unpinProgram", func(args []js.Value) (func() (any, error), error) {
		c, err := stringOf(arg(args, 0), "commitment")
		if err != nil {
			return nil, err
		}
		h, err := wire.ParseHash32(c)
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return nil, s.UnpinProgram(context.Background(), h) }, nil
	})
}

// toolProgram is the program a tool signer verifies program proposals
// against (leash.tools.signer({…, program, programVK, rpc})): for
// benchmarks and batch checks, like the rest of the tool signer.
type toolProgram struct {
	prog  *signer.Program
	chain program.Chain
}

// toolProgramOption reads the optional program, programVK and rpc of a
// tool signer's options; the returned loader runs in the work goroutine.
func toolProgramOption(o js.Value) (func() (*toolProgram, error), error) {
	if d := o.Get("program"); d.Type() == js.TypeUndefined || d.Type() == js.TypeNull {
		return func() (*toolProgram, error) { return nil, nil }, nil
	}
	doc, err := bytesOf(o.Get("program"), "program")
	if err != nil {
		return nil, err
	}
	vkb, err := bytesOf(o.Get("programVK"), "programVK")
	if err != nil {
		return nil, err
	}
	call, err := rpcOption(o)
	if err != nil {
		return nil, err
	}
	if call == nil {
		return nil, wire.Errorf(wire.Malformed, "a program needs rpc, to re-read its inputs")
	}
	return func() (*toolProgram, error) {
		prog, err := signer.LoadProgram(doc, vkb)
		if err != nil {
			return nil, err
		}
		return &toolProgram{prog: prog, chain: rpcchain.New(call)}, nil
	}, nil
}

// verify checks a program proposal against the tool's program.
func (tp *toolProgram) verify(p *wire.Proposal, pol *policy.Policy, st *wire.State) error {
	if tp == nil {
		return wire.Errorf(wire.UnknownPolicy, "proposal claims program %s; this tool signer has no program", p.Program.Commitment)
	}
	return tp.prog.Verify(context.Background(), p, pol, st, tp.chain, programverify.Options{})
}
