package policy

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/leash-wallet/leash/wire"
)

// Rule is one argument rule as written in a policy document: the string
// "any", or an object with exactly one of
//
//	{"any": true}                 no constraint (the object form, to add spend)
//	{"eq": value}                 the word equals value
//	{"is": "self"}                the word is the policy's account
//	{"oneOf": [addresses…]}       the word is one of up to 256 addresses
//	{"max": a, "min": b}          a ≥ the integer word ≥ b (either may be left out)
//	{"array": [rules…]}           a dynamic array of exactly len(rules)/w elements
//
// plus, on integer words, "spend": true | "0xTOKEN" | {"tokenArg": k}.
// Values are checked against the word's ABI type when the policy is
// decoded (Decode); this type only holds the document's shape.
type Rule struct {
	Any   bool
	Eq    json.RawMessage // a JSON string, or true/false for bool words
	Is    string
	OneOf []wire.Address
	Max   *string
	Min   *string
	Array []Rule
	// HasArray tells {"array": []} (an empty array) from no array rule.
	HasArray bool
	Spend    *Spend
}

// Spend says which token window a word counts toward.
type Spend struct {
	Target   bool          // true: the call's own target is the token
	Token    *wire.Address // "0x…": that token
	TokenArg *int          // {"tokenArg": k}: the address in calldata word k
}

type ruleJSON struct {
	Any   *bool           `json:"any,omitempty"`
	Eq    json.RawMessage `json:"eq,omitempty"`
	Is    *string         `json:"is,omitempty"`
	OneOf *[]wire.Address `json:"oneOf,omitempty"`
	Max   *string         `json:"max,omitempty"`
	Min   *string         `json:"min,omitempty"`
	Array *[]Rule         `json:"array,omitempty"`
	Spend *Spend          `json:"spend,omitempty"`
}

// AnyRule is the rule "any".
var AnyRule = Rule{Any: true}

func (r *Rule) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s != "any" {
			return fmt.Errorf("rule %q: the only string rule is \"any\"; others are objects such as {\"eq\": …}", clip(s))
		}
		*r = AnyRule
		return nil
	}
	var j ruleJSON
	if err := wire.DecodeStrict(b, &j, "rule"); err != nil {
		return fmt.Errorf("%s", wire.MessageOf(err))
	}
	if j.Eq != nil && bytes.Equal(bytes.TrimSpace(j.Eq), []byte("null")) {
		return fmt.Errorf("rule: eq must not be null")
	}
	out := Rule{Eq: j.Eq, Max: j.Max, Min: j.Min, Spend: j.Spend}
	if j.Any != nil {
		if !*j.Any {
			return fmt.Errorf("rule: \"any\": false means nothing; write a constraint instead")
		}
		out.Any = true
	}
	if j.Is != nil {
		if *j.Is != "self" {
			return fmt.Errorf("rule: \"is\": %q is not known; the only value is \"self\"", clip(*j.Is))
		}
		out.Is = *j.Is
	}
	if j.OneOf != nil {
		out.OneOf = *j.OneOf
		if out.OneOf == nil {
			out.OneOf = []wire.Address{}
		}
	}
	if j.Array != nil {
		out.Array, out.HasArray = *j.Array, true
	}
	kinds := 0
	for _, set := range []bool{out.Any, out.Eq != nil, out.Is != "", j.OneOf != nil, out.Max != nil || out.Min != nil, out.HasArray} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("rule: give exactly one of any, eq, is, oneOf, max/min or array (got %d)", kinds)
	}
	if out.HasArray && out.Spend != nil {
		return fmt.Errorf("rule: spend goes on the array's element rules, not on the array")
	}
	*r = out
	return nil
}

func (r Rule) MarshalJSON() ([]byte, error) {
	if r.Any && r.Spend == nil {
		return []byte(`"any"`), nil
	}
	j := ruleJSON{Eq: r.Eq, Max: r.Max, Min: r.Min, Spend: r.Spend}
	if r.Any {
		t := true
		j.Any = &t
	}
	if r.Is != "" {
		j.Is = &r.Is
	}
	if r.OneOf != nil {
		j.OneOf = &r.OneOf
	}
	if r.HasArray {
		a := r.Array
		if a == nil {
			a = []Rule{}
		}
		j.Array = &a
	}
	return json.Marshal(j)
}

type spendArgJSON struct {
	TokenArg *int `json:"tokenArg"`
}

func (s *Spend) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("true")):
		*s = Spend{Target: true}
		return nil
	case bytes.Equal(b, []byte("false")):
		return fmt.Errorf("spend: false is the default; leave spend out")
	case len(b) > 0 && b[0] == '"':
		var a wire.Address
		if err := a.UnmarshalJSON(b); err != nil {
			return fmt.Errorf("spend: %s", wire.MessageOf(err))
		}
		*s = Spend{Token: &a}
		return nil
	}
	var j spendArgJSON
	if err := wire.DecodeStrict(b, &j, "spend"); err != nil {
		return fmt.Errorf("%s (spend is true, a token address or {\"tokenArg\": k})", wire.MessageOf(err))
	}
	if j.TokenArg == nil {
		return fmt.Errorf("spend: {\"tokenArg\": k} needs k")
	}
	*s = Spend{TokenArg: j.TokenArg}
	return nil
}

func (s Spend) MarshalJSON() ([]byte, error) {
	switch {
	case s.Token != nil:
		return json.Marshal(s.Token)
	case s.TokenArg != nil:
		return json.Marshal(spendArgJSON{TokenArg: s.TokenArg})
	}
	return []byte("true"), nil
}

// same reports whether two spend clauses name the same token source.
func (s *Spend) same(o *Spend) bool {
	switch {
	case s.Target || o.Target:
		return s.Target == o.Target
	case s.Token != nil || o.Token != nil:
		return s.Token != nil && o.Token != nil && *s.Token == *o.Token
	}
	return *s.TokenArg == *o.TokenArg
}

func (s *Spend) String() string {
	switch {
	case s.Token != nil:
		return "token " + s.Token.Hex()
	case s.TokenArg != nil:
		return fmt.Sprintf("the token in word %d", *s.TokenArg)
	}
	return "the target token"
}
