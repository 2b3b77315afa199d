package stack

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/typedcircuit"
	"github.com/leash-wallet/leash/wasm/signerhost"
	"github.com/leash-wallet/leash/wire"
)

// extEvent is one line of tests/browser/signer.mjs.
type extEvent struct {
	Event       string `json:"event"`
	URI         string `json:"uri"`
	Fingerprint string `json:"fingerprint"`
	ID          string `json:"id"`
	Decision    string `json:"decision"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	TxHash      string `json:"txHash"`
}

// startWithExtension runs the extension in headless Chromium as the signer,
// pairs the agent host with it, and turns its decisions into Events.
func (s *Stack) startWithExtension(ctx context.Context) error {
	mnemonic := filepath.Join(s.cfg.WorkDir, "mnemonic.txt")
	if err := os.WriteFile(mnemonic, []byte(TestMnemonic+"\n"), 0o600); err != nil {
		return err
	}
	args := []string{s.cfg.ExtensionSigner, "--relay", "ws://" + s.relayAddr + "/v1/ws",
		"--rpc", s.Devnet.URL(), "--registry", s.Addrs.Registry.Hex(), "--policy", s.PolicyFile,
		"--vk", filepath.Join(s.cfg.KeysDir, policycircuit.VerifyingKeyFile), "--mnemonic-file", mnemonic}
	if s.Typed {
		args = append(args, "--typed-vk", filepath.Join(s.cfg.KeysDir, typedcircuit.VerifyingKeyFile))
	}
	if s.Program != nil {
		args = append(args, "--program", s.ProgramFile, "--program-vk", filepath.Join(s.cfg.KeysDir, programcircuit.VerifyingKeyFile(s.Program.Tmpl())))
	}
	cmd := exec.Command("node", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	// stderr is discarded (nil: os/exec connects the null device)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("extension signer: %w", err)
	}
	s.extCmd = cmd
	s.cfg.Say("signer", "the Leash extension in headless Chromium: wallet imported, policy and vk pinned, registry %s", short(s.Addrs.Registry.Hex()))
	if s.Program != nil {
		s.cfg.Say("signer", "program %s pinned in the extension (%s template, oracle %s); it re-reads the inputs over %s",
			short(s.Program.Commitment().Hex()), s.Program.Tmpl().Name, short(s.Program.Oracle.Hex()), s.Devnet.URL())
	}
	uri, paired, failed := make(chan string, 1), make(chan struct{}, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var e extEvent
			if json.Unmarshal(sc.Bytes(), &e) != nil {
				continue
			}
			switch e.Event {
			case "pairing":
				uri <- e.URI
			case "offer":
				s.cfg.Say("pairing", "agent host key %s confirmed in the extension", e.Fingerprint)
			case "paired":
				paired <- struct{}{}
			case "error":
				failed <- e.Message
			case "decision":
				s.extDecision(e)
			}
		}
		_ = cmd.Wait()
	}()
	var u string
	select {
	case u = <-uri:
	case msg := <-failed:
		return fmt.Errorf("extension signer: %s", msg)
	case <-time.After(90 * time.Second):
		return errors.New("the extension did not show a pairing URI")
	}
	apiReady := s.startAgentHost(ctx, u)
	select {
	case <-paired:
	case msg := <-failed:
		return fmt.Errorf("extension signer: %s", msg)
	case <-time.After(60 * time.Second):
		return errors.New("pairing with the extension timed out")
	}
	return s.awaitAgentHost(apiReady)
}

// extDecision reports one of the extension's decisions as an Event.
func (s *Stack) extDecision(e extEvent) {
	if s.cfg.OnEvent == nil {
		return
	}
	ev := signerhost.Event{ID: e.ID, Code: wire.Code(e.Code), Message: e.Message}
	if h, err := wire.ParseHash32(e.TxHash); err == nil {
		ev.TxHash = &h
	}
	switch e.Decision {
	case "signed":
		ev.Status = wire.StatusSigned
	case "mined":
		ev.Status = wire.StatusMined
	case "rejected":
		ev.Status = wire.StatusRejected
	default:
		return
	}
	s.cfg.OnEvent(ev)
}

func (s *Stack) stopExtension() {
	if s.extCmd != nil && s.extCmd.Process != nil {
		_ = s.extCmd.Process.Signal(syscall.SIGTERM)
	}
}
