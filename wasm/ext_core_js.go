package wasm

// The browser extension's second global, leashExt (extension/leash-ext.d.ts).
// It adds to the core only what the extension needs beyond leash: the relay
// link (all channel crypto stays here, JavaScript only moves frames), policy
// descriptions and the display model of a message to sign, the user's own
// signatures for dapps, and the derived keys that let an unlocked vault
// survive a service-worker restart through chrome.storage.session. The pure
// logic is in package wasm/ext.

import (
	"context"
	"math/big"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wasm/ext"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// ExtVersion is the version of the leashExt API.
//
// Changelog:
//   - 1: open → {agent, approver, user}, link, describePolicy, describeVK, explain.
//   - 2: link on relay protocol 2: create(relay, ttlSeconds), confirm(code),
//     reject() makes a new pairing URI, keepalive() → Step; Step gains
//     conflict, lost, gap, reconnect; LinkInfo gains the URI's expiry, every
//     offer, the comparison code, lost and gap counters.
//   - 3: explain is gone (the core's approver.inspect / inspectTx give the
//     display model); inspectMessage and proposalId; user.personalSign takes
//     the request's parameter as given; user.unlockSession / resumeSession /
//     sessionMAC keep derived keys, never the password (sealSession is
//     gone).
//   - 4: the user's own signatures need no password while unlocked (the
//     core's SignUser, audit-logged as user signatures): user.signTx(tx,
//     origin, chainId) (a missing "to" is a contract creation),
//     user.signMessage(param, origin, chainId) (personalSign is gone),
//     user.signTypedData(kind, doc, origin, chainId); inspectTypedData.
const ExtVersion = 4

// init installs leashExt before main runs Register, which announces
// readiness (onLeashReady): the extension's worker then finds both globals.
// It is the only init-time effect of the package and happens only in the
// js/wasm build.
func init() { registerExt() }

func registerExt() {
	o := js.ValueOf(map[string]any{})
	o.Set("version", ExtVersion)
	o.Set("open", async(openExt))
	o.Set("describePolicy", async(func(args []js.Value) (func() (any, error), error) {
		doc, err := bytesOf(arg(args, 0), "policy")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			_, info, err := ext.DescribePolicy(doc)
			if err != nil {
				return nil, err
			}
			return fromJSON(info)
		}, nil
	}))
	o.Set("describeVK", async(func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "vk")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			info, err := ext.DescribeVK(raw)
			if err != nil {
				return nil, err
			}
			return fromJSON(info)
		}, nil
	}))
	o.Set("inspectMessage", async(inspectMessageJS))
	o.Set("inspectTypedData", async(inspectTypedDataJS))
	o.Set("proposalId", async(func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "proposal")
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return ext.ProposalID(raw), nil }, nil
	}))
	o.Set("explainSignature", async(explainSignatureJS))
	o.Set("link", linkObject())
	js.Global().Set("leashExt", o)
}

// openExt: leashExt.open(storage, opts) → {agent, approver, user}; the same
// core as leash.open, plus the user face for dapp actions and sessions.
func openExt(args []js.Value) (func() (any, error), error) {
	return openWith(args, func(s *signer.Signer, core js.Value) { core.Set("user", userObject(s)) })
}

// userObject: the user's own signatures for dapps (signer.SignUser: the
// unlocked key, no password, audit-logged as user signatures; locked →
// locked). Each takes the request's origin and the site's chain.
func userObject(s *signer.Signer) js.Value {
	ctx := context.Background()
	o := js.ValueOf(map[string]any{})
	o.Set("signTx", async(userSign(s, signer.UserTransaction)))
	o.Set("signMessage", async(func(args []js.Value) (func() (any, error), error) {
		param, err := stringOf(arg(args, 0), "message")
		if err != nil {
			return nil, err
		}
		origin, chain, err := originChain(args, 1)
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			st := s.Status()
			if st.Address == nil {
				return nil, wire.Errorf(wire.Locked, "no vault yet")
			}
			r, err := ext.SignMessage(ctx, s, param, origin, *st.Address, chain)
			if err != nil {
				return nil, err
			}
			return fromJSON(r)
		}, nil
	}))
	o.Set("signTypedData", async(userSign(s, "")))
	sessionMethods(s, o)
	return o
}

var (
	polMu    sync.Mutex
	polDoc   string
	polCache *policy.Policy
)

// userSign: user.signTx(tx, origin, chainId) with kind, or, with kind "",
// user.signTypedData(kind, doc, origin, chainId).
func userSign(s *signer.Signer, kind string) func([]js.Value) (func() (any, error), error) {
	return func(args []js.Value) (func() (any, error), error) {
		k, i := kind, 0
		if k == "" {
			var err error
			if k, err = stringOf(arg(args, 0), "kind"); err != nil {
				return nil, err
			}
			i = 1
		}
		doc, err := bytesOf(arg(args, i), "document")
		if err != nil {
			return nil, err
		}
		origin, chain, err := originChain(args, i+1)
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			r, err := s.SignUser(context.Background(), signer.UserRequest{Kind: k, Origin: origin, ChainID: chain, Doc: doc})
			if err != nil {
				return nil, err
			}
			return fromJSON(r)
		}, nil
	}
}

// originChain reads (origin, chainId) at args[i], args[i+1].
func originChain(args []js.Value, i int) (string, uint64, error) {
	origin, err := stringOf(arg(args, i), "origin")
	if err != nil {
		return "", 0, err
	}
	chain, err := uintOf(arg(args, i+1), "chainId", 0)
	return origin, chain, err
}

// inspectTypedDataJS: leashExt.inspectTypedData(kind, doc, chainId,
// tokensJSON) → the display model of an eth_signTypedData request.
func inspectTypedDataJS(args []js.Value) (func() (any, error), error) {
	kind, err := stringOf(arg(args, 0), "kind")
	if err != nil {
		return nil, err
	}
	doc, err := bytesOf(arg(args, 1), "typed data")
	if err != nil {
		return nil, err
	}
	chain, err := uintOf(arg(args, 2), "chainId", 0)
	if err != nil {
		return nil, err
	}
	tokRaw := []byte("[]")
	if a := arg(args, 3); a.Type() == js.TypeString {
		tokRaw = []byte(a.String())
	}
	return func() (any, error) {
		var list []ext.KnownToken
		if err := wire.DecodeStrict(tokRaw, &list, "tokens"); err != nil {
			return nil, err
		}
		tokens := make(map[wire.Address]eip712.Token, len(list))
		for _, t := range list {
			tokens[t.Address] = eip712.Token{Symbol: t.Symbol, Decimals: t.Decimals}
		}
		v, err := ext.InspectTypedData(kind, doc, chain, tokens)
		if err != nil {
			return nil, err
		}
		return fromJSON(v)
	}, nil
}

// inspectMessageJS: leashExt.inspectMessage(param, origin, account,
// chainId) → the display model of a personal_sign request.
func inspectMessageJS(args []js.Value) (func() (any, error), error) {
	param, err := stringOf(arg(args, 0), "message")
	if err != nil {
		return nil, err
	}
	origin, err := stringOf(arg(args, 1), "origin")
	if err != nil {
		return nil, err
	}
	acct, err := stringOf(arg(args, 2), "account")
	if err != nil {
		return nil, err
	}
	chain, err := uintOf(arg(args, 3), "chainId", 0)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		a, err := wire.ParseAddress(acct)
		if err != nil {
			return nil, err
		}
		v, err := ext.InspectMessage(param, origin, a, chain)
		if err != nil {
			return nil, err
		}
		return fromJSON(v)
	}, nil
}

var (
	linkMu  sync.Mutex
	theLink *ext.Link
)

func currentLink() (*ext.Link, error) {
	linkMu.Lock()
	defer linkMu.Unlock()
	if theLink == nil {
		return nil, wire.Errorf(wire.Malformed, "no relay link: create or load one")
	}
	return theLink, nil
}

// linkObject: leashExt.link, the extension's one relay channel.
func linkObject() js.Value {
	o := js.ValueOf(map[string]any{})
	set := func(l *ext.Link) (any, error) {
		linkMu.Lock()
		theLink = l
		linkMu.Unlock()
		return fromJSON(map[string]any{"info": l.Info(), "state": string(l.State())})
	}
	o.Set("create", async(func(args []js.Value) (func() (any, error), error) {
		relay, err := stringOf(arg(args, 0), "relay URL")
		if err != nil {
			return nil, err
		}
		ttl, err := uintOf(arg(args, 1), "ttlSeconds", 0)
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			l, err := ext.NewLink(relay, time.Duration(ttl)*time.Second, nil)
			if err != nil {
				return nil, err
			}
			return set(l)
		}, nil
	}))
	o.Set("load", async(func(args []js.Value) (func() (any, error), error) {
		raw, err := bytesOf(arg(args, 0), "link state")
		if err != nil {
			return nil, err
		}
		return func() (any, error) {
			l, err := ext.LoadLink(raw)
			if err != nil {
				return nil, err
			}
			return set(l)
		}, nil
	}))
	o.Set("forget", async(func([]js.Value) (func() (any, error), error) {
		return func() (any, error) {
			linkMu.Lock()
			theLink = nil
			linkMu.Unlock()
			return nil, nil
		}, nil
	}))
	withLink := func(name string, prepare func(args []js.Value) (func(l *ext.Link) (any, error), error)) {
		o.Set(name, async(func(args []js.Value) (func() (any, error), error) {
			work, err := prepare(args)
			if err != nil {
				return nil, err
			}
			return func() (any, error) {
				l, err := currentLink()
				if err != nil {
					return nil, err
				}
				return work(l)
			}, nil
		}))
	}
	withLink("info", func([]js.Value) (func(*ext.Link) (any, error), error) {
		return func(l *ext.Link) (any, error) { return fromJSON(l.Info()) }, nil
	})
	withLink("state", func([]js.Value) (func(*ext.Link) (any, error), error) {
		return func(l *ext.Link) (any, error) { return string(l.State()), nil }, nil
	})
	withLink("connected", func([]js.Value) (func(*ext.Link) (any, error), error) {
		return func(l *ext.Link) (any, error) { l.Connected(); return nil, nil }, nil
	})
	withLink("frame", func(args []js.Value) (func(*ext.Link) (any, error), error) {
		b, err := bytesOf(arg(args, 0), "frame")
		if err != nil {
			return nil, err
		}
		return func(l *ext.Link) (any, error) {
			st, err := l.OnFrame(b)
			if err != nil {
				return nil, err
			}
			return stepJS(l, st)
		}, nil
	})
	withLink("handled", func(args []js.Value) (func(*ext.Link) (any, error), error) {
		seq, err := uintOf(arg(args, 0), "seq", 0)
		if err != nil {
			return nil, err
		}
		return func(l *ext.Link) (any, error) { return stepJS(l, l.Handled(seq)) }, nil
	})
	withLink("confirm", func(args []js.Value) (func(*ext.Link) (any, error), error) {
		code, err := stringOf(arg(args, 0), "code")
		if err != nil {
			return nil, err
		}
		return func(l *ext.Link) (any, error) {
			st, err := l.Confirm(code)
			if err != nil {
				return nil, err
			}
			return stepJS(l, st)
		}, nil
	})
	withLink("reject", func([]js.Value) (func(*ext.Link) (any, error), error) {
		return func(l *ext.Link) (any, error) {
			st, err := l.Reject()
			if err != nil {
				return nil, err
			}
			return stepJS(l, st)
		}, nil
	})
	withLink("seal", func(args []js.Value) (func(*ext.Link) (any, error), error) {
		kind, err := stringOf(arg(args, 0), "kind")
		if err != nil {
			return nil, err
		}
		key, err := stringOf(arg(args, 1), "key")
		if err != nil {
			return nil, err
		}
		tag, err := stringOf(arg(args, 2), "tag")
		if err != nil {
			return nil, err
		}
		body, err := bytesOf(arg(args, 3), "body")
		if err != nil {
			return nil, err
		}
		return func(l *ext.Link) (any, error) {
			st, err := l.Seal(kind, key, tag, body)
			if err != nil {
				return nil, err
			}
			return stepJS(l, st)
		}, nil
	})
	withLink("keepalive", func([]js.Value) (func(*ext.Link) (any, error), error) {
		return func(l *ext.Link) (any, error) { return stepJS(l, l.Keepalive()) }, nil
	})
	return o
}

func framesJS(frames [][]byte) js.Value {
	arr := js.Global().Get("Array").New(len(frames))
	for i, f := range frames {
		u := js.Global().Get("Uint8Array").New(len(f))
		js.CopyBytesToJS(u, f)
		arr.SetIndex(i, u)
	}
	return arr
}

// stepJS turns a Step into {send: Uint8Array[], messages, offer, sent,
// authed, dropped, dirty, state?}; state is the link's persisted form when
// the step changed it (persist it before sending the frames).
func stepJS(l *ext.Link, st ext.Step) (any, error) {
	v, err := fromJSON(st)
	if err != nil {
		return nil, err
	}
	v.Set("send", framesJS(st.Send))
	if st.Dirty {
		v.Set("state", string(l.State()))
	}
	return v, nil
}

// explainSignatureJS: leashExt.explainSignature(typedData, policy|null,
// state, time), with the arguments of explain.
func explainSignatureJS(args []js.Value) (func() (any, error), error) {
	doc, ea, err := explainArgs(args, "typedData")
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		pol, st, err := ea.load()
		if err != nil {
			return nil, err
		}
		e, err := ext.ExplainSignature(doc, pol, st)
		if err != nil {
			return nil, err
		}
		return fromJSON(e)
	}, nil
}

// explainArguments are explain's and explainSignature's policy, state and
// time arguments.
type explainArguments struct {
	doc      []byte // the policy, nil without one
	stateStr string
	now      uint64
}

// explainArgs reads (document, policy|null, state, time): state is the
// signer's window state as JSON (status.state), or, as before policy v2, a
// decimal native spend (the other sums are then 0).
func explainArgs(args []js.Value, what string) ([]byte, explainArguments, error) {
	var ea explainArguments
	raw, err := bytesOf(arg(args, 0), what)
	if err != nil {
		return nil, ea, err
	}
	if p := arg(args, 1); p.Truthy() {
		if ea.doc, err = bytesOf(p, "policy"); err != nil {
			return nil, ea, err
		}
	}
	ea.stateStr = "0"
	if v := arg(args, 2); v.Truthy() {
		ea.stateStr = js.Global().Get("String").Invoke(v).String()
	}
	ea.now, err = uintOf(arg(args, 3), "time", uint64(time.Now().Unix()))
	return raw, ea, err
}

// load decodes the state and the policy (the last policy is cached).
func (ea explainArguments) load() (*policy.Policy, *wire.State, error) {
	st := &wire.State{}
	var err error
	if strings.HasPrefix(strings.TrimSpace(ea.stateStr), "{") {
		if st, err = wire.DecodeState([]byte(ea.stateStr)); err != nil {
			return nil, nil, err
		}
	} else if spent, ok := new(big.Int).SetString(ea.stateStr, 0); !ok || spent.Sign() < 0 || spent.BitLen() > wire.MaxSpentBits {
		return nil, nil, wire.Errorf(wire.Malformed, "state must be the signer's state as JSON, or a non-negative spend")
	} else {
		st.Spent = wire.NewQuantity(spent)
	}
	st.Time = ea.now
	if ea.doc == nil {
		return nil, st, nil
	}
	polMu.Lock()
	defer polMu.Unlock()
	if string(ea.doc) == polDoc {
		return polCache, st, nil
	}
	pol, err := policy.Decode(ea.doc)
	if err != nil {
		return nil, nil, err
	}
	polDoc, polCache = string(ea.doc), pol
	return pol, st, nil
}
