package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// Set by the release build (scripts/release.sh) with -ldflags -X; empty in
// other builds, which take the module version and VCS revision from the
// build info.
var (
	version    = "" // e.g. v0.1.0
	revision   = "" // the commit the release was built from
	wasmSHA256 = "" // SHA-256 (hex) of the leash.wasm built with this binary
)

// versionInfo is what `leash version` prints.
type versionInfo struct {
	Version      string         `json:"version"`
	Revision     string         `json:"revision,omitempty"`
	RevisionTime string         `json:"revisionTime,omitempty"`
	Modified     bool           `json:"modified,omitempty"` // built from a tree with uncommitted changes
	Go           string         `json:"go"`
	Platform     string         `json:"platform"`
	Protocols    map[string]int `json:"protocols"`
	LeashWasm    wasmInfo       `json:"leashWasm"`
}

type wasmInfo struct {
	SHA256 string `json:"sha256,omitempty"`
	Source string `json:"source"` // "release build", a file path, or why there is none
}

func getVersion(wasmPath string) versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		Protocols: map[string]int{
			"proposal": wire.ProposalVersion, // docs/protocol.md
			"policy":   policy.Version,       // docs/policy.md
			"program":  program.Version,      // docs/programs.md
			"relay":    proto.Version,        // docs/protocol-relay.md
			"envelope": e2e.Version,          // docs/protocol-relay.md
			"pairing":  e2e.PairingVersion,   // the leash:pair?… URI
		}}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.RevisionTime = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		v.Version = version
	}
	if revision != "" {
		v.Revision, v.RevisionTime, v.Modified = revision, "", false
	}
	v.LeashWasm = findWasm(wasmPath)
	return v
}

// findWasm hashes the leash.wasm named, else reports the release build's,
// else looks for the one `make wasm` built beside this binary (bin/leash →
// dist/leash.wasm) or in the working directory.
func findWasm(path string) wasmInfo {
	if path != "" {
		return hashFile(path)
	}
	if wasmSHA256 != "" {
		return wasmInfo{SHA256: wasmSHA256, Source: "release build"}
	}
	var candidates []string
	if exe, err := os.Executable(); err == nil {
		candidates = append(candidates, filepath.Join(filepath.Dir(exe), "..", "dist", "leash.wasm"))
	}
	candidates = append(candidates, filepath.Join("dist", "leash.wasm"))
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return hashFile(c)
		}
	}
	return wasmInfo{Source: "none found: make wasm builds dist/leash.wasm (or give --wasm FILE)"}
}

func hashFile(path string) wasmInfo {
	f, err := os.Open(path)
	if err != nil {
		return wasmInfo{Source: err.Error()}
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return wasmInfo{Source: err.Error()}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return wasmInfo{SHA256: hex.EncodeToString(h.Sum(nil)), Source: filepath.Clean(abs)}
}

// cmdVersion: `leash version [--wasm FILE]` prints versionInfo as JSON.
func cmdVersion(ctx context.Context, args []string) int {
	fs := newFlags("version")
	wasm := fs.String("wasm", "", "hash this leash.wasm (e.g. the one inside an installed extension) instead of the build's")
	short := fs.Bool("short", false, "one line, as leash --version prints")
	if !parseFlags(fs, args) {
		return exitUsage
	}
	return printVersion(os.Stdout, !*short, *wasm)
}

func printVersion(w io.Writer, asJSON bool, wasmPath string) int {
	v := getVersion(wasmPath)
	if asJSON {
		printJSON(w, v)
		return exitOK
	}
	rev := v.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if v.Modified {
		rev += "+modified"
	}
	if rev == "" {
		rev = "unknown revision"
	}
	var protos []string
	for _, k := range []string{"proposal", "policy", "program", "relay", "envelope", "pairing"} {
		protos = append(protos, fmt.Sprintf("%s v%d", k, v.Protocols[k]))
	}
	wasm := "leash.wasm: " + v.LeashWasm.Source
	if v.LeashWasm.SHA256 != "" {
		wasm = "leash.wasm sha256 " + v.LeashWasm.SHA256
	}
	fmt.Fprintf(w, "leash %s (%s, %s, %s)\n%s\n%s\n", v.Version, rev, v.Go, v.Platform, strings.Join(protos, ", "), wasm)
	return exitOK
}
