package verbs

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/leash-wallet/leash/wasm/ethkey"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/hdkey"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// Exit codes, shared with cmd/leash.
const (
	ExitOK        = 0
	ExitRefused   = 1
	ExitUsage     = 2
	ExitViolation = 3
	ExitFailure   = 4
)

// MaxFileBytes bounds what ReadFile reads, as cmd/leash does.
const MaxFileBytes = 64 << 20

// File is one input file as the caller read it: its path (for messages),
// its bytes, or the error reading it.
type File struct {
	Path string
	Data []byte
	Err  error
}

// ReadFile reads a file natively.
func ReadFile(path string) File {
	f, err := os.Open(path)
	if err != nil {
		return File{Path: path, Err: err}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes))
	return File{Path: path, Data: b, Err: err}
}

// Output is what a verb prints on stdout and its exit code.
type Output struct {
	Stdout []byte
	Exit   int
}

func load[T any](f File, what string, decode func([]byte) (T, error)) (T, error) {
	var zero T
	if f.Err != nil {
		return zero, wire.Errorf(wire.Malformed, "%s file: %v", what, f.Err)
	}
	v, err := decode(f.Data)
	if err != nil {
		return zero, wire.Errorf(wire.CodeOf(err), "%s (%s): %s", what, f.Path, wire.MessageOf(err))
	}
	return v, nil
}

// Inputs are the decoded files verify, sign and public-inputs share.
type Inputs struct {
	VK       *verify.VerifyingKey
	Policy   *policy.Policy
	Proposal *wire.Proposal
	State    *wire.State
}

// Load decodes the files in the order cmd/leash does; vk may be a zero
// File (no path) when the verb takes none.
func Load(vk, pol, prop, st File) (*Inputs, error) {
	var in Inputs
	var err error
	if vk.Path != "" {
		if in.VK, err = load(vk, "verifying key", verify.LoadVerifyingKey); err != nil {
			return nil, err
		}
	}
	if in.Policy, err = load(pol, "policy", policy.Decode); err != nil {
		return nil, err
	}
	if in.Proposal, err = load(prop, "proposal", wire.DecodeProposal); err != nil {
		return nil, err
	}
	if in.State, err = load(st, "state", wire.DecodeState); err != nil {
		return nil, err
	}
	return &in, nil
}

func encode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return buf.Bytes()
}

// Refusal is verify's refusal document.
type Refusal struct {
	OK      bool      `json:"ok"`
	Code    wire.Code `json:"code"`
	Message string    `json:"message"`
}

func refuse(err error) Output {
	return Output{Stdout: encode(Refusal{false, wire.CodeOf(err), wire.MessageOf(err)}), Exit: ExitRefused}
}

func fail(err error) Output {
	code := wire.CodeOf(err)
	out := Output{Stdout: encode(map[string]any{"error": map[string]any{"code": code, "message": wire.MessageOf(err)}}), Exit: ExitFailure}
	var coded *wire.Error
	switch {
	case code.IsPolicyViolation():
		out.Exit = ExitViolation
	case errors.As(err, &coded) && code == wire.Malformed:
		out.Exit = ExitUsage
	}
	return out
}

// Verify is `leash verify`.
func Verify(vk, pol, prop, st File) Output {
	in, err := Load(vk, pol, prop, st)
	if err != nil {
		return refuse(err)
	}
	if err := verify.Verify(in.Proposal, in.Policy, in.VK, in.State, verify.Options{}); err != nil {
		return refuse(err)
	}
	return Output{Stdout: encode(map[string]any{"ok": true}), Exit: ExitOK}
}

// PublicInputs is `leash proposal public-inputs`.
func PublicInputs(pol, prop, st File) Output {
	in, err := Load(File{}, pol, prop, st)
	if err != nil {
		return refuse(err)
	}
	pub, err := verify.PublicInputs(in.Proposal, in.Policy, in.State)
	if err != nil {
		return refuse(err)
	}
	out := make([]string, len(pub))
	for i, x := range pub {
		out[i] = x.String()
	}
	return Output{Stdout: encode(out), Exit: ExitOK}
}

// KeyFunc lends a signing key to fn and zeroes it afterwards.
type KeyFunc func(fn func(*ecdsa.PrivateKey) error) error

// Sign is `leash sign`: verify with the given state, then sign with the key
// at m/44'/60'/0'/0/index of the mnemonic.
func Sign(mnemonic File, index uint64, vk, pol, prop, st File) Output {
	return SignWith(func() (KeyFunc, error) {
		m, err := loadMnemonic(mnemonic)
		if err != nil {
			return nil, err
		}
		if err := checkIndex(index); err != nil {
			return nil, err
		}
		return func(fn func(*ecdsa.PrivateKey) error) error {
			return vault.WithMnemonicKey(m, uint32(index), fn)
		}, nil
	}, vk, pol, prop, st)
}

// SignWith is Sign with the key open returns (the CLI's keystores). open
// runs once the input files decoded, before the proof is verified; its
// error is a refusal.
func SignWith(open func() (KeyFunc, error), vk, pol, prop, st File) Output {
	in, err := Load(vk, pol, prop, st)
	if err != nil {
		return refuse(err)
	}
	withKey, err := open()
	if err != nil {
		return refuse(err)
	}
	if err := verify.Verify(in.Proposal, in.Policy, in.VK, in.State, verify.Options{}); err != nil {
		return refuse(err)
	}
	var signed *signer.Signed
	err = withKey(func(k *ecdsa.PrivateKey) error {
		var err error
		signed, err = signer.SignTx(k, &in.Proposal.Tx)
		return err
	})
	if err != nil {
		return refuse(err)
	}
	if signed.From != in.Policy.Account {
		return refuse(wire.Errorf(wire.UnknownPolicy, "the policy is for account %s, the signing key is %s", in.Policy.Account.Hex(), signed.From.Hex()))
	}
	return Output{Stdout: encode(signed), Exit: ExitOK}
}

// Address is the output of keys address.
type Address struct {
	Address string `json:"address"` // EIP-55 checksummed
	Index   uint64 `json:"index"`
	Path    string `json:"path"`
}

// KeysAddress is `leash keys address`.
func KeysAddress(mnemonic File, index uint64) Output {
	m, err := loadMnemonic(mnemonic)
	if err != nil {
		return fail(err)
	}
	if err := checkIndex(index); err != nil {
		return fail(err)
	}
	a, err := vault.Address(m, uint32(index))
	if err != nil {
		return fail(err)
	}
	return Output{Stdout: encode(Address{Address: ethkey.ChecksumHex(a), Index: index, Path: fmt.Sprintf("m/44'/60'/0'/0/%d", index)}), Exit: ExitOK}
}

func checkIndex(index uint64) error {
	if index >= uint64(hdkey.Hardened) {
		return wire.Errorf(wire.Malformed, "--index %d: must be below 2^31", index)
	}
	return nil
}

func loadMnemonic(f File) (string, error) {
	if f.Err != nil {
		return "", wire.Errorf(wire.Malformed, "mnemonic file: %v", f.Err)
	}
	m, err := vault.NormalizeMnemonic(string(f.Data))
	if err != nil {
		return "", wire.Errorf(wire.Malformed, "mnemonic (%s): %s", f.Path, wire.MessageOf(err))
	}
	return m, nil
}
