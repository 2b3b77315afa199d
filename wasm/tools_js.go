package wasm

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"math/big"
	"runtime"
	"syscall/js"
	"time"

	"github.com/leash-wallet/leash/wasm/ethkey"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wasm/verbs"
	"github.com/leash-wallet/leash/wire"
)

func toolsObject() js.Value {
	t := js.ValueOf(map[string]any{})
	t.Set("verify", async(func(args []js.Value) (func() (any, error), error) {
		f := filesOf(arg(args, 0), "vk", "policy", "proposal", "state")
		return verbResult(func() verbs.Output { return verbs.Verify(f[0], f[1], f[2], f[3]) }), nil
	}))
	t.Set("publicInputs", async(func(args []js.Value) (func() (any, error), error) {
		f := filesOf(arg(args, 0), "policy", "proposal", "state")
		return verbResult(func() verbs.Output { return verbs.PublicInputs(f[0], f[1], f[2]) }), nil
	}))
	t.Set("sign", async(func(args []js.Value) (func() (any, error), error) {
		o := arg(args, 0)
		f := filesOf(o, "mnemonic", "vk", "policy", "proposal", "state")
		index, err := uintOf(o.Get("index"), "index", 0)
		if err != nil {
			return nil, err
		}
		return verbResult(func() verbs.Output { return verbs.Sign(f[0], index, f[1], f[2], f[3], f[4]) }), nil
	}))
	t.Set("keysAddress", async(func(args []js.Value) (func() (any, error), error) {
		o := arg(args, 0)
		f := filesOf(o, "mnemonic")
		index, err := uintOf(o.Get("index"), "index", 0)
		if err != nil {
			return nil, err
		}
		return verbResult(func() verbs.Output { return verbs.KeysAddress(f[0], index) }), nil
	}))
	t.Set("signer", async(newToolSigner))
	t.Set("memStats", async(func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return fromJSON(map[string]uint64{"heapAlloc": m.HeapAlloc, "heapSys": m.HeapSys, "sys": m.Sys, "numGC": uint64(m.NumGC)})
		}, nil
	}))
	return t
}

// filesOf reads {name: {path, data, error}} arguments.
func filesOf(o js.Value, names ...string) []verbs.File {
	out := make([]verbs.File, len(names))
	if o.Type() != js.TypeObject {
		for i, n := range names {
			out[i] = verbs.File{Path: n, Err: errors.New("missing argument")}
		}
		return out
	}
	for i, n := range names {
		v := o.Get(n)
		if v.Type() != js.TypeObject {
			out[i] = verbs.File{Path: n, Err: errors.New("missing argument")}
			continue
		}
		f := verbs.File{Path: v.Get("path").String()}
		if e := v.Get("error"); e.Type() == js.TypeString {
			f.Err = errors.New(e.String())
		} else if b, err := bytesOf(v.Get("data"), n); err != nil {
			f.Err = err
		} else {
			f.Data = b
		}
		if v.Get("path").Type() != js.TypeString {
			f.Path = ""
			if n != "vk" {
				f.Path = n
			}
		}
		out[i] = f
	}
	return out
}

func verbResult(run func() verbs.Output) func() (any, error) {
	return func() (any, error) {
		out := run()
		return js.ValueOf(map[string]any{"exit": out.Exit, "stdout": string(out.Stdout)}), nil
	}
}

// toolSigner holds one derived key and a pinned policy and key, for
// benchmarks and tools that sign many proposals statelessly (the state is
// given with every call, as `leash sign --state` does).
type toolSigner struct {
	key  *ecdsa.PrivateKey
	pol  *policy.Policy
	vk   *verify.VerifyingKey
	prog *toolProgram // nil: program proposals are unknown_policy
	// typedVK is the typed-data circuit's key; nil: signature proposals
	// are unknown_policy.
	typedVK *verify.TypedVerifyingKey
}

// newToolSigner: leash.tools.signer({mnemonic, index?, policy, vk,
// typedVK?, program?, programVK?, rpc?}).
func newToolSigner(args []js.Value) (func() (any, error), error) {
	o := arg(args, 0)
	mnemonic, err := stringOf(o.Get("mnemonic"), "mnemonic")
	if err != nil {
		return nil, err
	}
	index, err := uintOf(o.Get("index"), "index", 0)
	if err != nil {
		return nil, err
	}
	polJSON, err := bytesOf(o.Get("policy"), "policy")
	if err != nil {
		return nil, err
	}
	vkBytes, err := bytesOf(o.Get("vk"), "vk")
	if err != nil {
		return nil, err
	}
	var typedBytes []byte
	if t := o.Get("typedVK"); t.Type() != js.TypeUndefined {
		if typedBytes, err = bytesOf(t, "typedVK"); err != nil {
			return nil, err
		}
	}
	loadProgram, err := toolProgramOption(o)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		if index >= 1<<31 {
			return nil, wire.Errorf(wire.Malformed, "index out of range")
		}
		pol, err := policy.Decode(polJSON)
		if err != nil {
			return nil, err
		}
		vk, err := verify.LoadVerifyingKey(vkBytes)
		if err != nil {
			return nil, err
		}
		prog, err := loadProgram()
		if err != nil {
			return nil, err
		}
		ts := &toolSigner{pol: pol, vk: vk, prog: prog}
		if typedBytes != nil {
			if ts.typedVK, err = verify.LoadTypedVerifyingKey(typedBytes); err != nil {
				return nil, err
			}
		}
		err = vault.WithMnemonicKey(mnemonic, uint32(index), func(k *ecdsa.PrivateKey) error {
			c := *k
			c.D = new(big.Int).Set(k.D)
			ts.key = &c
			return nil
		})
		if err != nil {
			return nil, err
		}
		return ts.object(), nil
	}, nil
}

func (ts *toolSigner) object() js.Value {
	o := js.ValueOf(map[string]any{})
	o.Set("address", wire.Address(ts.address()).Hex())
	// sign(txJSON) signs a transaction without any proof: for measuring the
	// signature alone. It exists only on a tool signer the caller built from
	// a mnemonic it holds, never on the core opened over the vault.
	o.Set("sign", async(func(args []js.Value) (func() (any, error), error) {
		b, err := bytesOf(arg(args, 0), "tx")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			if ts.key == nil {
				return nil, wire.Errorf(wire.Locked, "tool signer closed")
			}
			tx, err := wire.DecodeTx(b)
			if err != nil {
				return nil, err
			}
			s, err := signer.SignTx(ts.key, tx)
			if err != nil {
				return nil, err
			}
			return fromJSON(s)
		}, nil
	}))
	// verifyAndSign(proposalJSON, stateJSON) → {ok, code?, message?, rawTx?, txHash?, micros};
	// for a signature proposal (typed data) {ok, signature?, digest?, …}.
	o.Set("verifyAndSign", async(func(args []js.Value) (func() (any, error), error) {
		pb, err := bytesOf(arg(args, 0), "proposal")
		if err != nil {
			return nil, err
		}
		sb, err := bytesOf(arg(args, 1), "state")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			if ts.key == nil {
				return nil, wire.Errorf(wire.Locked, "tool signer closed")
			}
			start := time.Now()
			if wire.IsSigProposal(pb) {
				sig, digest, err := ts.verifyAndSignTyped(pb, sb)
				us := time.Since(start).Microseconds()
				if err != nil {
					return js.ValueOf(map[string]any{"ok": false, "code": string(wire.CodeOf(err)), "message": wire.MessageOf(err), "micros": us}), nil
				}
				return js.ValueOf(map[string]any{"ok": true, "signature": "0x" + hexOf(sig), "digest": digest.Hex(), "micros": us}), nil
			}
			s, err := ts.verifyAndSign(pb, sb)
			us := time.Since(start).Microseconds()
			if err != nil {
				return js.ValueOf(map[string]any{"ok": false, "code": string(wire.CodeOf(err)), "message": wire.MessageOf(err), "micros": us}), nil
			}
			return js.ValueOf(map[string]any{"ok": true, "rawTx": "0x" + hexOf(s.RawTx), "txHash": s.TxHash.Hex(), "micros": us}), nil
		}, nil
	}))
	o.Set("close", async(func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			if ts.key != nil {
				ts.key.D.SetInt64(0)
				ts.key = nil
			}
			return nil, nil
		}, nil
	}))
	return o
}

func (ts *toolSigner) verifyAndSign(pb, sb []byte) (*signer.Signed, error) {
	p, err := wire.DecodeProposal(pb)
	if err != nil {
		return nil, err
	}
	st, err := wire.DecodeState(sb)
	if err != nil {
		return nil, err
	}
	if p.Program != nil {
		err = ts.prog.verify(p, ts.pol, st)
	} else {
		err = verify.Verify(p, ts.pol, ts.vk, st, verify.Options{})
	}
	if err != nil {
		return nil, err
	}
	return signer.SignTx(ts.key, &p.Tx)
}

// verifyAndSignTyped is verifyAndSign for a signature proposal: the
// checks and the proof against the given state, then the EIP-712 digest
// of the document verified, signed (v as 27/28). Nothing is reserved or
// recorded: the caller owns the state.
func (ts *toolSigner) verifyAndSignTyped(pb, sb []byte) ([]byte, wire.Hash32, error) {
	if ts.typedVK == nil {
		return nil, wire.Hash32{}, wire.Errorf(wire.UnknownPolicy, "no typed-data key: this tool signer signs no typed data")
	}
	p, err := wire.DecodeSigProposal(pb)
	if err != nil {
		return nil, wire.Hash32{}, err
	}
	st, err := wire.DecodeState(sb)
	if err != nil {
		return nil, wire.Hash32{}, err
	}
	if p.PolicyCommitment != ts.pol.Commitment() {
		return nil, wire.Hash32{}, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the signer's is %s", p.PolicyCommitment, ts.pol.Commitment())
	}
	sig, err := verify.VerifySignature(p, ts.pol, ts.typedVK, st, verify.Options{})
	if err != nil {
		return nil, wire.Hash32{}, err
	}
	digest := sig.TypedData.Hash()
	out, err := ethkey.Sign(digest[:], ts.key)
	if err != nil {
		return nil, wire.Hash32{}, err
	}
	out[64] += 27
	return out, wire.Hash32(digest), nil
}

func (ts *toolSigner) address() wire.Address {
	return ethkey.Address(&ts.key.PublicKey)
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
