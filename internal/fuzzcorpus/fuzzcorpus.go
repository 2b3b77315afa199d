// Package fuzzcorpus reads the seed files of a native Go fuzz target
// (testdata/fuzz/<Target>/*), so that a package's tests can also use them
// as golden vectors: by the house convention a seed named expfail_* must be
// rejected and every other seed accepted. For tests only.
package fuzzcorpus

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Read returns the seeds of target under dir/testdata/fuzz (dir "" is the
// package's own directory), by file name. Each value is a []byte or a byte,
// in the order the fuzz function takes them; other seed types fail the test.
func Read(tb testing.TB, dir, target string) map[string][]any {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "testdata", "fuzz", target, "*"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no seeds for %s: %v", target, err)
	}
	out := map[string][]any{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if lines[0] != "go test fuzz v1" {
			tb.Fatalf("%s: not a seed file", p)
		}
		var vals []any
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "[]byte(") && strings.HasSuffix(l, ")"):
				s, err := strconv.Unquote(l[len("[]byte(") : len(l)-1])
				if err != nil {
					tb.Fatalf("%s: %v", p, err)
				}
				vals = append(vals, []byte(s))
			case strings.HasPrefix(l, "byte(") && strings.HasSuffix(l, ")"):
				s, err := strconv.Unquote(l[len("byte(") : len(l)-1])
				if err != nil || len(s) != 1 {
					tb.Fatalf("%s: %q: %v", p, l, err)
				}
				vals = append(vals, s[0])
			default:
				tb.Fatalf("%s: unsupported line %q", p, l)
			}
		}
		out[filepath.Base(p)] = vals
	}
	return out
}

// Expfail reports whether a seed must be rejected.
func Expfail(name string) bool { return strings.HasPrefix(name, "expfail_") }
