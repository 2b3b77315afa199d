package verbs

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/leash-wallet/leash/circuits/policytest"
)

func mnemonicFile(s string) File { return File{Path: "m.txt", Data: []byte(s)} }

func TestKeysAddress(t *testing.T) {
	cases := []struct {
		file  File
		index uint64
		out   string
		exit  int
	}{
		{ReadFile(filepath.Join(policytest.Root(), "examples", "mnemonic.txt")), 0,
			`{"address":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","index":0,"path":"m/44'/60'/0'/0/0"}` + "\n", ExitOK},
		{mnemonicFile("test test test test test test test test test test test junk"), 1,
			`{"address":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","index":1,"path":"m/44'/60'/0'/0/1"}` + "\n", ExitOK},
		{mnemonicFile("test test test test test test test test test test test junk"), 1 << 31,
			`{"error":{"code":"malformed","message":"--index 2147483648: must be below 2^31"}}` + "\n", ExitUsage},
		{mnemonicFile("junk junk"), 0,
			`{"error":{"code":"malformed","message":"mnemonic (m.txt): mnemonic: 2 words, want 12, 15, 18, 21 or 24"}}` + "\n", ExitUsage},
		{File{Path: "x", Err: errors.New("open x: no such file or directory")}, 0,
			`{"error":{"code":"malformed","message":"mnemonic file: open x: no such file or directory"}}` + "\n", ExitUsage},
	}
	for i, c := range cases {
		out := KeysAddress(c.file, c.index)
		if string(out.Stdout) != c.out || out.Exit != c.exit {
			t.Errorf("case %d: %d %s", i, out.Exit, out.Stdout)
		}
	}
}

func TestSignRefusesBadInputs(t *testing.T) {
	ex := func(n string) File { return ReadFile(filepath.Join(policytest.Root(), "examples", n)) }
	missing := File{Path: "vk", Err: errors.New("open vk: no such file or directory")}
	out := Sign(ex("mnemonic.txt"), 0, missing, ex("policy.json"), ex("tx-ok.json"), ex("state.json"))
	if out.Exit != ExitRefused || string(out.Stdout) != `{"ok":false,"code":"malformed","message":"verifying key file: open vk: no such file or directory"}`+"\n" {
		t.Fatalf("%d %s", out.Exit, out.Stdout)
	}
}
