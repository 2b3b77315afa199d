package signer

import (
	"strings"
	"testing"

	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/wire"
)

// The approval shows the domain, the type, each field with its rule and
// the amount in token units, from the document the core signs.
func TestExplainSignature(t *testing.T) {
	pol := tt.Policy(t)
	e, err := ExplainSignature(tt.Authorization(nil), pol, &wire.State{Time: tt.Now})
	if err != nil {
		t.Fatal(err)
	}
	if e.PrimaryType != "TransferWithAuthorization" || len(e.Domain) != 4 || len(e.Fields) != 6 || e.Code != "" {
		t.Fatalf("%+v", e)
	}
	byPath := map[string]SigField{}
	for _, f := range e.Fields {
		byPath[f.Path] = f
		if f.Rule == "" {
			t.Errorf("%s has no rule shown", f.Path)
		}
	}
	if v := byPath["value"]; v.Value != "0.1 dUSDC" || !strings.Contains(v.Rule, "at most 0.5 dUSDC") {
		t.Errorf("value %+v", v)
	}
	if to := byPath["to"]; !strings.Contains(to.Rule, "one of 2 addresses") {
		t.Errorf("to %+v", to)
	}
	if e.Spends != "0.1 dUSDC" {
		t.Errorf("spends %q", e.Spends)
	}
	// A refused one says why.
	e, err = ExplainSignature(tt.Authorization(tt.Message("to", "0x90F79bf6EB2c4f870365E785982E1f101E93b906")), pol, &wire.State{Time: tt.Now})
	if err != nil || e.Code != wire.PolicyViolation("arg") {
		t.Fatalf("%+v %v", e, err)
	}
	if _, err := ExplainSignature([]byte(`{"types":{}}`), pol, &wire.State{}); wire.CodeOf(err) != wire.Malformed {
		t.Fatalf("malformed: %v", err)
	}
}
