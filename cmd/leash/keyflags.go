package main

import (
	"crypto/ecdsa"
	"flag"
	"fmt"
	"os"

	"github.com/leash-wallet/leash/internal/userkey"
	"github.com/leash-wallet/leash/wasm/verbs"
	"github.com/leash-wallet/leash/wire"
)

// keyFlags registers the flags of every verb that needs the user's key:
// --mnemonic-file FILE (or - for standard input), --keystore FILE (a Web3
// Secret Storage v3 file; password from $LEASH_KEYSTORE_PASSWORD or a
// prompt) and --index N. Check the choice with keyChoice after parsing.
func keyFlags(fs *flag.FlagSet) *userkey.Source {
	var s userkey.Source
	fs.StringVar(&s.MnemonicFile, "mnemonic-file", "", "file holding the BIP-39 mnemonic, or - to read it from standard input (not echoed on a terminal)")
	fs.StringVar(&s.Keystore, "keystore", "", "Web3 Secret Storage v3 keystore instead of a mnemonic (leash keys import); password from $"+userkey.EnvPassword+", else a prompt")
	fs.Uint64Var(&s.Index, "index", 0, "with --mnemonic-file: the account index N of m/44'/60'/0'/0/N")
	return &s
}

// keyChoice reports (on stderr, with the flags) a usage error in the key
// flags: exactly one of --mnemonic-file and --keystore.
func keyChoice(fs *flag.FlagSet, s *userkey.Source) bool {
	if (s.MnemonicFile == "") == (s.Keystore == "") || (s.Keystore != "" && s.Index != 0) {
		fmt.Fprintf(os.Stderr, "%s: %s\n", fs.Name(), wire.MessageOf(userkey.Source{Keystore: s.Keystore, MnemonicFile: s.MnemonicFile, Index: s.Index}.Check()))
		fmt.Fprintf(os.Stderr, "(no mnemonic file? pipe it: --mnemonic-file -, or make a keystore: leash keys import)\n")
		return false
	}
	return true
}

// mnemonicFile reads a mnemonic the way the shared verbs take it: a file,
// or standard input for "-".
func mnemonicFile(s *userkey.Source) verbs.File {
	if s.MnemonicFile != userkey.Stdin {
		return verbs.ReadFile(s.MnemonicFile)
	}
	b, err := userkey.ReadMnemonic(s.MnemonicFile, s.Stdin)
	return verbs.File{Path: "standard input", Data: b, Err: err}
}

// keystoreKey opens a keystore source for verbs.SignWith.
func keystoreKey(s *userkey.Source) func() (verbs.KeyFunc, error) {
	return func() (verbs.KeyFunc, error) {
		k, err := s.Open()
		if err != nil {
			return nil, err
		}
		return func(fn func(*ecdsa.PrivateKey) error) error {
			defer k.Close()
			return k.With(fn)
		}, nil
	}
}
