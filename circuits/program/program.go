package program

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// Version is the program file format version this package reads.
//
// Changelog (docs/programs.md):
//   - 2: deadlineBlocks and maxInputAge, both committed; the swap carries a
//     deadline block; the circuit embeds the policy circuit v2.
//   - 1: first version.
const Version = 2

// Program is a validated committed program. Build one with Decode; it must
// not be modified afterwards.
type Program struct {
	Version  int    `json:"version"`
	Name     string `json:"name,omitempty"` // cosmetic, not committed
	Template string `json:"template"`
	// Oracle is the AggregatorV3Interface price feed the inputs are read
	// from: the answer is the price of one base unit of Base in units of
	// Quote, times PriceScale.
	Oracle wire.Address `json:"oracle"`
	// Pool is the constant-product pool the trade goes to (`to`).
	Pool wire.Address `json:"pool"`
	// Base is the token sold on "sell"; Quote is the token spent on "buy".
	Base  wire.Address `json:"base"`
	Quote wire.Address `json:"quote"`
	// Recipient receives the swap's output (the signer's own account).
	Recipient wire.Address `json:"recipient"`
	// PriceScale converts oracle answers: one base unit of Base is worth
	// answer / PriceScale base units of Quote. For two 18-decimal tokens
	// and an 8-decimal feed it is 10^8. 1 ≤ PriceScale < 2^64.
	PriceScale policy.Amount `json:"priceScale"`
	// SlippageBps is the tolerated shortfall against the oracle price, in
	// basis points: minAmountOut = expected × (10000 − SlippageBps) / 10000.
	SlippageBps uint64 `json:"slippageBps"`
	// DeadlineBlocks bounds when a trade can execute: the swap carries the
	// deadline block B + DeadlineBlocks (B the block the inputs were read
	// at), which the circuit binds and the pool enforces.
	DeadlineBlocks uint64 `json:"deadlineBlocks"`
	// MaxInputAge is the oldest oracle answer (updatedAt) the signer accepts
	// for this program, in seconds. It is committed and a public input of
	// the program circuit.
	MaxInputAge uint64 `json:"maxInputAge"`

	Threshold *ThresholdParams `json:"threshold,omitempty"`
	MLP       *MLPParams       `json:"mlp,omitempty"`

	Salt wire.Hash32 `json:"salt"`

	tmpl       Template
	preimage   []fr.Element
	commitment wire.Hash32
}

// Template describes one program template.
type Template struct {
	Name   string `json:"name"`
	ID     uint64 `json:"id"`
	Inputs int    `json:"inputs"` // oracle answers read, oldest first
}

// The templates. Their ids are part of the commitment and never change.
var (
	Threshold = Template{Name: "threshold", ID: 1, Inputs: 1}
	MLP       = Template{Name: "mlp", ID: 2, Inputs: MLPInputs}
)

// Templates lists every template.
var Templates = []Template{Threshold, MLP}

// TemplateByName looks a template up by name.
func TemplateByName(name string) (Template, bool) {
	for _, t := range Templates {
		if t.Name == name {
			return t, true
		}
	}
	return Template{}, false
}

// Limits shared by every template.
const (
	PriceBits      = 64    // oracle answers: 1 ≤ answer < 2^64
	AmountBits     = 96    // amounts in and caps: < 2^96 base units
	MinOutBits     = 160   // minAmountOut < 2^160 (follows from the two above)
	PriceScaleBits = 64    // 1 ≤ priceScale < 2^64
	MaxSlippageBps = 10000 // slippageBps ≤ 10000
	// MaxDeadlineBlocks bounds deadlineBlocks (1 … 2^16: about nine days of
	// 12-second blocks; the circuit checks it is below 2^17).
	MaxDeadlineBlocks = 1 << 16
	// MaxInputAgeLimit bounds maxInputAge (1 … 2^32 seconds).
	MaxInputAgeLimit = 1 << 32
	BpsDenominator   = 10000
)

// ProgramTag is the domain tag that opens the commitment preimage.
var ProgramTag = policy.ElemBytes([]byte("leash.program.v2"))

// Decode strictly parses and validates a program file.
func Decode(data []byte) (*Program, error) {
	var p Program
	if err := wire.DecodeStrict(data, (*programJSON)(&p), "program"); err != nil {
		return nil, err
	}
	var probs policy.Problems
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, wire.Errorf(wire.Malformed, "program: %v", err)
	}
	for _, k := range []string{"version", "template", "oracle", "pool", "base", "quote", "recipient", "priceScale", "slippageBps",
		"deadlineBlocks", "maxInputAge", "salt"} {
		if _, ok := keys[k]; !ok {
			probs = append(probs, fmt.Sprintf("%s: required", k))
		}
	}
	for _, nested := range []struct {
		name string
		keys []string
	}{{"threshold", thresholdKeys}, {"mlp", mlpKeys}} {
		raw, ok := keys[nested.name]
		if !ok {
			continue
		}
		var sub map[string]json.RawMessage
		if json.Unmarshal(raw, &sub) != nil {
			continue // already refused by the strict decode
		}
		for _, k := range nested.keys {
			if _, ok := sub[k]; !ok {
				probs = append(probs, fmt.Sprintf("%s.%s: required", nested.name, k))
			}
		}
	}
	if len(probs) > 0 {
		return nil, wire.Errorf(wire.Malformed, "program: %w", probs)
	}
	if err := p.normalize(); err != nil {
		return nil, err
	}
	return &p, nil
}

// programJSON decodes without re-entering Program's own methods.
type programJSON Program

// normalize validates p and computes its commitment.
func (p *Program) normalize() error {
	var probs policy.Problems
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if p.Version != Version {
		add("version: %d is not supported (want %d)", p.Version, Version)
	}
	t, ok := TemplateByName(p.Template)
	if !ok {
		names := make([]string, len(Templates))
		for i, t := range Templates {
			names[i] = t.Name
		}
		sort.Strings(names)
		add("template: %q is not a template (one of %s)", p.Template, strings.Join(names, ", "))
	}
	p.tmpl = t
	zero := wire.Address{}
	for _, a := range []struct {
		name string
		v    wire.Address
	}{{"oracle", p.Oracle}, {"pool", p.Pool}, {"base", p.Base}, {"quote", p.Quote}, {"recipient", p.Recipient}} {
		if a.v == zero {
			add("%s: must not be the zero address", a.name)
		}
	}
	if p.Base == p.Quote && p.Base != zero {
		add("base and quote are the same token")
	}
	if ps := &p.PriceScale.Int; ps.Sign() <= 0 || ps.BitLen() > PriceScaleBits {
		add("priceScale: %s is outside [1, 2^%d)", ps, PriceScaleBits)
	}
	if p.SlippageBps > MaxSlippageBps {
		add("slippageBps: %d is above %d", p.SlippageBps, MaxSlippageBps)
	}
	if p.DeadlineBlocks == 0 || p.DeadlineBlocks > MaxDeadlineBlocks {
		add("deadlineBlocks: %d is outside 1 … %d", p.DeadlineBlocks, MaxDeadlineBlocks)
	}
	if p.MaxInputAge == 0 || p.MaxInputAge > MaxInputAgeLimit {
		add("maxInputAge: %d seconds is outside 1 … %d", p.MaxInputAge, uint64(MaxInputAgeLimit))
	}
	var saltBig big.Int
	saltBig.SetBytes(p.Salt[:])
	if saltBig.Sign() == 0 {
		add("salt: required; use 31 random bytes (leash policy salt prints one)")
	} else if saltBig.Cmp(fr.Modulus()) >= 0 {
		add("salt: must be below the BN254 scalar field modulus (use 31 random bytes)")
	}
	switch {
	case p.Threshold != nil && p.MLP != nil:
		add("threshold and mlp: give the parameters of one template only")
	case t == Threshold && p.Threshold == nil:
		add("threshold: the threshold template needs its parameters")
	case t == MLP && p.MLP == nil:
		add("mlp: the mlp template needs its weights")
	case t == Threshold && p.MLP != nil, t == MLP && p.Threshold != nil:
		add("template %q: parameters of another template given", p.Template)
	}
	if p.Threshold != nil {
		probs = append(probs, p.Threshold.validate()...)
	}
	if p.MLP != nil {
		probs = append(probs, p.MLP.validate()...)
	}
	if len(probs) > 0 {
		return wire.Errorf(wire.Malformed, "program: %w", probs)
	}
	p.preimage = p.buildPreimage()
	c := policy.Hash(p.preimage...)
	p.commitment = wire.Hash32(c.Bytes())
	return nil
}

// buildPreimage is the canonical encoding, in order: tag, template id,
// oracle, pool, base, quote, recipient, priceScale, slippageBps,
// deadlineBlocks, maxInputAge, the template's parameter elements, salt.
func (p *Program) buildPreimage() []fr.Element {
	var salt fr.Element
	salt.SetBytes(p.Salt[:])
	xs := []fr.Element{
		ProgramTag,
		policy.ElemU64(p.tmpl.ID),
		policy.ElemBytes(p.Oracle[:]),
		policy.ElemBytes(p.Pool[:]),
		policy.ElemBytes(p.Base[:]),
		policy.ElemBytes(p.Quote[:]),
		policy.ElemBytes(p.Recipient[:]),
		policy.Elem(&p.PriceScale.Int),
		policy.ElemU64(p.SlippageBps),
		policy.ElemU64(p.DeadlineBlocks),
		policy.ElemU64(p.MaxInputAge),
	}
	switch {
	case p.Threshold != nil:
		xs = append(xs, p.Threshold.elems()...)
	case p.MLP != nil:
		xs = append(xs, p.MLP.elems()...)
	}
	return append(xs, salt)
}

// Commitment returns P.
func (p *Program) Commitment() wire.Hash32 { return p.commitment }

// CommitmentElem returns P as a field element.
func (p *Program) CommitmentElem() fr.Element {
	var e fr.Element
	e.SetBytes(p.commitment[:])
	return e
}

// CommitmentPreimage returns a copy of the canonical encoding P hashes.
func (p *Program) CommitmentPreimage() []fr.Element {
	return append([]fr.Element(nil), p.preimage...)
}

// Tmpl returns the program's template.
func (p *Program) Tmpl() Template { return p.tmpl }

// Pin is what a signer pins for a program: its commitment, its template,
// the oracle it re-reads, the pool its trades go to (a policy-only proposal
// to the pool is refused as program_only) and the oldest oracle answer it
// accepts, in seconds (a public input of the program circuit: a pin that
// lies about it makes every proof fail). None of it is secret.
type Pin struct {
	Commitment  wire.Hash32  `json:"commitment"`
	Template    string       `json:"template"`
	Oracle      wire.Address `json:"oracle"`
	Pool        wire.Address `json:"pool"`
	MaxInputAge uint64       `json:"maxInputAge"`
}

// Pin returns the program's public pin.
func (p *Program) Pin() Pin {
	return Pin{Commitment: p.commitment, Template: p.tmpl.Name, Oracle: p.Oracle, Pool: p.Pool, MaxInputAge: p.MaxInputAge}
}

// DecodePin strictly decodes a pin document.
func DecodePin(data []byte) (*Pin, error) {
	var pin Pin
	if err := wire.DecodeStrict(data, &pin, "program pin"); err != nil {
		return nil, err
	}
	if err := pin.Validate(); err != nil {
		return nil, err
	}
	return &pin, nil
}

// Validate checks a pin's fields: a known template, an oracle, and a
// commitment that is a canonical field element.
func (pin *Pin) Validate() error {
	if _, ok := TemplateByName(pin.Template); !ok {
		return wire.Errorf(wire.Malformed, "program pin: unknown template %q", pin.Template)
	}
	if pin.Oracle == (wire.Address{}) {
		return wire.Errorf(wire.Malformed, "program pin: oracle must not be the zero address")
	}
	if pin.Pool == (wire.Address{}) {
		return wire.Errorf(wire.Malformed, "program pin: pool must not be the zero address")
	}
	if pin.MaxInputAge == 0 || pin.MaxInputAge > MaxInputAgeLimit {
		return wire.Errorf(wire.Malformed, "program pin: maxInputAge must be 1 to %d seconds", uint64(MaxInputAgeLimit))
	}
	var c fr.Element
	if c.SetBytesCanonical(pin.Commitment[:]) != nil {
		return wire.Errorf(wire.Malformed, "program pin: commitment is not a canonical field element")
	}
	return nil
}
