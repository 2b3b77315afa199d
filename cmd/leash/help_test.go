package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// capture runs the CLI in-process (help never runs a command body past
// its flag parsing) and returns what it printed.
func capture(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	rOut, wOut, _ := os.Pipe()
	rErr, wErr, _ := os.Pipe()
	os.Stdout, os.Stderr = wOut, wErr
	outC, errC := make(chan string), make(chan string)
	go func() { b, _ := io.ReadAll(rOut); outC <- string(b) }()
	go func() { b, _ := io.ReadAll(rErr); errC <- string(b) }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	done := make(chan int)
	go func() { done <- run(ctx, args) }()
	select {
	case code = <-done:
	case <-time.After(90 * time.Second):
		t.Fatalf("%v: still running after 90 s (the body ran instead of its help?)", args)
	}
	cancel()
	wOut.Close()
	wErr.Close()
	os.Stdout, os.Stderr = oldOut, oldErr
	return <-outC, <-errC, code
}

// TestEveryHelp: -h, -help, --help (also after other flags and arguments)
// and `leash help …` exit 0 on every command and subcommand, print the
// synopsis on stdout, list the flags of the ones that take flags, and run
// nothing: the arguments around --help are never executed.
func TestEveryHelp(t *testing.T) {
	work := t.TempDir()
	var paths []string
	for p := range topics {
		paths = append(paths, p)
	}
	for c := range commands {
		if _, ok := topics[c]; !ok {
			t.Errorf("command %q has no help row in topics", c)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		words := strings.Fields(p)
		if _, ok := commands[words[0]]; !ok {
			t.Errorf("topic %q: no command %q", p, words[0])
			continue
		}
		tp := topics[p]
		variants := [][]string{
			append(append([]string{}, words...), "--help"),
			append(append([]string{}, words...), "-h"),
			append(append([]string{}, words...), "-help"),
			append([]string{"help"}, words...),
			// after flags and arguments that would do something
			append(append([]string{}, words...), "--out", filepath.Join(work, "made"), "x.json", "--help"),
		}
		for _, args := range variants {
			wd, _ := os.Getwd()
			os.Chdir(work)
			out, errOut, code := capture(t, args...)
			os.Chdir(wd)
			if code != 0 {
				t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
				continue
			}
			if !strings.Contains(out, "usage: leash "+strings.Fields(tp.synopsis)[0]) {
				t.Errorf("%v: no usage line on stdout:\n%s", args, out)
			}
			if tp.flags && !strings.Contains(out, "flags:\n  --") {
				t.Errorf("%v: flags not listed:\n%s", args, out)
			}
			if strings.HasPrefix(strings.TrimSpace(out), "{") {
				t.Errorf("%v: the command ran: %s", args, out)
			}
		}
	}
	if entries, _ := os.ReadDir(work); len(entries) != 0 {
		t.Fatalf("help ran a command: it left %v", entries)
	}
	// Groups list their subcommands.
	out, _, _ := capture(t, "policy", "--help")
	for _, s := range []string{"commit", "describe", "salt", "publish"} {
		if !strings.Contains(out, "\n  "+s+" ") {
			t.Errorf("policy --help does not list %s:\n%s", s, out)
		}
	}
	// The top level.
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		out, _, code := capture(t, args...)
		if code != 0 || !strings.Contains(out, "usage: leash <command>") || !strings.Contains(out, "version") {
			t.Errorf("%v: %d %s", args, code, out)
		}
	}
	if _, errOut, code := capture(t); code != 2 || !strings.Contains(errOut, "usage: leash") {
		t.Errorf("no arguments: exit %d", code)
	}
	if _, _, code := capture(t, "help", "nosuch"); code != 2 {
		t.Errorf("help nosuch: exit %d", code)
	}
	// "--" ends flags: what follows is an argument, not a help request.
	if out, _, code := capture(t, "verify", "--", "--help"); code != exitUsage || strings.Contains(out, "usage:") {
		t.Errorf("verify -- --help: exit %d, %s", code, out)
	}
}
