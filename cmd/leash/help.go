package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Help for every command and subcommand, handled here once, so that a
// command body never sees -h or --help:
//
//   - `leash CMD [SUB] … -h|-help|--help` (anywhere before "--") and
//     `leash help CMD [SUB]` print the usage on stdout and exit 0. The rest
//     of the arguments is never run: `leash setup --out k --help` creates
//     nothing.
//   - A topic with flags is shown by calling its body with only its path
//     and "-h": the FlagSet from newFlags prints the synopsis and the flags
//     and parsing stops there, so the flags listed are the ones the body
//     defines. A topic without flags (`policy commit FILE`) is printed from
//     the table below.
//
// A subcommand added to a body needs a row here (cli help test walks the
// table); without one, `--help` shows its group's help.

// topic describes one command or subcommand for help.
type topic struct {
	synopsis string // after "leash "
	summary  string
	flags    bool     // the body parses flags with newFlags
	invoke   []string // with flags: the arguments before "-h" (default: the path)
}

var topics = map[string]topic{
	"agent-host":             {"agent-host --keys DIR --policy FILE [--pair URI | --pair-file FILE] [flags]", "The agent-host daemon: the agent's local HTTP API, proving, and the relay link to the signer (--pair on the first start only; later starts resume the saved pairing).", true, nil},
	"circuit":                {"circuit info", "The universal policy circuit.", false, nil},
	"circuit info":           {"circuit info", "Prints the constraint count, the public inputs and the calldata capacity.", false, nil},
	"demo":                   {"demo --keys DIR [flags]", "The scripted tour of the whole system (make demo).", true, nil},
	"devnet":                 {"devnet [flags]", "An embedded go-ethereum dev chain; prints {rpc, chainId, accounts, contracts} once it serves.", true, nil},
	"keys":                   {"keys address | import | export [flags]", "The user's key, from a BIP-39 mnemonic (a file, or - for standard input) or a Web3 Secret Storage v3 keystore (password from $LEASH_KEYSTORE_PASSWORD or a prompt).", false, nil},
	"keys address":           {"keys address (--mnemonic-file FILE|- [--index N] | --keystore FILE)", "Prints the account's EIP-55 address.", true, nil},
	"keys import":            {"keys import (--mnemonic-file FILE|- [--index N] | --keystore FILE) --out FILE", "Seals the key at m/44'/60'/0'/0/N (or a keystore's key, under a new password) into a new keystore file (mode 0600, never overwritten).", true, nil},
	"keys export":            {"keys export (--keystore FILE | --mnemonic-file FILE|- [--index N])", "Prints the account's private key in hex, for another wallet. A keystore holds one account's key, not the mnemonic.", true, nil},
	"x402":                   {"x402 fetch URL [--method M] [--agent-host URL]", "x402 payments under the leash, through a running agent host.", false, nil},
	"x402 fetch":             {"x402 fetch URL [--method M] [--agent-host URL] [--agent-host-token-file FILE]", "Fetches URL; if it answers 402 with x402 v2 requirements, pays once (EIP-3009, proven against the policy, signed by your signer) and prints the paid answer as JSON. Exit 3 when a policy rule refuses the payment (policy_violation:<rule>, before proving), 1 when the signer or the server refuses it.", true, nil},
	"mcp":                    {"mcp [--agent-host URL] [--http ADDR --token-file FILE] [flags]", "An MCP server (stdio, or Streamable HTTP with --http) over a running agent-host daemon: wallet details, transfers, approvals, contract calls, the strategy program, transaction status and history, the policy, tasks.", true, nil},
	"policy":                 {"policy commit FILE | describe FILE | salt | publish [flags]", "Policies: their commitment C, a plain-language description, a fresh salt, and publishing C on chain.", false, nil},
	"policy commit":          {"policy commit FILE", "Prints the policy's commitment C {\"commitment\":\"0x…\"}.", false, nil},
	"policy describe":        {"policy describe FILE", "Prints what the policy allows, in plain language.", false, nil},
	"policy salt":            {"policy salt", "Prints a fresh random salt for a policy.", false, nil},
	"policy publish":         {"policy publish --registry ADDR --vk FILE [--typed-vk FILE] (--mnemonic-file FILE|- | --keystore FILE) [flags] POLICY", "Publishes (C, vkHash) in the registry, signed with your key, and with --typed-vk the typed-data key's hash (signers sign typed data only while it is published); --revoke revokes instead (the kill switch); --typed-only changes the typed-data key's entry alone (--revoke --typed-only stops signatures, transactions go on).", true, nil},
	"program":                {"program commit FILE | pin FILE | info | setup [flags] | verify [flags]", "Committed agent programs (program proofs).", false, nil},
	"program commit":         {"program commit FILE", "Prints the program's commitment P.", false, nil},
	"program pin":            {"program pin FILE", "Prints what a signer pins: {commitment, template, oracle}.", false, nil},
	"program info":           {"program info", "Prints each template's circuit size.", false, nil},
	"program setup":          {"program setup --template NAME --out DIR", "The user-side Groth16 setup of one template (never on the agent host).", true, nil},
	"program verify":         {"program verify --vk FILE --policy FILE --pin FILE --proposal FILE --state FILE --rpc URL [flags]", "The signer's check of a program proposal, re-reading its inputs over your RPC.", true, nil},
	"proposal":               {"proposal public-inputs --policy FILE --proposal FILE --state FILE", "Proposals.", false, nil},
	"proposal public-inputs": {"proposal public-inputs --policy FILE --proposal FILE --state FILE", "Prints the public-input vector the verifier computes, in circuit order.", true, nil},
	"prove":                  {"prove --keys DIR --policy FILE --tx FILE --state FILE --out FILE [flags]", "The agent host proves that a transaction obeys the policy (leash prove --program --help: program proofs).", true, nil},
	"prove --program":        {"prove --program FILE --keys DIR --policy FILE --state FILE --out FILE (--rpc URL [--block N] | --inputs FILE) [flags]", "A program proof: the program decides from the oracle's inputs, then proves.", true, []string{"--program", "FILE"}},
	"relay":                  {"relay [flags] | relay bench [flags]", "A relay node (WebSocket, durable queue on bbolt); `relay bench` is its load generator.", true, nil},
	"relay bench":            {"relay bench [flags]", "The relay's load generator and benchmark suite.", true, nil},
	"setup":                  {"setup --out DIR", "The user-side Groth16 setup of the policy circuit. Whoever runs it could forge proofs: run it on your own machine, never on the agent host.", true, nil},
	"sign":                   {"sign (--mnemonic-file FILE|- [--index N] | --keystore FILE) --vk FILE --policy FILE --proposal FILE --state FILE", "Verifies the proposal, then prints the signed raw EIP-1559 transaction.", true, nil},
	"verify":                 {"verify --vk FILE --policy FILE --proposal FILE --state FILE", "The signer's check: recomputes every public input and verifies the proof.", true, nil},
	"version":                {"version [--wasm FILE]", "Prints the module version, the VCS revision, the protocol and format versions and the SHA-256 of leash.wasm as JSON (leash --version: one line).", true, nil},
}

// helping is set while a body runs only to print its flags: newFlags then
// writes the usage to stdout.
var helping bool

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "-h=true", "--help=true":
			return true
		}
	}
	return false
}

// topicPath finds the topic args name: the command, then a known
// subcommand word, or prove's --program variant.
func topicPath(args []string) string {
	path := args[0]
	if path == "prove" && isProgramProve(args[1:]) {
		return "prove --program"
	}
	if len(args) > 1 {
		if _, ok := topics[path+" "+args[1]]; ok {
			return path + " " + args[1]
		}
	}
	return path
}

// help prints the help of the topic args name and returns the exit code.
func help(ctx context.Context, args []string) int {
	if len(args) == 0 {
		usage(os.Stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "leash: unknown command %q\n\n", args[0])
		usage(os.Stderr)
		return exitUsage
	}
	path := topicPath(args)
	t, ok := topics[path]
	if !ok { // a command without a row: its flags, if it parses any
		t = topic{synopsis: strings.TrimSpace(c.usage), flags: true}
	}
	if t.flags {
		invoke := t.invoke
		if invoke == nil {
			invoke = strings.Fields(path)[1:]
		}
		helping = true
		defer func() { helping = false }()
		if code := c.run(ctx, append(append([]string(nil), invoke...), "-h")); code != exitOK && code != exitUsage {
			return code
		}
	} else {
		fmt.Fprintf(os.Stdout, "usage: leash %s\n\n%s\n", t.synopsis, t.summary)
	}
	if subs := subtopics(path); len(subs) > 0 {
		fmt.Fprintln(os.Stdout, "\nsubcommands:")
		for _, s := range subs {
			fmt.Fprintf(os.Stdout, "  %-15s %s\n", s[len(path)+1:], firstSentence(topics[s].summary))
		}
		fmt.Fprintf(os.Stdout, "\nleash help %s <subcommand> shows its flags.\n", path)
	}
	return exitOK
}

// subtopics lists the rows one word below path.
func subtopics(path string) []string {
	var subs []string
	for k := range topics {
		if rest, ok := strings.CutPrefix(k, path+" "); ok && !strings.Contains(rest, " ") && !strings.HasPrefix(rest, "-") {
			subs = append(subs, k)
		}
	}
	sort.Strings(subs)
	return subs
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// printUsage is every FlagSet's Usage: the synopsis, the summary and the
// flags, as --name.
func printUsage(w io.Writer, name string, fs *flag.FlagSet) {
	t, ok := topics[name]
	if !ok {
		t.synopsis = name + " [flags]"
	}
	fmt.Fprintf(w, "usage: leash %s\n", t.synopsis)
	if t.summary != "" {
		fmt.Fprintf(w, "\n%s\n", t.summary)
	}
	fmt.Fprintln(w, "\nflags:")
	fs.VisitAll(func(f *flag.Flag) {
		kind, text := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n        %s\n", line, text)
	})
}
