package main_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/registry"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/circuits/verify"
)

// run is one CLI run with its own standard input and environment, and no
// controlling terminal (setsid), as in CI.
type run struct {
	stdin string
	env   []string
	dir   string
}

func (r run) leash(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(r.stdin), &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestKeystoreNoMnemonicOnDisk is issue 16's "no plaintext mnemonic
// needed": the mnemonic goes in once on standard input (`leash keys import
// --mnemonic-file -`), and from then on a Web3 Secret Storage keystore
// signs (`leash sign --keystore`) the same transaction the mnemonic signs,
// and publishes the policy on a real dev chain (`leash policy publish
// --keystore`), with the password from the environment. Every file the
// runs left in their working, home and temp directories is then searched:
// no mnemonic and no private key, in any letter case.
func TestKeystoreNoMnemonicOnDisk(t *testing.T) {
	mnemonicBytes, err := os.ReadFile(ex("mnemonic.txt"))
	if err != nil {
		t.Fatal(err)
	}
	mnemonic := strings.TrimSpace(string(mnemonicBytes))
	const privHex = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" // its index-0 key
	const address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

	scratch := t.TempDir()
	work, home, tmp := filepath.Join(scratch, "work"), filepath.Join(scratch, "home"), filepath.Join(scratch, "tmp")
	for _, d := range []string{work, home, tmp} {
		os.MkdirAll(d, 0o700)
	}
	base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + tmp}
	withPW := run{env: append(base, "LEASH_KEYSTORE_PASSWORD=correct horse battery staple"), dir: work}

	// The mnemonic, once, on standard input.
	imp := withPW
	imp.stdin = mnemonic + "\n"
	out, errOut, code := imp.leash(t, "keys", "import", "--mnemonic-file", "-", "--out", "me.json", "--light")
	if code != 0 || !strings.Contains(out, `"address":"`+address+`"`) {
		t.Fatalf("keys import: %d %s %s", code, out, errOut)
	}
	// Never over an existing keystore.
	if _, _, code := imp.leash(t, "keys", "import", "--mnemonic-file", "-", "--out", "me.json", "--light"); code == 0 {
		t.Fatal("keys import overwrote a keystore")
	}
	if out, _, code = withPW.leash(t, "keys", "address", "--keystore", "me.json"); code != 0 || !strings.Contains(out, address) {
		t.Fatalf("keys address --keystore: %d %s", code, out)
	}
	// The same address from the mnemonic on standard input.
	if out, _, code = imp.leash(t, "keys", "address", "--mnemonic-file", "-"); code != 0 || !strings.Contains(out, address) {
		t.Fatalf("keys address --mnemonic-file -: %d %s", code, out)
	}
	// A wrong password, and no password and no terminal: coded, and says what to do.
	if out, _, code = (run{env: append(base, "LEASH_KEYSTORE_PASSWORD=wrong"), dir: work}).leash(t, "keys", "address", "--keystore", "me.json"); code != 4 || !strings.Contains(out, "bad_password") {
		t.Fatalf("wrong password: %d %s", code, out)
	}
	if out, _, code = (run{env: base, dir: work}).leash(t, "keys", "address", "--keystore", "me.json"); code == 0 || !strings.Contains(out, "LEASH_KEYSTORE_PASSWORD") {
		t.Fatalf("no password: %d %s", code, out)
	}
	if _, errOut, code = withPW.leash(t, "keys", "address", "--keystore", "me.json", "--mnemonic-file", "-"); code != 2 || !strings.Contains(errOut, "exactly one") {
		t.Fatalf("both sources: %d %s", code, errOut)
	}

	// Sign: the keystore and the mnemonic sign the same transaction.
	keysDir, _, _ := policytest.Keys(t)
	prop := policytest.Proposal(t, policytest.Policy(t), policytest.Tx(t, "tx-ok"), policytest.State(t))
	pb, _ := json.Marshal(prop)
	propFile := filepath.Join(scratch, "proposal.json") // the test's own file, outside the searched dirs' secrets
	os.WriteFile(propFile, pb, 0o644)
	signArgs := []string{"--vk", filepath.Join(keysDir, "policy.vk"), "--policy", abs(t, ex("policy.json")), "--proposal", propFile, "--state", abs(t, ex("state.json"))}
	viaKeystore, errOut, code := withPW.leash(t, append([]string{"sign", "--keystore", "me.json"}, signArgs...)...)
	if code != 0 || !strings.Contains(viaKeystore, `"rawTx":"0x02`) {
		t.Fatalf("sign --keystore: %d %s %s", code, viaKeystore, errOut)
	}
	viaStdin, _, code := imp.leash(t, append([]string{"sign", "--mnemonic-file", "-"}, signArgs...)...)
	viaFile, _, _ := withPW.leash(t, append([]string{"sign", "--mnemonic-file", abs(t, ex("mnemonic.txt"))}, signArgs...)...)
	if code != 0 || viaKeystore != viaFile || viaStdin != viaFile {
		t.Fatalf("sign differs:\n keystore %s stdin    %s file     %s", viaKeystore, viaStdin, viaFile)
	}
	// A wrong password refuses (exit 1, bad_password) and signs nothing.
	if out, _, code = (run{env: append(base, "LEASH_KEYSTORE_PASSWORD=wrong"), dir: work}).leash(t, append([]string{"sign", "--keystore", "me.json"}, signArgs...)...); code != 1 || !strings.Contains(out, `"code":"bad_password"`) || strings.Contains(out, "rawTx") {
		t.Fatalf("sign with a wrong password: %d %s", code, out)
	}

	// Publish the policy on a real dev chain with the keystore's key.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dev, err := devnet.Start(ctx, devnet.Config{Addr: "127.0.0.1:0", Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	addrs, _ := dev.Contracts()
	// With --typed-vk, the typed-data key's hash too (rpcchain.TypedKeyID).
	typedVK := filepath.Join(typedtest.Keys(t).Dir, "typed.vk")
	out, errOut, code = withPW.leash(t, "policy", "publish", "--rpc", dev.URL(), "--registry", addrs.Registry.Hex(),
		"--vk", filepath.Join(keysDir, "policy.vk"), "--typed-vk", typedVK, "--keystore", "me.json", abs(t, ex("policy.json")))
	if code != 0 || !strings.Contains(out, `"typedVKHash"`) {
		t.Fatalf("policy publish --keystore: %d %s %s", code, out, errOut)
	}
	entry, err := registry.Lookup(ctx, dev.URL(), addrs.Registry, common.HexToAddress(address))
	if err != nil || entry.Commitment.Hex() != policytest.Policy(t).Commitment().Hex() {
		t.Fatalf("registry: %+v %v", entry, err)
	}
	tb, _ := os.ReadFile(typedVK)
	tk, err := verify.LoadTypedVerifyingKey(tb)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := registry.Dial(ctx, dev.URL(), addrs.Registry)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if te, err := rc.LookupTypedKey(ctx, common.HexToAddress(address)); err != nil || te.VKHash != tk.Hash() || te.Revoked {
		t.Fatalf("typed key entry: %+v %v", te, err)
	}
	// --revoke --typed-only revokes the typed-data key only: signatures
	// stop, the policy's entry (transactions) stays live.
	pubArgs := []string{"--rpc", dev.URL(), "--registry", addrs.Registry.Hex(), "--keystore", "me.json"}
	if out, errOut, code = withPW.leash(t, append([]string{"policy", "publish", "--revoke", "--typed-only"}, pubArgs...)...); code != 0 || !strings.Contains(out, `"typedRevoked":true`) {
		t.Fatalf("policy publish --revoke --typed-only: %d %s %s", code, out, errOut)
	}
	if te, err := rc.LookupTypedKey(ctx, common.HexToAddress(address)); err != nil || !te.Revoked {
		t.Fatalf("typed key entry after --revoke --typed-only: %+v %v", te, err)
	}
	if e, err := registry.Lookup(ctx, dev.URL(), addrs.Registry, common.HexToAddress(address)); err != nil || e.Revoked || e.Commitment.Hex() != policytest.Policy(t).Commitment().Hex() {
		t.Fatalf("the policy entry after --revoke --typed-only: %+v %v", e, err)
	}
	// --typed-only --typed-vk publishes it again without touching the policy.
	if out, errOut, code = withPW.leash(t, append([]string{"policy", "publish", "--typed-only", "--typed-vk", typedVK}, pubArgs...)...); code != 0 || !strings.Contains(out, `"typedVKHash"`) {
		t.Fatalf("policy publish --typed-only: %d %s %s", code, out, errOut)
	}
	if te, err := rc.LookupTypedKey(ctx, common.HexToAddress(address)); err != nil || te.VKHash != tk.Hash() || te.Revoked {
		t.Fatalf("typed key entry after --typed-only: %+v %v", te, err)
	}
	// --typed-only with a policy, a policy key or without a typed key, and
	// --revoke with a policy: usage errors, nothing sent.
	for _, bad := range [][]string{
		{"--typed-only", "--typed-vk", typedVK, abs(t, ex("policy.json"))},
		{"--typed-only", "--typed-vk", typedVK, "--vk", filepath.Join(keysDir, "policy.vk")},
		{"--typed-only"},
		{"--revoke", "--typed-only", "--typed-vk", typedVK},
		{"--revoke", abs(t, ex("policy.json"))},
	} {
		if out, _, code = withPW.leash(t, append(append([]string{"policy", "publish"}, bad...), pubArgs...)...); code != 2 {
			t.Fatalf("policy publish %v: %d %s", bad, code, out)
		}
	}
	if te, err := rc.LookupTypedKey(ctx, common.HexToAddress(address)); err != nil || te.VKHash != tk.Hash() || te.Revoked {
		t.Fatalf("typed key entry after the usage errors: %+v %v", te, err)
	}
	// A file that is not a typed-data key: refused before anything is sent.
	if out, _, code = withPW.leash(t, "policy", "publish", "--rpc", dev.URL(), "--registry", addrs.Registry.Hex(),
		"--vk", filepath.Join(keysDir, "policy.vk"), "--typed-vk", filepath.Join(keysDir, "policy.vk"), "--keystore", "me.json", abs(t, ex("policy.json"))); code == 0 {
		t.Fatalf("a policy key as --typed-vk: %d %s", code, out)
	}

	// Nothing on disk holds the mnemonic or the key.
	words := strings.Fields(mnemonic)
	needles := [][]byte{[]byte(privHex), []byte(strings.Join(words[:3], " ")), []byte(strings.Join(words[len(words)-3:], " "))}
	n := 0
	filepath.WalkDir(scratch, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, _ := os.ReadFile(p)
		b = bytes.ToLower(b)
		for _, s := range needles {
			if bytes.Contains(b, s) {
				t.Errorf("%s holds %q", p, s)
			}
		}
		return nil
	})
	if n == 0 {
		t.Fatal("searched no file")
	}
}

// TestHints: the first errors a newcomer meets say what to do next (on
// stderr; stdout keeps its JSON). (leash mcp without a daemon names
// leash agent-host in its tool errors: prover/mcpserver's StartHint.)
func TestHints(t *testing.T) {
	work := t.TempDir()
	nokeys := filepath.Join(work, "nokeys")
	r := run{env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work}, dir: work}
	setupHint := "run `leash setup --out " + nokeys + "`"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"prove", "--keys", nokeys, "--policy", abs(t, ex("policy.json")), "--tx", abs(t, ex("tx-ok.json")), "--state", abs(t, ex("state.json")), "--out", "p.json"}, setupHint},
		{[]string{"verify", "--vk", filepath.Join(nokeys, "policy.vk"), "--policy", abs(t, ex("policy.json")), "--proposal", abs(t, ex("tx-ok.json")), "--state", abs(t, ex("state.json"))}, setupHint},
		{[]string{"sign", "--mnemonic-file", abs(t, ex("mnemonic.txt")), "--vk", filepath.Join(nokeys, "policy.vk"), "--policy", abs(t, ex("policy.json")), "--proposal", abs(t, ex("tx-ok.json")), "--state", abs(t, ex("state.json"))}, setupHint},
		{[]string{"sign", "--vk", "x", "--policy", "x", "--proposal", "x", "--state", "x"}, "--mnemonic-file -"},
	} {
		out, errOut, code := r.leash(t, c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stdout %s stderr:\n%s", c.args[0], code, out, errOut)
		}
	}
}

// TestVersion: leash version and --version name the module version, the
// protocol versions and the SHA-256 of the leash.wasm given.
func TestVersion(t *testing.T) {
	wasm := filepath.Join(t.TempDir(), "leash.wasm")
	os.WriteFile(wasm, []byte("not really wasm"), 0o644)
	out, code := leash(t, "version", "--wasm", wasm)
	var v struct {
		Version   string         `json:"version"`
		Protocols map[string]int `json:"protocols"`
		LeashWasm struct {
			SHA256 string `json:"sha256"`
			Source string `json:"source"`
		} `json:"leashWasm"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 {
		t.Fatalf("version: %d %s", code, out)
	}
	sum := sha256.Sum256([]byte("not really wasm"))
	h := hex.EncodeToString(sum[:])
	if v.Version == "" || v.Protocols["proposal"] < 1 || v.Protocols["policy"] < 1 || v.Protocols["relay"] < 1 || v.LeashWasm.SHA256 != h {
		t.Fatalf("version: %s (want sha256 %s)", out, h)
	}
	out, code = leash(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "leash ") || !strings.Contains(out, "proposal v") {
		t.Fatalf("--version: %d %s", code, out)
	}
}
