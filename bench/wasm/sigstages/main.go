// Command sigstages times the stages of a typed-data signature decision
// (issue 17's "verify + sign in WASM") in the build it is compiled for:
// meant for GOOS=js GOARCH=wasm under Node (wasm_exec_node.js), it also
// runs natively. It reads the fixtures BenchmarkNodeSignature (wasm/wasmtest)
// writes, payments proven now, so run it within minutes of writing them:
//
//	LEASH_WASM_TESTS=1 LEASH_SIGBENCH_DIR=/tmp/sigfx go test -run '^$' -bench NodeSignature -benchtime 1x ./wasm/wasmtest
//	GOOS=js GOARCH=wasm go build -o /tmp/sigstages.wasm ./bench/wasm/sigstages
//	node "$(go env GOROOT)/lib/wasm/wasm_exec_node.js" /tmp/sigstages.wasm -dir /tmp/sigfx
//
// Each stateless stage runs over every payment, -r rounds; the stateful
// Submit (a core on a memory store with storage authentication, inside Go:
// no JS storage calls) signs each payment once. It prints medians in ms.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/bip39"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/hdkey"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

const (
	mnemonic = "test test test test test test test test test test test junk"
	password = "correct horse battery staple"
)

func main() {
	dir := flag.String("dir", "", "fixture directory (BenchmarkNodeSignature's)")
	rounds := flag.Int("r", 3, "rounds of the stateless stages")
	flag.Parse()
	if err := run(*dir, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "sigstages:", err)
		os.Exit(1)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func run(dir string, rounds int) error {
	read := func(n string) []byte { return must(os.ReadFile(filepath.Join(dir, n))) }
	var raws []json.RawMessage
	var states []*wire.State
	if err := json.Unmarshal(read("payments.json"), &raws); err != nil {
		return err
	}
	if err := json.Unmarshal(read("states.json"), &states); err != nil {
		return err
	}
	pol := must(policy.Decode(read("policy.json")))
	tvk := must(verify.LoadTypedVerifyingKey(read("typed.vk")))
	vv := must(groth16v.NewVerifierFromBytes(read("typed.vk"), policy.NumSigPublicInputs))
	master := must(hdkey.NewMaster(must(bip39.Seed(mnemonic, ""))))
	priv := must(must(master.DerivePath(hdkey.EthereumPath(0))).ECDSA())

	times := map[string][]float64{}
	var order []string
	tick := func(name string, f func()) {
		if _, ok := times[name]; !ok {
			order = append(order, name)
		}
		a := time.Now()
		f()
		times[name] = append(times[name], float64(time.Since(a).Microseconds())/1000)
	}
	// Warm the key tables (the cores below are warmed by their first submit).
	if _, err := verify.VerifySignature(must(wire.DecodeSigProposal(raws[0])), pol, tvk, states[0], verify.Options{}); err != nil {
		return err
	}
	for r := 0; r < rounds; r++ {
		for i, raw := range raws {
			tick("route (wire.IsSigProposal)", func() {
				if !wire.IsSigProposal(raw) {
					panic("not routed as a signature proposal")
				}
			})
			var p *wire.SigProposal
			tick("decode proposal (wire.DecodeSigProposal)", func() { p = must(wire.DecodeSigProposal(raw)) })
			var td *eip712.TypedData
			tick("  eip712.Decode (within VerifySignature)", func() { td = must(eip712.Decode(p.TypedData, eip712.V4)) })
			var m *policy.TypedMessage
			tick("  policy.ReadTyped", func() { m = must(policy.ReadTyped(td)) })
			tick("  policy.CheckSignature", func() { must(pol.CheckSignature(m, states[i])) })
			var pub []fr.Element
			tick("  public inputs (SigPublicInputs)", func() { pub = must(pol.SigPublicInputs(m, states[i], p.Time)) })
			tick("  proof decode (groth16v.DecodeProof)", func() { must(groth16v.DecodeProof(p.Proof)) })
			tick("  proof decode + pairing (VerifyBytes)", func() { must(0, vv.VerifyBytes(p.Proof, pub)) })
			tick("verify.VerifySignature (all of the above)", func() {
				must(verify.VerifySignature(p, pol, tvk, states[i], verify.Options{}))
			})
			var digest [32]byte
			tick("EIP-712 digest (td.Hash)", func() { digest = td.Hash() })
			tick("secp256k1 sign (ethkey.Sign)", func() { must(ethkey.Sign(digest[:], priv)) })
		}
	}
	// Stateful: a core on a memory store, authenticated, each payment once.
	ctx := context.Background()
	s := must(signer.New(ctx, signer.Config{Store: signer.NewMemStore(), Authenticate: true}))
	must(s.ImportVault(ctx, mnemonic, password, false))
	must(0, s.Unlock(ctx, password))
	must(s.Pin(ctx, read("policy.json"), read("policy.vk")))
	must(s.PinTypedKey(ctx, read("typed.vk")))
	for i, raw := range raws {
		tick("signer.Submit (memory store, authenticated)", func() {
			if r := s.Submit(ctx, raw); r.Status != wire.StatusSigned {
				panic(fmt.Sprintf("payment %d: %+v", i, r))
			}
		})
	}
	fmt.Printf("typed-data signature stages (bench/wasm/sigstages), medians of %d payments × %d rounds\n", len(raws), rounds)
	for _, k := range order {
		xs := slices.Clone(times[k])
		if k == "signer.Submit (memory store, authenticated)" {
			xs = xs[1:] // the first builds the key tables
		}
		slices.Sort(xs)
		fmt.Printf("%-52s %9.3f ms\n", k, xs[len(xs)/2])
	}
	return nil
}
