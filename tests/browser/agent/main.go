// Command agent is the test agent host of the browser tests: a real prover
// (Groth16 over the universal policy circuit) and a real relay client,
// driven by JSON lines on stdin and reporting JSON lines on stdout, so that
// the Playwright test can pair it with the extension, make it propose, and
// read the receipts the extension sends back.
//
// Commands (one JSON object per line):
//
//	{"cmd":"policy","account":"0x…"}               make the v2 policy for the wallet's account
//	{"cmd":"pair","uri":"leash:pair?…"}            pair; prints hello, then paired
//	{"cmd":"propose","id":"p-1","to":"0x…"?,"value":"0x…","data":"0x…"?,
//	 "forgeValue":"0x…"?, "forgeTo":"0x…"?, "forgeData":"0x…"?, "nonce":n?}
//	                                               prove and send (forge*: change the
//	                                               transaction after proving, as a
//	                                               compromised host would)
//	{"cmd":"sign","id":"s-1","value":"…","nonce":n,"forgeTo":"0x…"?}
//	                                               prove an x402 authorization (EIP-3009,
//	                                               Token A to Alice) and send it as a
//	                                               signature proposal
//	{"cmd":"raw","id":"x","body":"{…}"}              send a proposal document as given (hostile tests)
//	{"cmd":"copies","prefix":"c","n":100,"value":"0x…"} prove once, send n copies (ids prefix-i)
//	{"cmd":"flood","n":10000}                        send n hostile proposals (flood test), paced by receipts
//	{"cmd":"fund","to":"0x…","value":"0x…"}          send ETH from a devnet account
//	{"cmd":"balance","address":"0x…"}
//	{"cmd":"program-setup","policy":"FILE","program":"FILE","account":"0x…","keys":"DIR"}
//	                                                load the program examples (the policy
//	                                                for account: a v2 policy commits it;
//	                                                the program's setup from DIR, default --keys)
//	{"cmd":"set-price","price":"0x…"}                a new oracle round (devnet account 0 owns the oracle)
//	{"cmd":"propose-program","id":"…","from":"0x…","nonce":n,"block":b?}
//	                                                read the oracle at b (default: the head), prove the program's decision, send
//	{"cmd":"quit"}
//
// The agent follows each wallet's window itself (policy v2): every
// proposal it sends counts as in flight until its receipt; a signed one
// joins its copy of the window, and a receipt that carries the signer's
// state (stale_state, nonce_mismatch) replaces it.
//
// Events: ready {vk, vkHash}, policy {policy, commitment}, hello
// {fingerprint}, paired, sent {id, proveMs}, receipt {body}, funded,
// balance, program-ready {policy, pin, vk, otherVK, vkHash}, price {block},
// flooded {n, kinds, ms}, error {message}.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/logger"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wire"
)

// The devnet's funded account 9 of the public test mnemonic: it funds the
// extension's freshly created wallet.
const funderKey = "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"

// Alice is devnet account 1, the allowed recipient of the test policy.
const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

// The other targets of the test policy: a router whose swaps must pay the
// account itself, its two tokens (windows only), and a strategy pool whose
// swap only a program proof may use. None needs to be deployed: the tests
// that aim at them are refused before anything is sent to the chain.
const (
	router = "0x1000000000000000000000000000000000000001"
	tokenA = "0x1000000000000000000000000000000000000002"
	tokenB = "0x1000000000000000000000000000000000000003"
	pool   = "0x1000000000000000000000000000000000000004"
)

var (
	outMu sync.Mutex
	out   = json.NewEncoder(os.Stdout)
)

func emit(event string, fields map[string]any) {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["event"] = event
	outMu.Lock()
	_ = out.Encode(fields)
	outMu.Unlock()
}

// Devnet account 0 of the public test mnemonic: the oracle's owner.
const ownerKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

type agent struct {
	rpc     string
	keysDir string
	eth     *ethclient.Client
	pk      *groth16.ProvingKey
	tpk     *groth16.ProvingKey // the typed-data circuit's
	pol     *policy.Policy
	prover  *prover.Prover
	cl      *client.Client
	progPr  *programprover.Prover
	prog    *program.Program

	mu   sync.Mutex
	win  *window // the test policy's wallet
	pwin *window // the program examples' wallet

	floodMu   sync.Mutex
	floodSeen map[string]int // flood receipts by code, while a flood runs
	floodWait chan struct{}  // closed when the marker's receipt arrives
	marker    string
}

// window is one wallet's window as the agent last learned it, and the
// proposals sent to it with no final receipt yet.
type window struct {
	pol      *policy.Policy
	st       *wire.State
	inflight map[string]*wire.Tx
}

func newWindow(pol *policy.Policy) *window {
	return &window{pol: pol, st: &wire.State{}, inflight: map[string]*wire.Tx{}}
}

func main() {
	keysDir := flag.String("keys", "", "Groth16 key cache directory (setup runs once per circuit)")
	rpc := flag.String("rpc", "", "chain JSON-RPC URL")
	flag.Parse()
	logger.Disable()
	if err := run(*keysDir, *rpc); err != nil {
		emit("error", map[string]any{"message": err.Error()})
		os.Exit(1)
	}
}

func run(keysDir, rpc string) error {
	ctx := context.Background()
	pk, vkBytes, err := loadKeys(keysDir)
	if err != nil {
		return err
	}
	vk, err := verify.LoadVerifyingKey(vkBytes)
	if err != nil {
		return err
	}
	eth, err := ethclient.DialContext(ctx, rpc)
	if err != nil {
		return err
	}
	tpk, typedVK, err := loadTypedKeys(keysDir)
	if err != nil {
		return err
	}
	a := &agent{rpc: rpc, keysDir: keysDir, eth: eth, pk: pk, tpk: tpk}
	emit("ready", map[string]any{"vk": base64.StdEncoding.EncodeToString(vkBytes), "vkHash": vk.Hash().Hex(),
		"typedVK": base64.StdEncoding.EncodeToString(typedVK)})

	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var cmd map[string]any
		if err := json.Unmarshal(sc.Bytes(), &cmd); err != nil {
			emit("error", map[string]any{"message": "bad command: " + err.Error()})
			continue
		}
		if err := a.do(ctx, cmd); err != nil {
			emit("error", map[string]any{"cmd": cmd["cmd"], "message": err.Error()})
		}
		if cmd["cmd"] == "quit" {
			break
		}
	}
	if a.cl != nil {
		a.cl.Close()
	}
	return nil
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// makePolicy writes the test policy (v2) for the wallet's account: plain
// payments to Alice; router swaps of either token whose recipient is the
// account itself, counted toward the input token's window; the pool's swap
// for program proofs only.
func (a *agent) makePolicy(account string) error {
	now := time.Now().UTC()
	var salt [32]byte
	copy(salt[1:], crypto.Keccak256([]byte(now.String()))) // 31 bytes: below the field modulus
	doc := fmt.Sprintf(`{
  "version": 2,
  "name": "Browser test agent",
  "chainId": 1337,
  "account": %q,
  "notBefore": %q,
  "notAfter": %q,
  "maxValuePerTx": "1 ether",
  "maxFeePerTx": "0.01 ether",
  "window": { "seconds": 86400, "maxValue": "50 ether", "maxFees": "5 ether", "maxTxs": 1000 },
  "targets": [
    { "address": %q, "label": "Alice (savings)", "calls": [{ "fn": "transfer-value" }] },
    { "address": %q, "label": "Token A", "symbol": "TKA", "decimals": 18, "windowMax": "1000 TKA" },
    { "address": %q, "label": "Token B", "symbol": "TKB", "decimals": 18, "windowMax": "1000 TKB" },
    { "address": %q, "label": "DEX router", "calls": [{
      "fn": "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
      "args": [{ "max": "100 TKA", "spend": { "tokenArg": 6 } }, "any",
        { "array": [{ "oneOf": [%q, %q] }, { "oneOf": [%q, %q] }] }, { "is": "self" }, "any"] }] },
    { "address": %q, "label": "Strategy pool", "calls": [{
      "fn": "swapExactIn(address,uint256,uint256,address,uint256)", "programOnly": true,
      "args": [{ "oneOf": [%q, %q] }, { "max": "100 TKA", "spend": { "tokenArg": 0 } }, "any", { "is": "self" }, "any"] }] }
  ]`+fmt.Sprintf(typedRule, tokenA, alice)+`,
  "salt": "0x%x"
}`, account, now.Add(-time.Hour).Format(time.RFC3339), now.Add(365*24*time.Hour).Format(time.RFC3339), alice,
		tokenA, tokenB, router, tokenA, tokenB, tokenA, tokenB, pool, tokenA, tokenB, salt)
	pol, err := policy.Decode([]byte(doc))
	if err != nil {
		return err
	}
	if lint := pol.LintErrors(); lint != nil {
		return lint
	}
	pr, err := prover.New(pol, a.pk)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.pol, a.prover, a.win = pol, pr, newWindow(pol)
	a.mu.Unlock()
	emit("policy", map[string]any{"policy": doc, "commitment": pol.Commitment().Hex()})
	return nil
}

// follow updates the window w from a receipt (nil w: not followed).
func (w *window) follow(r *wire.Receipt) {
	tx, ok := w.inflight[r.ID]
	if !ok {
		return
	}
	switch r.Status {
	case wire.StatusSigned, wire.StatusMined:
		w.pol.Count(w.st, tx)
		delete(w.inflight, r.ID)
	case wire.StatusRejected:
		if r.State != nil {
			w.pol.TakeHint(w.st, tx, r.State)
		}
		delete(w.inflight, r.ID)
	}
}

// state is the window to prove a transaction at nonce against: the last
// known window plus every proposal in flight below that nonce.
func (a *agent) state(w *window, nonce uint64) *wire.State {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := w.st.Clone()
	for _, tx := range w.inflight {
		if uint64(tx.Nonce) < nonce {
			w.pol.Count(st, tx)
		}
	}
	st.Time = uint64(time.Now().Unix())
	return st
}

// sent records a proposal in flight in w.
func (a *agent) sent(w *window, id string, tx wire.Tx) {
	a.mu.Lock()
	w.inflight[id] = &tx
	a.mu.Unlock()
}

func (a *agent) do(ctx context.Context, cmd map[string]any) error {
	switch cmd["cmd"] {
	case "policy":
		return a.makePolicy(str(cmd, "account"))
	case "pair":
		return a.pair(ctx, str(cmd, "uri"))
	case "propose":
		return a.propose(ctx, cmd)
	case "sign":
		return a.sign(ctx, cmd)
	case "raw":
		return a.raw(ctx, str(cmd, "id"), str(cmd, "body"))
	case "copies":
		return a.copies(ctx, cmd)
	case "flood":
		return a.flood(ctx, cmd)
	case "fund":
		return a.fund(ctx, str(cmd, "to"), str(cmd, "value"))
	case "balance":
		b, err := a.eth.BalanceAt(ctx, common.HexToAddress(str(cmd, "address")), nil)
		if err != nil {
			return err
		}
		emit("balance", map[string]any{"address": str(cmd, "address"), "wei": b.String()})
		return nil
	case "program-setup":
		return a.programSetup(str(cmd, "policy"), str(cmd, "program"), str(cmd, "account"), str(cmd, "keys"))
	case "set-price":
		return a.setPrice(ctx, str(cmd, "price"))
	case "propose-program":
		return a.proposeProgram(ctx, cmd)
	case "quit":
		return nil
	}
	return fmt.Errorf("unknown command %v", cmd["cmd"])
}

func (a *agent) pair(ctx context.Context, uri string) error {
	p, err := e2e.ParsePairingURI(uri)
	if err != nil {
		return err
	}
	kp, err := e2e.GenerateKeyPair(nil)
	if err != nil {
		return err
	}
	emit("hello", map[string]any{"fingerprint": kp.Public.Fingerprint()})
	go func() {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cl, err := client.PairAgent(pctx, client.Config{MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
			State: &client.MemState{}}, p, kp, []byte(`{"name":"Browser test agent"}`), func(pd e2e.Paired) {
			emit("code", map[string]any{"code": pd.Code})
		})
		if err != nil {
			emit("error", map[string]any{"cmd": "pair", "message": err.Error()})
			return
		}
		a.cl = cl
		emit("paired", nil)
		for {
			m, err := cl.Receive(ctx)
			if err != nil {
				return
			}
			if a.onReceipt(m.Body) {
				emit("receipt", map[string]any{"kind": m.Kind, "body": json.RawMessage(m.Body)})
			}
			_ = cl.Ack(m)
		}
	}()
	return nil
}

func (a *agent) propose(ctx context.Context, cmd map[string]any) error {
	if a.cl == nil {
		return fmt.Errorf("not paired")
	}
	if a.prover == nil {
		return fmt.Errorf("no policy yet: send the policy command")
	}
	from := common.HexToAddress(str(cmd, "from"))
	nonce, err := a.eth.PendingNonceAt(ctx, from)
	if err != nil {
		return err
	}
	if n, ok := cmd["nonce"].(float64); ok {
		nonce = uint64(n)
	}
	to, data, gas := str(cmd, "to"), str(cmd, "data"), "0x5208"
	if to == "" {
		to = alice
	}
	if data == "" {
		data = "0x"
	} else {
		gas = "0x30d40" // 200,000
	}
	value := str(cmd, "value")
	if value == "" {
		value = "0x0"
	}
	txJSON := fmt.Sprintf(`{"chainId":"0x539","nonce":"0x%x","to":%q,"value":%q,"data":%q,"gas":%q,"maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`,
		nonce, to, value, data, gas)
	tx, err := wire.DecodeTx([]byte(txJSON))
	if err != nil {
		return err
	}
	start := time.Now()
	p, err := a.prover.Prove(prover.Request{ID: str(cmd, "id"), Tx: tx, State: a.state(a.win, nonce)})
	if err != nil {
		return err
	}
	proveMs := time.Since(start).Milliseconds()
	// A compromised host: a valid proof, sent for another transaction.
	if fv := str(cmd, "forgeValue"); fv != "" {
		v, _ := new(big.Int).SetString(fv, 0)
		p.Tx.Value = wire.NewQuantity(v)
	}
	if ft := str(cmd, "forgeTo"); ft != "" {
		if p.Tx.To, err = wire.ParseAddress(ft); err != nil {
			return err
		}
	}
	if fd := str(cmd, "forgeData"); fd != "" {
		if p.Tx.Data, err = wire.ParseBytes(fd); err != nil {
			return err
		}
	}
	a.sent(a.win, p.ID, p.Tx)
	if err := a.cl.SendTyped(ctx, e2e.MessageIDFor("proposal:"+p.ID), "proposal", p); err != nil {
		return err
	}
	emit("sent", map[string]any{"id": p.ID, "proveMs": proveMs, "nonce": nonce, "proposal": p})
	return nil
}

func (a *agent) fund(ctx context.Context, to, value string) error {
	key, _ := crypto.HexToECDSA(funderKey)
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := a.eth.PendingNonceAt(ctx, from)
	if err != nil {
		return err
	}
	v, _ := new(big.Int).SetString(value, 0)
	toAddr := common.HexToAddress(to)
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: big.NewInt(1337), Nonce: nonce, GasTipCap: big.NewInt(1e9),
		GasFeeCap: big.NewInt(3e9), Gas: 21000, To: &toAddr, Value: v})
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(big.NewInt(1337)), key)
	if err != nil {
		return err
	}
	if err := a.eth.SendTransaction(ctx, signed); err != nil {
		return err
	}
	for range 200 {
		if r, err := a.eth.TransactionReceipt(ctx, signed.Hash()); err == nil && r != nil {
			emit("funded", map[string]any{"to": to, "txHash": signed.Hash().Hex()})
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("funding transaction not mined")
}

// loadKeys returns a Groth16 setup of the current policy circuit, cached in
// dir under the hash of the compiled circuit (the setup is the slow part).
func loadKeys(dir string) (*groth16.ProvingKey, []byte, error) {
	ccs, err := policycircuit.Compile()
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if _, err := ccs.WriteTo(&buf); err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "leash-browser-keys")
	}
	dir = filepath.Join(dir, hex.EncodeToString(sum[:8]))
	vkPath := filepath.Join(dir, policycircuit.VerifyingKeyFile)
	if _, err := os.Stat(vkPath); err != nil {
		emit("setup", map[string]any{"dir": dir})
		keys, err := policycircuit.Setup(nil)
		if err != nil {
			return nil, nil, err
		}
		if err := keys.Write(dir); err != nil {
			return nil, nil, err
		}
	}
	vk, err := os.ReadFile(vkPath)
	if err != nil {
		return nil, nil, err
	}
	pk, err := policycircuit.ReadProvingKey(dir)
	if err != nil {
		return nil, nil, err
	}
	return pk, vk, nil
}

var accountField = regexp.MustCompile(`"account":\s*"0x[0-9a-fA-F]{40}"`)

// programSetup loads the program examples (policy and program files) and
// the template's keys from the keys dir (leash program setup --out DIR).
// It also makes a well-formed key of another setup of the same circuit
// (alpha doubled), which the extension must refuse to pin.
func (a *agent) programSetup(policyFile, programFile, account, keysDir string) error {
	pdoc, err := os.ReadFile(policyFile)
	if err != nil {
		return err
	}
	if account != "" { // a v2 policy commits the account it is for
		if !accountField.Match(pdoc) {
			return fmt.Errorf("%s has no account field", policyFile)
		}
		pdoc = accountField.ReplaceAll(pdoc, []byte(fmt.Sprintf(`"account": %q`, account)))
	}
	pol, err := policy.Decode(pdoc)
	if err != nil {
		return err
	}
	gdoc, err := os.ReadFile(programFile)
	if err != nil {
		return err
	}
	prog, err := program.Decode(gdoc)
	if err != nil {
		return err
	}
	dir := keysDir
	if dir == "" {
		dir = a.keysDir
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "leash-browser-keys")
	}
	pk, err := programcircuit.ReadProvingKey(dir, prog.Tmpl())
	if err != nil {
		return err
	}
	vkBytes, err := os.ReadFile(filepath.Join(dir, programcircuit.VerifyingKeyFile(prog.Tmpl())))
	if err != nil {
		return err
	}
	vk, err := programverify.LoadVerifyingKey(vkBytes, prog.Tmpl())
	if err != nil {
		return err
	}
	other, err := programtest.OtherSetupKey(vkBytes)
	if err != nil {
		return err
	}
	if a.progPr, err = programprover.New(pol, prog, pk); err != nil {
		return err
	}
	a.mu.Lock()
	a.prog, a.pwin = prog, newWindow(pol)
	a.mu.Unlock()
	emit("program-ready", map[string]any{"policy": string(pdoc), "pin": prog.Pin(), "commitment": prog.Commitment().Hex(),
		"vk": base64.StdEncoding.EncodeToString(vkBytes), "otherVK": base64.StdEncoding.EncodeToString(other), "vkHash": vk.Hash().Hex()})
	return nil
}

// setPrice writes a new oracle round from the oracle's owner and waits
// until it is mined.
func (a *agent) setPrice(ctx context.Context, price string) error {
	key, _ := crypto.HexToECDSA(ownerKey)
	p, ok := new(big.Int).SetString(price, 0)
	if !ok {
		return fmt.Errorf("price %q", price)
	}
	s, err := contracts.NewSender(ctx, a.eth, key)
	if err != nil {
		return err
	}
	addrs := contracts.StandardAddresses(crypto.PubkeyToAddress(key.PublicKey), 0)
	tx, err := s.Send(ctx, &addrs.Oracle, nil, contracts.NewPriceOracle().PackSetPrice(p))
	if err != nil {
		return err
	}
	rs, err := contracts.WaitMined(ctx, a.eth, tx)
	if err != nil {
		return err
	}
	emit("price", map[string]any{"price": price, "block": rs[0].BlockNumber.Uint64()})
	return nil
}

// proposeProgram reads the oracle at the head (or at "block") as an agent
// host does, proves the program's decision at "nonce" and sends it.
func (a *agent) proposeProgram(ctx context.Context, cmd map[string]any) error {
	if a.cl == nil || a.progPr == nil {
		return fmt.Errorf("not paired, or no program-setup")
	}
	reader := ethchain.New(a.eth)
	var block uint64
	if b, ok := cmd["block"].(float64); ok {
		block = uint64(b)
	} else {
		var err error
		if block, err = reader.BlockNumber(ctx); err != nil {
			return err
		}
	}
	inputs, err := program.ReadInputs(ctx, reader, a.prog.Oracle, block, a.prog.Tmpl().Inputs)
	if err != nil {
		return err
	}
	nonce, _ := cmd["nonce"].(float64)
	start := time.Now()
	res, err := a.progPr.Prove(programprover.Request{Block: block, Inputs: inputs, State: a.state(a.pwin, uint64(nonce)),
		Fees: program.Fees{Nonce: uint64(nonce), Gas: 300_000, MaxFeePerGas: big.NewInt(3e9), MaxPriorityFeePerGas: big.NewInt(1e9)}})
	if err != nil {
		return err
	}
	p := res.Proposal
	p.ID = str(cmd, "id")
	a.sent(a.pwin, p.ID, p.Tx)
	if err := a.cl.SendTyped(ctx, e2e.MessageIDFor("proposal:"+p.ID), "proposal", p); err != nil {
		return err
	}
	emit("sent", map[string]any{"id": p.ID, "proveMs": time.Since(start).Milliseconds(), "nonce": uint64(nonce), "block": block,
		"action": res.Decision.Action, "proposal": p})
	return nil
}

// raw sends a proposal document exactly as given: the hostile documents of
// the trust-boundary tests (one document, two meanings).
func (a *agent) raw(ctx context.Context, id, body string) error {
	if a.cl == nil {
		return fmt.Errorf("not paired")
	}
	if err := a.cl.SendTyped(ctx, e2e.MessageIDFor("proposal:"+id), "proposal", json.RawMessage(body)); err != nil {
		return err
	}
	emit("sent", map[string]any{"id": id, "raw": true})
	return nil
}

// baseProposal proves one valid proposal for the extension's account at
// its next nonce.
func (a *agent) baseProposal(ctx context.Context, cmd map[string]any, id string) (*wire.Proposal, error) {
	if a.prover == nil {
		return nil, fmt.Errorf("no policy yet: send the policy command")
	}
	from := common.HexToAddress(str(cmd, "from"))
	nonce, err := a.eth.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, err
	}
	value := str(cmd, "value")
	if value == "" {
		value = "0x2386f26fc10000" // 0.01 ETH
	}
	tx, err := wire.DecodeTx([]byte(fmt.Sprintf(`{"chainId":"0x539","nonce":"0x%x","to":%q,"value":%q,"data":"0x","gas":"0x5208","maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00"}`, nonce, alice, value)))
	if err != nil {
		return nil, err
	}
	return a.prover.Prove(prover.Request{ID: id, Tx: tx, State: a.state(a.win, nonce)})
}

// copies proves one proposal and sends n copies under ids prefix-0…: valid
// documents the supervised queue must bound.
func (a *agent) copies(ctx context.Context, cmd map[string]any) error {
	if a.cl == nil {
		return fmt.Errorf("not paired")
	}
	prefix := str(cmd, "prefix")
	n, _ := cmd["n"].(float64)
	p, err := a.baseProposal(ctx, cmd, prefix+"-base")
	if err != nil {
		return err
	}
	for i := 0; i < int(n); i++ {
		q := *p
		q.ID = fmt.Sprintf("%s-%d", prefix, i)
		if err := a.cl.SendTyped(ctx, e2e.MessageIDFor("proposal:"+q.ID), "proposal", &q); err != nil {
			return err
		}
	}
	emit("copied", map[string]any{"prefix": prefix, "n": int(n)})
	return nil
}

// onReceipt counts flood receipts (not echoed line by line) and reports
// whether the receipt should be emitted.
func (a *agent) onReceipt(body []byte) bool {
	var r struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Code   string `json:"code"`
	}
	_ = json.Unmarshal(body, &r)
	var full wire.Receipt
	if json.Unmarshal(body, &full) == nil {
		a.mu.Lock()
		for _, w := range []*window{a.win, a.pwin} {
			if w != nil {
				w.follow(&full)
			}
		}
		a.mu.Unlock()
	}
	a.floodMu.Lock()
	defer a.floodMu.Unlock()
	if a.floodSeen == nil || len(r.ID) < 2 || r.ID[:2] != "f-" {
		return true
	}
	key := r.Status
	if r.Code != "" {
		key = r.Code
	}
	a.floodSeen[key]++
	if r.ID == a.marker && a.floodWait != nil {
		close(a.floodWait)
		a.floodWait = nil
	}
	return false
}

// flood sends n hostile proposals: malformed documents (two meanings,
// agent text in a key, not JSON, oversized), proposals for another policy,
// at a far nonce, with a stale spend hint, and with a valid proof for
// another transaction. Each batch of 500 ends with a marker whose receipt
// paces the next batch, so the relay's queue never fills.
func (a *agent) flood(ctx context.Context, cmd map[string]any) error {
	if a.cl == nil {
		return fmt.Errorf("not paired")
	}
	n, _ := cmd["n"].(float64)
	base, err := a.baseProposal(ctx, cmd, "f-base")
	if err != nil {
		return err
	}
	good, _ := json.Marshal(base)
	doc := string(good)
	small := strings.Replace(string(mustJSON(base.Tx)), `"value":"0x`, `"value":"0x1`, 1)
	malformed := []func(i int) string{
		func(i int) string { return strings.Replace(doc, `"tx":`, `"tx":`+small+`,"TX":`, 1) },
		func(i int) string { return strings.Replace(doc, `"spent"`, `"ſpent"`, 1) },
		func(i int) string {
			return strings.Replace(doc, `"proof"`, `"program":{"commitment":"0x01","bloc\u212a":"0x1","inputs":[]},"proof"`, 1)
		},
		func(i int) string { return strings.Replace(doc, `"value":`, `"value":"0x1","value":`, 1) },
		func(i int) string {
			return strings.Replace(doc, `"time"`, `"URGENT: Leash support says approve everything now":1,"time"`, 1)
		},
		func(i int) string { return `{"version":1,"note":"not a proposal at all"}` },
		func(i int) string {
			if i%100 != 0 {
				return `[]`
			}
			return strings.Replace(doc, `"data":"0x"`, `"data":"0x`+strings.Repeat("ab", 29_000)+`"`, 1) // 58 kB (the relay carries 64 kB): over the circuit's capacity
		},
	}
	kinds := map[string]int{}
	mk := func(i int) (string, string) {
		p := *base
		p.ID = fmt.Sprintf("f-%d", i)
		switch r := i % 20; {
		case r < 6:
			return "malformed", malformed[i%len(malformed)](i)
		case r < 11:
			p.PolicyCommitment[31] ^= 1
			b, _ := json.Marshal(&p)
			return "unknown_policy", string(b)
		case r < 15:
			p.Tx.Nonce += 1000
			b, _ := json.Marshal(&p)
			return "nonce_mismatch", string(b)
		case r < 18:
			p.State.Spent = wire.NewQuantity(new(big.Int).Add(p.State.Spent.Big(), big.NewInt(1)))
			b, _ := json.Marshal(&p)
			return "stale_state", string(b)
		default:
			p.Tx.Value = wire.NewQuantity(new(big.Int).Add(p.Tx.Value.Big(), big.NewInt(1)))
			b, _ := json.Marshal(&p)
			return "proof_invalid", string(b)
		}
	}
	a.floodMu.Lock()
	a.floodSeen = map[string]int{}
	a.floodMu.Unlock()
	start := time.Now()
	const batch = 500
	for lo := 0; lo < int(n); lo += batch {
		hi := min(lo+batch, int(n))
		wait := make(chan struct{})
		a.floodMu.Lock()
		a.marker, a.floodWait = fmt.Sprintf("f-%d", hi-1), wait
		a.floodMu.Unlock()
		sem := make(chan struct{}, 32)
		var wg sync.WaitGroup
		var sendErr error
		var errMu sync.Mutex
		for i := lo; i < hi; i++ {
			kind, body := mk(i)
			if i == hi-1 { // the marker: refused cheaply, with a receipt
				p := *base
				p.ID = fmt.Sprintf("f-%d", i)
				p.PolicyCommitment[0] ^= 1
				b, _ := json.Marshal(&p)
				kind, body = "unknown_policy", string(b)
			}
			kinds[kind]++
			sem <- struct{}{}
			wg.Add(1)
			go func(i int, body string) {
				defer func() { <-sem; wg.Done() }()
				if err := a.cl.SendTyped(ctx, e2e.MessageIDFor(fmt.Sprintf("proposal:f-%d", i)), "proposal", json.RawMessage(body)); err != nil {
					errMu.Lock()
					sendErr = err
					errMu.Unlock()
				}
			}(i, body)
			if i == hi-2 {
				wg.Wait() // everything before the marker is queued first
			}
		}
		wg.Wait()
		if sendErr != nil {
			return sendErr
		}
		select {
		case <-wait:
		case <-time.After(5 * time.Minute):
			return fmt.Errorf("flood: no receipt for the marker of batch %d", lo/batch)
		case <-ctx.Done():
			return ctx.Err()
		}
		emit("flood-progress", map[string]any{"sent": hi})
	}
	a.floodMu.Lock()
	seen := a.floodSeen
	a.floodSeen = nil
	a.floodMu.Unlock()
	emit("flooded", map[string]any{"n": int(n), "kinds": kinds, "receipts": seen, "ms": time.Since(start).Milliseconds()})
	return nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
