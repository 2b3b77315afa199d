package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/internal/fuzzcorpus"
	"github.com/leash-wallet/leash/wire"
)

// The scanner-based decoders (scan.go) against the ones they replace
// (export_test.go): the same verdict for every shape walk, the same
// route for every input, and for signature proposals the same verdict,
// code and value. No check may loosen, and none tightened either.

// agree compares the old and the new decoders on one input.
func agree(t *testing.T, b []byte) {
	t.Helper()
	for _, typ := range wire.ShapeTypes {
		nerr, oerr := wire.CheckShape(b, typ), wire.OldCheckShape(b, typ)
		if (nerr == nil) != (oerr == nil) {
			t.Fatalf("CheckShape(%s) of %q: new %v, old %v", typ, b, nerr, oerr)
		}
	}
	for _, typ := range append([]reflect.Type{nil}, wire.ShapeTypes[:6]...) { // the struct types and anything
		nt, nerr := wire.DecodeTree(b, typ, "tree")
		ot, oerr := wire.OldDecodeTree(b, typ)
		if (nerr == nil) != (oerr == nil) || wire.CodeOf(nerr) != wire.CodeOf(oerr) || !reflect.DeepEqual(nt, ot) {
			t.Fatalf("DecodeTree(%v) of %q: new %#v (%v), old %#v (%v)", typ, b, nt, nerr, ot, oerr)
		}
	}
	if n, o := wire.IsSigProposal(b), wire.OldIsSigProposal(b); n != o {
		t.Fatalf("IsSigProposal(%q): new %v, old %v", b, n, o)
	}
	np, nerr := wire.DecodeSigProposal(b)
	op, oerr := wire.OldDecodeSigProposal(b)
	sameDecode(t, "DecodeSigProposal", b, np, nerr, op, oerr)
	var nq, oq wire.Proposal
	nerr, oerr = wire.DecodeStrict(b, &nq, "proposal"), wire.OldDecodeStrict(b, &oq, "proposal")
	sameDecode(t, "DecodeStrict(Proposal)", b, &nq, nerr, &oq, oerr)
	var ns, os wire.State
	nerr, oerr = wire.DecodeStrict(b, &ns, "state"), wire.OldDecodeStrict(b, &os, "state")
	sameDecode(t, "DecodeStrict(State)", b, &ns, nerr, &os, oerr)
	var na, oa map[string]any
	nerr, oerr = wire.DecodeStrict(b, &na, "any"), wire.OldDecodeStrict(b, &oa, "any")
	sameDecode(t, "DecodeStrict(map)", b, na, nerr, oa, oerr)
}

func sameDecode(t *testing.T, what string, b []byte, nv any, nerr error, ov any, oerr error) {
	t.Helper()
	if (nerr == nil) != (oerr == nil) || wire.CodeOf(nerr) != wire.CodeOf(oerr) {
		t.Fatalf("%s of %q: new %v, old %v", what, b, nerr, oerr)
	}
	if nerr != nil {
		if !errors.Is(nerr, wire.ErrMalformed) {
			t.Fatalf("%s of %q: uncoded or not malformed: %v", what, b, nerr)
		}
		return
	}
	nj, err1 := json.Marshal(nv)
	oj, err2 := json.Marshal(ov)
	if err1 != nil || err2 != nil || !bytes.Equal(nj, oj) {
		t.Fatalf("%s of %q: new %s (%v), old %s (%v)", what, b, nj, err1, oj, err2)
	}
}

// wireDoc reports whether d is a signature proposal, a proposal, a
// state or a transaction: the documents whose every member is swept.
func wireDoc(d []byte) bool {
	_, e1 := wire.DecodeSigProposal(d)
	_, e2 := wire.DecodeProposal(d)
	_, e3 := wire.DecodeState(d)
	_, e4 := wire.DecodeTx(d)
	return e1 == nil || e2 == nil || e3 == nil || e4 == nil
}

// corpus is every JSON document the repository keeps as test data
// (examples, testdata folders, fuzz seeds), and signature proposals
// wrapping each typed-data fixture.
func corpus(t testing.TB) [][]byte {
	root := ".."
	var docs [][]byte
	add := func(b []byte) {
		if bytes.HasPrefix(b, []byte("go test fuzz v1\n")) {
			for _, line := range strings.Split(string(b), "\n")[1:] {
				if s, ok := strings.CutPrefix(line, "[]byte("); ok {
					if u, err := strconv.Unquote(strings.TrimSuffix(s, ")")); err == nil {
						docs = append(docs, []byte(u))
					}
				}
			}
			return
		}
		docs = append(docs, b)
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "dist", ".git", "build":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(p, "testdata") && !strings.HasPrefix(p, filepath.Join(root, "examples")) {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 64<<10 {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		add(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	typed, err := filepath.Glob(filepath.Join(root, "wasm", "eip712", "testdata", "*.json"))
	if err != nil || len(typed) == 0 {
		t.Fatalf("no typed-data fixtures: %v", err)
	}
	for _, p := range typed {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, []byte(`{"version":2,"id":"s-1","typedData":`+string(b)+`,"policyCommitment":"0x1187c5b8e75be8ca89c77ecc2e069abc73ef2f3a05af07e57153c86d6affdfaf","time":1795564800,"tokenSpent":"0x0","proof":"0x00"}`))
	}
	return docs
}

// TestDecodersAgreeOnCorpus runs the old and the new decoders on every
// corpus document, on each wire document (wireDoc) with every member's
// value replaced in turn (fuzzcorpus.Replacements), and on 60 mutations
// of each.
func TestDecodersAgreeOnCorpus(t *testing.T) {
	docs := corpus(t)
	if len(docs) < 40 {
		t.Fatalf("only %d corpus documents", len(docs))
	}
	r := rand.New(rand.NewPCG(17, 1))
	n := 60
	if testing.Short() {
		n = 30
	}
	accepted := 0
	for _, d := range docs {
		agree(t, d)
		if wireDoc(d) {
			for _, v := range fuzzcorpus.Replacements(d) {
				agree(t, v)
			}
		}
		for i := 0; i < n; i++ {
			m := fuzzcorpus.Mutate(r, d)
			agree(t, m)
			if _, err := wire.DecodeSigProposal(m); err == nil {
				accepted++
			}
		}
	}
	t.Logf("%d documents, %d mutations each; %d mutated signature proposals accepted by both", len(docs), n, accepted)
	if accepted == 0 {
		t.Fatal("no mutation was a valid signature proposal: the value comparison ran on nothing")
	}
}

// FuzzDecodersAgree: the old and the new decoders on any input.
func FuzzDecodersAgree(f *testing.F) {
	for _, d := range corpus(f) {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, b []byte) { agree(t, b) })
}

// FuzzJSONString: the hex types' string reader, with its fast path for
// plain strings, reads what json.Unmarshal reads and refuses what it
// refuses.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{`"0x00"`, `""`, `"`, `"a\"b"`, `"\u0041"`, "\"\xff\"", `"a"b"`, ` "a"`, `"\t"`, "\"\t\"", `5`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := wire.JSONString(b)
		var want string
		werr := json.Unmarshal(b, &want)
		if (err == nil) != (werr == nil) || got != want {
			t.Fatalf("%q: got %q (%v), json.Unmarshal %q (%v)", b, got, err, want, werr)
		}
		if err != nil && !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("uncoded: %v", err)
		}
	})
}

// TestRouteAtEncodingJSONsDepthLimit: the router agrees with json.Unmarshal
// around its nesting limit (10,000), and a document nested far deeper is
// refused without exhausting anything.
func TestRouteAtEncodingJSONsDepthLimit(t *testing.T) {
	for _, n := range []int{9998, 9999, 10000, 10001, 100000} {
		doc := []byte(`{"typedData":{},"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
		if got, want := wire.IsSigProposal(doc), wire.OldIsSigProposal(doc); got != want {
			t.Fatalf("%d arrays deep: routed %v, json.Unmarshal %v", n, got, want)
		}
	}
}

// TestDuplicatesInLargeObjects: the duplicate check past the first 16
// keys of an object (where it moves from a list to a map) agrees with the
// old walk, for a duplicate on either side of the switch.
func TestDuplicatesInLargeObjects(t *testing.T) {
	for _, dup := range [][2]int{{0, 39}, {15, 16}, {16, 17}, {20, 39}, {0, 15}, {-1, -1}} {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < 40; i++ {
			k := i
			if i == dup[1] {
				k = dup[0]
			}
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`"k` + strconv.Itoa(k) + `":{"a":1}`)
		}
		b.WriteString("}")
		doc := []byte(b.String())
		agree(t, doc)
		if err := wire.CheckShape(doc, nil); (err == nil) != (dup[0] < 0) {
			t.Fatalf("duplicate %v: %v", dup, err)
		}
	}
}
