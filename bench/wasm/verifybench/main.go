// Command verifybench measures Groth16 verification in the build it is
// compiled for (meant for GOOS=js GOARCH=wasm under Node, see
// bench/wasm/bench-verify.mjs; it also runs natively). It reads a fixture
// directory written by bench/wasm/fixture, checks the verdicts (the valid
// proof accepted, a tampered proof and a tampered input rejected) and writes
// the timings as JSON.
//
// Usage: verifybench -dir FIXTURE -out RESULT.json [-n 200] [-warmup 20]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/logger"

	"github.com/leash-wallet/leash/bench/policyv1"
	"github.com/leash-wallet/leash/bench/wasm/snarkjsconv"
	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

type result struct {
	Iterations int                  `json:"iterations"`
	P50Ms      map[string]float64   `json:"p50_ms"`
	SamplesMs  map[string][]float64 `json:"samples_ms"`
	Checks     map[string]bool      `json:"checks"`
}

func main() {
	dir := flag.String("dir", "", "fixture directory")
	out := flag.String("out", "", "result file (JSON); stdout if empty")
	n := flag.Int("n", 200, "timed iterations per measurement")
	warmup := flag.Int("warmup", 20, "untimed iterations first")
	flag.Parse()
	logger.Disable()
	res, err := run(*dir, *n, *warmup)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verifybench:", err)
		os.Exit(1)
	}
	b, _ := json.MarshalIndent(res, "", " ")
	if *out == "" {
		os.Stdout.Write(append(b, '\n'))
		return
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "verifybench:", err)
		os.Exit(1)
	}
}

func run(dir string, n, warmup int) (*result, error) {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	vkBytes, err := read("vk.bin")
	if err != nil {
		return nil, err
	}
	proofBytes, err := read("proof.bin")
	if err != nil {
		return nil, err
	}
	tamperedBytes, err := read("proof_tampered.bin")
	if err != nil {
		return nil, err
	}
	pubJSON, err := read("public.json")
	if err != nil {
		return nil, err
	}
	var pubStr []string
	if err := json.Unmarshal(pubJSON, &pubStr); err != nil {
		return nil, err
	}
	public, err := snarkjsconv.ParsePublic(pubStr)
	if err != nil {
		return nil, err
	}

	res := &result{Iterations: n, P50Ms: map[string]float64{}, SamplesMs: map[string][]float64{}, Checks: map[string]bool{}}
	p50 := func(name string, n, warmup int, f func() error, errp *error) float64 {
		m, samples := measure(n, warmup, f, errp)
		res.SamplesMs[name] = samples
		return m
	}

	// Key loading (decode with subgroup checks + all precomputation).
	var v *groth16v.Verifier
	res.P50Ms["groth16v_load"] = p50("groth16v_load", 5, 0, func() error {
		var err error
		v, err = groth16v.NewVerifierFromBytes(vkBytes, len(public))
		return err
	}, &err)
	if err != nil {
		return nil, err
	}

	// Verdicts.
	res.Checks["groth16v_accepts_valid"] = v.VerifyBytes(proofBytes, public) == nil
	res.Checks["groth16v_rejects_tampered_proof"] = errors.Is(v.VerifyBytes(tamperedBytes, public), wire.ErrProofInvalid)
	bad := slices.Clone(public)
	bad[0].Add(&bad[0], new(fr.Element).SetOne())
	res.Checks["groth16v_rejects_tampered_input"] = errors.Is(v.VerifyBytes(proofBytes, bad), wire.ErrProofInvalid)

	var gvk groth16bn254.VerifyingKey
	if _, err := gvk.ReadFrom(bytes.NewReader(vkBytes)); err != nil {
		return nil, err
	}
	gnarkVerify := func(pb []byte, pub []fr.Element) error {
		var p groth16bn254.Proof
		if _, err := p.ReadFrom(bytes.NewReader(pb)); err != nil {
			return err
		}
		return groth16bn254.Verify(&p, &gvk, pub)
	}
	res.Checks["gnark_accepts_valid"] = gnarkVerify(proofBytes, public) == nil
	res.Checks["gnark_rejects_tampered_proof"] = gnarkVerify(tamperedBytes, public) != nil

	// Timings. Each includes decoding the proof bytes with the subgroup
	// checks, as the signer does on a proof off the wire.
	res.P50Ms["groth16v_verify"] = p50("groth16v_verify", n, warmup, func() error { return v.VerifyBytes(proofBytes, public) }, &err)
	if err != nil {
		return nil, err
	}
	res.P50Ms["groth16v_decode"] = p50("groth16v_decode", n, warmup, func() error { _, err := groth16v.DecodeProof(proofBytes); return err }, &err)
	if err != nil {
		return nil, err
	}
	res.P50Ms["gnark_verify"] = p50("gnark_verify", n/2, warmup/2, func() error { return gnarkVerify(proofBytes, public) }, &err)
	if err != nil {
		return nil, err
	}

	// A whole proposal, as a signer verifies one (when the fixture has it):
	// v2, verify.Verify (every native check, the public inputs from the
	// signer's state, the pairing); the v1 baseline, v1's public inputs and
	// the pairing (v1's native policy check is not kept, which favours v1).
	if f, err := proposalCheck(read, v, proofBytes); err != nil {
		return nil, err
	} else if f != nil {
		res.Checks["proposal_accepted"] = f() == nil
		res.P50Ms["proposal_verify"] = p50("proposal_verify", n, warmup, f, &err)
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// proposalCheck returns the proposal-level verification of the fixture, or
// nil when it has none.
func proposalCheck(read func(string) ([]byte, error), v *groth16v.Verifier, proofBytes []byte) (func() error, error) {
	if raw, err := read("v1.json"); err == nil {
		var j struct {
			Tx    wire.Tx `json:"tx"`
			Spent string  `json:"spent"`
			Time  uint64  `json:"time"`
		}
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, err
		}
		b := policyv1.Example()
		spent, _ := new(big.Int).SetString(j.Spent, 10)
		return func() error { return v.VerifyBytes(proofBytes, b.PublicInputs(&j.Tx, spent, j.Time)) }, nil
	}
	propRaw, err := read("proposal.json")
	if err != nil {
		return nil, nil
	}
	polRaw, err := read("policy.json")
	if err != nil {
		return nil, err
	}
	stRaw, err := read("state.json")
	if err != nil {
		return nil, err
	}
	vkRaw, err := read("vk.bin")
	if err != nil {
		return nil, err
	}
	p, err := wire.DecodeProposal(propRaw)
	if err != nil {
		return nil, err
	}
	pol, err := policy.Decode(polRaw)
	if err != nil {
		return nil, err
	}
	st, err := wire.DecodeState(stRaw)
	if err != nil {
		return nil, err
	}
	vk, err := verify.LoadVerifyingKey(vkRaw)
	if err != nil {
		return nil, err
	}
	return func() error { return verify.Verify(p, pol, vk, st, verify.Options{}) }, nil
}

// measure runs f warmup times untimed, then n times timed, and returns the
// median and every sample, in milliseconds. The first error stops it and is
// stored in *errp.
func measure(n, warmup int, f func() error, errp *error) (float64, []float64) {
	for range warmup {
		if err := f(); err != nil {
			*errp = err
			return 0, nil
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		t := time.Now()
		if err := f(); err != nil {
			*errp = err
			return 0, nil
		}
		d[i] = time.Since(t)
	}
	samples := make([]float64, n)
	for i := range d {
		samples[i] = float64(d[i]) / 1e6
	}
	slices.Sort(d)
	return float64(d[len(d)/2]) / 1e6, samples
}
