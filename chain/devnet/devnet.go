package devnet

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/leash-wallet/leash/chain/contracts"
)

// ChainID is the chain id of every devnet.
const ChainID = 1337

// Defaults applied by Start to zero Config fields.
const (
	DefaultAddr     = "127.0.0.1:0"
	DefaultGasLimit = 30_000_000
)

// DefaultBalance is each test account's starting balance: 10,000 ETH.
var DefaultBalance = new(big.Int).Mul(big.NewInt(10_000), big.NewInt(params.Ether))

// Config configures a devnet. The zero value is a working devnet on a free
// loopback port.
type Config struct {
	// Addr is host:port for JSON-RPC over HTTP and WebSocket (both on the
	// same port). Default DefaultAddr; port 0 picks a free port.
	Addr string
	// GasLimit is the gas limit of every block. Default DefaultGasLimit.
	GasLimit uint64
	// Balance is the starting balance of each test account in wei.
	// Default DefaultBalance.
	Balance *big.Int
	// Deploy deploys the standard contracts at start (see
	// contracts.DeployStandard), from account 0, minting tokens to all
	// test accounts.
	Deploy bool
	// CORS lists the origins allowed to call the HTTP and WebSocket RPC.
	// Default ["*"]: the devnet holds no keys and serves only the eth,
	// net and web3 namespaces, and local demo pages call it.
	CORS []string
	// Logger receives the node's own log. Default: discarded.
	Logger *slog.Logger
}

// Devnet is a running in-process go-ethereum dev node.
type Devnet struct {
	stack     *node.Node
	backend   *eth.Ethereum
	miner     *miner
	accounts  []Account
	contracts *contracts.Addresses

	closeOnce sync.Once
	closeErr  error
}

// Start builds and starts a devnet: an ephemeral in-memory chain with id
// ChainID, the NumAccounts test accounts funded, blocks mined on demand as
// soon as a transaction arrives (a transaction must tip at least 1 wei),
// and every historical state kept for eth_call at any block. ctx bounds the
// start only; the devnet runs until Close.
func Start(ctx context.Context, cfg Config) (*Devnet, error) {
	cfg = withDefaults(cfg)
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("devnet: addr %q: %w", cfg.Addr, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil || host == "" {
		return nil, fmt.Errorf("devnet: addr %q: want host:port", cfg.Addr)
	}
	accounts, err := TestAccounts()
	if err != nil {
		return nil, err
	}

	modules := []string{"eth", "net", "web3"}
	nodeCfg := &node.Config{
		Name:                 "leash-devnet",
		DataDir:              "", // in memory
		HTTPHost:             host,
		HTTPPort:             int(port),
		HTTPModules:          modules,
		HTTPCors:             cfg.CORS,
		HTTPVirtualHosts:     []string{"localhost"},
		HTTPTimeouts:         rpc.DefaultHTTPTimeouts,
		WSHost:               host,
		WSPort:               int(port), // same listener as HTTP
		WSModules:            modules,
		WSOrigins:            cfg.CORS,
		BatchRequestLimit:    node.DefaultConfig.BatchRequestLimit,
		BatchResponseMaxSize: node.DefaultConfig.BatchResponseMaxSize,
		HTTPBodyLimit:        node.DefaultConfig.HTTPBodyLimit,
		P2P:                  p2p.Config{NoDiscovery: true, NoDial: true, MaxPeers: 0, ListenAddr: ""},
		Logger:               log.NewLogger(cfg.Logger.Handler()),
	}
	stack, err := node.New(nodeCfg)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	d := &Devnet{stack: stack, accounts: accounts}
	fail := func(err error) (*Devnet, error) {
		_ = d.Close() // stops the miner if it runs, then the node
		return nil, fmt.Errorf("devnet: %w", err)
	}

	genesis := core.DeveloperGenesisBlock(cfg.GasLimit, nil)
	// A real genesis time: at time 0, eth_call and gas estimates against the
	// genesis block see block.timestamp == 0, which no later block has.
	genesis.Timestamp = uint64(time.Now().Unix())
	for _, a := range accounts {
		genesis.Alloc[a.Address] = types.Account{Balance: new(big.Int).Set(cfg.Balance)}
	}
	ethCfg := ethconfig.Defaults
	ethCfg.Genesis = genesis
	ethCfg.NetworkId = ChainID
	ethCfg.SyncMode = ethconfig.FullSync
	ethCfg.NoPruning = true // with the hash scheme: every historical state stays
	ethCfg.StateScheme = rawdb.HashScheme
	ethCfg.Miner.GasPrice = big.NewInt(1) // minimum tip 1 wei: see doc.go
	ethCfg.Miner.GasCeil = cfg.GasLimit
	ethCfg.TxPool.NoLocals = true // the pool's 1 wei price limit applies to all
	ethCfg.TxPool.Journal = ""
	backend, err := eth.New(stack, &ethCfg)
	if err != nil {
		return fail(err)
	}
	d.backend = backend
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})

	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, backend)
	if err != nil {
		return fail(err)
	}
	if err := stack.Start(); err != nil {
		return fail(err)
	}
	// Until the transaction indexer has run once, the node answers receipt
	// queries with "transaction indexing is in progress", and at genesis it
	// does not run: seal one empty block and wait for the indexer.
	beacon.Commit()
	for {
		if p, err := backend.BlockChain().TxIndexProgress(); err == nil && p.Done() {
			break
		}
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
	d.miner = startMiner(beacon, backend) // seals as soon as a transaction arrives

	if cfg.Deploy {
		if _, err := d.Deploy(ctx); err != nil {
			return fail(err)
		}
	}
	return d, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.GasLimit == 0 {
		cfg.GasLimit = DefaultGasLimit
	}
	if cfg.Balance == nil {
		cfg.Balance = DefaultBalance
	}
	if cfg.CORS == nil {
		cfg.CORS = []string{"*"}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// URL is the HTTP JSON-RPC endpoint, e.g. http://127.0.0.1:8545.
func (d *Devnet) URL() string { return d.stack.HTTPEndpoint() }

// WSURL is the WebSocket JSON-RPC endpoint (same port as URL).
func (d *Devnet) WSURL() string { return d.stack.WSEndpoint() }

// Accounts returns the funded test accounts (see TestAccounts).
func (d *Devnet) Accounts() []Account { return d.accounts }

// Contracts returns the standard contracts, if Deploy ran.
func (d *Devnet) Contracts() (contracts.Addresses, bool) {
	if d.contracts == nil {
		return contracts.Addresses{}, false
	}
	return *d.contracts, true
}

// Dial returns a JSON-RPC client over the HTTP endpoint (a real socket).
func (d *Devnet) Dial(ctx context.Context) (*ethclient.Client, error) {
	return ethclient.DialContext(ctx, d.URL())
}

// Deploy deploys the standard contracts (contracts.DeployStandard) from
// account 0 and mints tokens to every test account. Call it at most once.
func (d *Devnet) Deploy(ctx context.Context) (contracts.Addresses, error) {
	if d.contracts != nil {
		return *d.contracts, errors.New("devnet: standard contracts already deployed")
	}
	client, err := d.Dial(ctx)
	if err != nil {
		return contracts.Addresses{}, err
	}
	defer client.Close()
	holders := make([]common.Address, len(d.accounts))
	for i, a := range d.accounts {
		holders[i] = a.Address
	}
	addrs, err := contracts.DeployStandard(ctx, client, d.accounts[0].Key, holders)
	if err != nil {
		return addrs, err
	}
	d.contracts = &addrs
	return addrs, nil
}

// Close stops the node and frees its port. It is safe to call twice.
func (d *Devnet) Close() error {
	d.closeOnce.Do(func() {
		if d.miner != nil {
			d.miner.stop() // before the chain stops under it
		}
		d.closeErr = d.stack.Close()
	})
	return d.closeErr
}

// AdvanceTime seals an empty block whose timestamp is the head's plus d
// (whole seconds, at least one), for tests of time windows. It fails while
// transactions are pending.
func (d *Devnet) AdvanceTime(dur time.Duration) error { return d.miner.advanceTime(dur) }

// Info describes a running devnet; `leash devnet` prints it as JSON.
type Info struct {
	RPC       string               `json:"rpc"`
	WS        string               `json:"ws"`
	ChainID   uint64               `json:"chainId"`
	Mnemonic  string               `json:"mnemonic"`
	Accounts  []InfoAccount        `json:"accounts"`
	Contracts *contracts.Addresses `json:"contracts,omitempty"`
}

// InfoAccount is a test account with its (public, well-known) private key.
type InfoAccount struct {
	Address    common.Address `json:"address"`
	PrivateKey string         `json:"privateKey"`
}

// Info returns the endpoints, accounts and contracts of d.
func (d *Devnet) Info() Info {
	info := Info{RPC: d.URL(), WS: d.WSURL(), ChainID: ChainID, Mnemonic: TestMnemonic, Contracts: d.contracts}
	for _, a := range d.accounts {
		info.Accounts = append(info.Accounts, InfoAccount{
			Address: a.Address, PrivateKey: "0x" + hex.EncodeToString(crypto.FromECDSA(a.Key)),
		})
	}
	return info
}

// Run starts a devnet, calls ready with its Info, and runs until ctx ends
// (the CLI cancels it on SIGINT or SIGTERM); then it closes the node.
func Run(ctx context.Context, cfg Config, ready func(Info)) error {
	start := time.Now()
	d, err := Start(ctx, cfg)
	if err != nil {
		return err
	}
	if cfg.Logger != nil {
		cfg.Logger.Info("devnet ready", "rpc", d.URL(), "took", time.Since(start).Round(time.Millisecond))
	}
	if ready != nil {
		ready(d.Info())
	}
	<-ctx.Done()
	return d.Close()
}
