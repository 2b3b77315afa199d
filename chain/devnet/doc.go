// Package devnet runs Leash's embedded default chain: an in-process
// go-ethereum dev node serving JSON-RPC over HTTP and WebSocket on one
// loopback port.
//
//	d, err := devnet.Start(ctx, devnet.Config{Deploy: true})
//	defer d.Close()
//	client, err := ethclient.Dial(d.URL())
//
// What it guarantees:
//   - Chain id 1337 (ChainID), an ephemeral in-memory chain that starts
//     from genesis every time, with every fork active.
//   - The ten accounts of the public test mnemonic (TestMnemonic,
//     m/44'/60'/0'/0/i, index 0 = 0xf39F…2266) hold 10,000 ETH each at
//     genesis. TestAccounts derives them with a small BIP-32 routine.
//   - A block is sealed as soon as a transaction is executable, and only
//     then: an idle devnet makes no blocks. Transactions that arrive
//     together share a block. A transaction must tip at least 1 wei: the
//     pool refuses less, so nothing can sit in the pool unminable.
//   - Every historical state is kept (no pruning, hash state scheme), so
//     eth_call and eth_getBalance work at any block number.
//   - With Config.Deploy the standard contracts are deployed from account 0
//     (see package contracts); on a fresh devnet their addresses are always
//     the same.
//   - Start returns once the RPC is served and receipts can be queried
//     (it seals one empty block so the transaction indexer runs). Close
//     stops sealing first, then the node, and frees the port; Run does the
//     same when its context ends (SIGINT/SIGTERM in the CLI).
//
// Block timestamps are the wall clock in whole seconds but strictly
// increasing, so several blocks in one second run ahead of the clock;
// AdvanceTime moves chain time forward for good.
//
// Security notes: the devnet holds no keys and serves only the eth, net and
// web3 namespaces; CORS defaults to "*" so local demo pages can call it.
// Its accounts' keys are public: it is a test chain, never for value. Bind
// it to loopback (the default).
package devnet
