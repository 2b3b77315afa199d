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
//	{"cmd":"fund","to":"0x…","value":"0x…"}          send ETH from a devnet account
//	{"cmd":"balance","address":"0x…"}
//	{"cmd":"quit"}
//
// The agent follows the extension's window itself (policy v2): every
// proposal it sends counts as in flight until its receipt; a signed one
// joins its copy of the window, and a receipt that carries the signer's
// state (stale_state, nonce_mismatch) replaces it.
//
// Events: ready {vk, vkHash}, policy {policy, commitment}, hello
// {fingerprint}, paired, sent {id, proveMs}, receipt {body}, funded,
// balance, error {message}.
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
	"sync"
	"time"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/logger"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover"
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

type agent struct {
	rpc    string
	eth    *ethclient.Client
	pk     *groth16.ProvingKey
	tpk    *groth16.ProvingKey // the typed-data circuit's
	pol    *policy.Policy
	prover *prover.Prover
	cl     *client.Client

	mu       sync.Mutex
	win      *wire.State         // the extension's window, as the agent last learned it
	inflight map[string]*wire.Tx // proposals sent, no final receipt yet
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
	a := &agent{rpc: rpc, eth: eth, pk: pk, tpk: tpk, win: &wire.State{}, inflight: map[string]*wire.Tx{}}
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
	a.pol, a.prover = pol, pr
	a.mu.Unlock()
	emit("policy", map[string]any{"policy": doc, "commitment": pol.Commitment().Hex()})
	return nil
}

// onReceipt follows the extension's window from its receipts.
func (a *agent) onReceipt(body []byte) {
	var r wire.Receipt
	if json.Unmarshal(body, &r) != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	tx, ok := a.inflight[r.ID]
	if !ok {
		return
	}
	switch r.Status {
	case wire.StatusSigned, wire.StatusMined:
		a.pol.Count(a.win, tx)
		delete(a.inflight, r.ID)
	case wire.StatusRejected:
		if r.State != nil {
			a.pol.TakeHint(a.win, tx, r.State)
		}
		delete(a.inflight, r.ID)
	}
}

// state is the window to prove a transaction at nonce against: the last
// known window plus every proposal in flight below that nonce.
func (a *agent) state(nonce uint64) *wire.State {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.win.Clone()
	for _, tx := range a.inflight {
		if uint64(tx.Nonce) < nonce {
			a.pol.Count(st, tx)
		}
	}
	st.Time = uint64(time.Now().Unix())
	return st
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
	case "fund":
		return a.fund(ctx, str(cmd, "to"), str(cmd, "value"))
	case "balance":
		b, err := a.eth.BalanceAt(ctx, common.HexToAddress(str(cmd, "address")), nil)
		if err != nil {
			return err
		}
		emit("balance", map[string]any{"address": str(cmd, "address"), "wei": b.String()})
		return nil
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
			if m.Kind == "receipt" {
				a.onReceipt(m.Body)
			}
			emit("receipt", map[string]any{"kind": m.Kind, "body": json.RawMessage(m.Body)})
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
	p, err := a.prover.Prove(prover.Request{ID: str(cmd, "id"), Tx: tx, State: a.state(nonce)})
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
	a.mu.Lock()
	sent := p.Tx
	a.inflight[p.ID] = &sent
	a.mu.Unlock()
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
