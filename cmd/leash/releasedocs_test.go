package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// TestChangelogSpeaks: the "Speaks:" line of CHANGELOG.md's Unreleased
// section names the interface versions the code has, so a release never
// claims a protocol it does not speak. Bumping a version constant means
// writing its line in the changelog.
func TestChangelogSpeaks(t *testing.T) {
	b, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## [Unreleased]")
	if start < 0 {
		t.Fatal("CHANGELOG.md has no ## [Unreleased] section")
	}
	section := doc[start:]
	if end := strings.Index(section[1:], "\n## "); end >= 0 {
		section = section[:end+1]
	}
	i := strings.Index(section, "Speaks:")
	if i < 0 {
		t.Fatal("Unreleased has no Speaks: line")
	}
	speaks := section[i:]
	speaks = strings.Join(strings.Fields(speaks[:strings.Index(speaks, ".\n")]), " ")

	// The js/wasm-only constants are read from their source.
	jsConst := func(file, name string) int {
		src, err := os.ReadFile("../../wasm/" + file)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^const ` + name + ` = (\d+)$`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("wasm/%s: no const %s", file, name)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	want := []struct {
		name string
		v    int
	}{
		{"proposal protocol", wire.ProposalVersion},
		{"policy format", policy.Version},
		{"program format", program.Version},
		{"relay protocol", proto.Version},
		{"envelope", e2e.Version},
		{"pairing URI", e2e.PairingVersion},
		{"JS API", jsConst("boundary_js.go", "Version")},
		{"`leashExt` API", jsConst("ext_core_js.go", "ExtVersion")},
		{"vault blob", vault.Version},
	}
	for _, w := range want {
		m := regexp.MustCompile(regexp.QuoteMeta(w.name) + ` \*\*(\d+)\*\*`).FindStringSubmatch(speaks)
		if m == nil {
			t.Errorf("CHANGELOG.md Unreleased Speaks: does not name the %s version (%s **%d**): %q", w.name, w.name, w.v, speaks)
			continue
		}
		if got, _ := strconv.Atoi(m[1]); got != w.v {
			t.Errorf("CHANGELOG.md Unreleased says %s **%d**; the code speaks %d", w.name, got, w.v)
		}
	}
}

// TestReleaseDocsLinks: the guarantees SECURITY.md names exist in the
// threat model, and every relative link of the release documents (README,
// SECURITY, CHANGELOG, CONTRIBUTING, docs/extension.md) names a file that
// exists.
func TestReleaseDocsLinks(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile("../../" + p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	threat := read("docs/threat-model.md")
	for _, g := range regexp.MustCompile(`\bG[0-9]+\b`).FindAllString(read("SECURITY.md"), -1) {
		if !strings.Contains(threat, "| "+g+" ") {
			t.Errorf("SECURITY.md names %s, which docs/threat-model.md's table does not have", g)
		}
	}
	link := regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)`)
	for _, doc := range []string{"README.md", "SECURITY.md", "CHANGELOG.md", "CONTRIBUTING.md", "docs/extension.md"} {
		dir := ""
		if i := strings.LastIndex(doc, "/"); i >= 0 {
			dir = doc[:i+1]
		}
		for _, m := range link.FindAllStringSubmatch(read(doc), -1) {
			if _, err := os.Stat("../../" + dir + m[1]); err != nil {
				t.Errorf("%s links %s, which does not exist", doc, m[1])
			}
		}
	}
}
