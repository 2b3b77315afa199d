// Command leash is the one CLI of the project. Each subcommand parses its
// flags into a Config and calls a package; nothing else lives here.
//
// Exit codes: 0 success, 1 a verification refused (with a coded JSON error),
// 2 usage errors, 3 a transaction that breaks the policy (pre-check),
// 4 other failures.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/consensys/gnark/logger"
)

type command struct {
	run   func(ctx context.Context, args []string) int
	usage string
}

var commands = map[string]command{
	"policy":     {cmdPolicy, "policy commit FILE | policy publish ..."},
	"program":    {cmdProgram, "program commit FILE | pin FILE | info | setup | verify | publish   committed agent programs"},
	"setup":      {cmdSetup, "setup --out DIR             user-side Groth16 setup (never on the agent host)"},
	"circuit":    {cmdCircuit, "circuit info               constraint count, public inputs, calldata capacity"},
	"prove":      {cmdProve, "prove --keys DIR --policy FILE --tx FILE --state FILE --out FILE"},
	"verify":     {cmdVerify, "verify --vk FILE --policy FILE --proposal FILE --state FILE"},
	"sign":       {cmdSign, "sign (--mnemonic-file FILE|- | --keystore FILE) --vk FILE --policy FILE --proposal FILE --state FILE"},
	"proposal":   {cmdProposal, "proposal public-inputs --policy FILE --proposal FILE --state FILE"},
	"keys":       {cmdKeys, "keys address | import | export   the user's key: mnemonic (file or stdin) or keystore"},
	"relay":      {cmdRelay, "relay [--addr] [--data DIR] [--tls-cert --tls-key] | relay bench ..."},
	"devnet":     {cmdDevnet, "devnet [--addr]             embedded go-ethereum dev chain"},
	"agent-host": {cmdAgentHost, "agent-host --keys DIR --policy FILE [--pair URI (first start)] [--rpc URL --account ADDR]"},
	"x402":       {cmdX402, "x402 fetch URL [--agent-host URL]  fetch a URL through the agent host, paying with x402 under the leash"},
	"mcp":        {cmdMCP, "mcp [--agent-host URL] [--http ADDR --token-file F]  MCP server (stdio or Streamable HTTP) over the agent-host API"},
	"demo":       {cmdDemo, "demo --keys DIR              the scripted tour of the whole system"},
	"version":    {cmdVersion, "version [--wasm FILE]        version, VCS revision, protocol versions, leash.wasm's SHA-256"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Disable() // gnark logs to stdout; our stdout is JSON
	os.Exit(run(ctx, os.Args[1:]))
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(os.Stdout)
		return exitOK
	case "help":
		return help(ctx, args[1:])
	case "-version", "--version":
		return printVersion(os.Stdout, false, "")
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "leash: unknown command %q\n\n", args[0])
		usage(os.Stderr)
		return exitUsage
	}
	if wantsHelp(args[1:]) {
		return help(ctx, args)
	}
	return c.run(ctx, args[1:])
}

// usage lists the commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: leash <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %s\n", commands[n].usage)
	}
	fmt.Fprintln(w, "\nleash help <command> [subcommand], or --help after any command, shows its flags.\n"+
		"leash --version prints the version; leash version the details as JSON.")
}
