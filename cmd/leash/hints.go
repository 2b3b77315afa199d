package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Hints: what to do next, printed on stderr (stdout stays the JSON the
// command documents) for the failures a newcomer meets first.

// keyFileRE finds a key file a message names as missing.
var keyFileRE = regexp.MustCompile(`(\S*?)(policy|program-[a-z0-9_]+)\.(pk|vk)\b`)

// hint returns the next step for err, or "".
func hint(err error) string {
	if err == nil {
		return ""
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
		if h := missingFileHint(pe.Path); h != "" {
			return h
		}
	}
	msg := err.Error()
	if strings.Contains(msg, "no such file or directory") {
		if m := keyFileRE.FindString(msg); m != "" {
			return missingFileHint(strings.TrimPrefix(m, "open "))
		}
	}
	return ""
}

// missingFileHint says how to make a missing key file.
func missingFileHint(path string) string {
	base, dir := filepath.Base(path), filepath.Dir(path)
	switch {
	case base == "policy.pk" || base == "policy.vk":
		return fmt.Sprintf("%s is missing: run `leash setup --out %s` on your own machine (never on the agent host); the agent host gets only policy.pk", path, dir)
	case strings.HasPrefix(base, "program-") && (strings.HasSuffix(base, ".pk") || strings.HasSuffix(base, ".vk")):
		t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(base, "program-"), ".pk"), ".vk")
		return fmt.Sprintf("%s is missing: run `leash program setup --template %s --out %s` on your own machine", path, t, dir)
	}
	return ""
}

// printHint writes err's hint, if any, on stderr.
func printHint(err error) {
	if h := hint(err); h != "" {
		fmt.Fprintln(os.Stderr, "hint:", h)
	}
}

// hintFiles prints the hint for the first of paths that does not exist,
// for the verbs whose output is already printed (sign, keys).
func hintFiles(paths ...string) {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil && errors.Is(err, fs.ErrNotExist) {
			if h := missingFileHint(p); h != "" {
				fmt.Fprintln(os.Stderr, "hint:", h)
				return
			}
		}
	}
}
