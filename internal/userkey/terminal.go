package userkey

import (
	"fmt"
	"os"

	"golang.org/x/term"

	"github.com/leash-wallet/leash/wire"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// promptTerminal asks on the controlling terminal, without echo. Without a
// terminal it says how to give the secret instead.
func promptTerminal(prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil || !isTerminal(tty) {
		if tty != nil {
			tty.Close()
		}
		return "", wire.Errorf(wire.Malformed, "no terminal to ask on: set %s (a keystore's password), or pipe the mnemonic into --mnemonic-file -", EnvPassword)
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt)
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", wire.Errorf(wire.Malformed, "read from the terminal: %v", err)
	}
	defer clear(b)
	return string(b), nil
}
