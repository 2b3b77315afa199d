package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leash-wallet/leash/prover/httpguard"
	"github.com/leash-wallet/leash/wire"
)

// Exit codes shared by every subcommand (and by wasm/leash.mjs).
const (
	exitOK        = 0
	exitRefused   = 1 // verification refused; a coded JSON error was printed
	exitUsage     = 2
	exitViolation = 3 // the transaction breaks the policy (pre-check)
	exitFailure   = 4 // anything else: I/O, internal errors
)

// newFlags returns a FlagSet that reports usage errors instead of exiting.
// Its usage lists the synopsis and every flag (help.go); while help is
// being shown it writes to stdout.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("leash "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	if helping {
		fs.SetOutput(os.Stdout)
	}
	fs.Usage = func() { printUsage(fs.Output(), name, fs) }
	return fs
}

// parseFlags parses args and requires the named flags to be non-empty.
// It returns false (after printing why) on a usage error.
func parseFlags(fs *flag.FlagSet, args []string, required ...string) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false
	}
	for _, name := range required {
		if f := fs.Lookup(name); f == nil || f.Value.String() == "" {
			fmt.Fprintf(os.Stderr, "%s: --%s is required\n", fs.Name(), name)
			fs.Usage()
			return false
		}
	}
	return true
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// readFile reads a file the user named, bounded so a wrong path to a huge
// file fails cleanly.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// refuse prints the verify-style refusal {"ok":false,"code","message"}.
func refuse(err error) int {
	printHint(err)
	printJSON(os.Stdout, struct {
		OK      bool      `json:"ok"`
		Code    wire.Code `json:"code"`
		Message string    `json:"message"`
	}{false, wire.CodeOf(err), wire.MessageOf(err)})
	return exitRefused
}

// fail prints {"error":{"code","message"}} and returns the exit code that
// matches the error: 3 for a policy violation, 4 otherwise.
func fail(err error) int {
	printHint(err)
	code := wire.CodeOf(err)
	printJSON(os.Stdout, map[string]any{"error": map[string]any{"code": code, "message": wire.MessageOf(err)}})
	if code.IsPolicyViolation() {
		return exitViolation
	}
	return exitFailure
}

// guardFlags fills a guard from the token file and comma-separated lists.
func guardFlags(g *httpguard.Config, tokenFile, origins, hosts string) error {
	if tokenFile != "" {
		tok, err := httpguard.LoadOrCreateToken(tokenFile)
		if err != nil {
			return err
		}
		g.Token = tok
	}
	g.AllowedOrigins, g.AllowedHosts = splitList(origins), splitList(hosts)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
