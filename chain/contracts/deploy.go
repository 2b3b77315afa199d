package contracts

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// The standard deployment (DeployStandard). Token amounts are in base units
// (dUSD and dETH have 18 decimals, dUSDC has USDCDecimals); the oracle
// answer has OracleDecimals.
const (
	USDName, USDSymbol = "Devnet USD", "dUSD"
	ETHName, ETHSymbol = "Devnet Ether", "dETH"
	TokenDecimals      = 18
	// USDCName and USDCVersion are dUSDC's EIP-712 domain name and version
	// (what an x402 payment requirement's extra.name and extra.version say).
	USDCName, USDCSymbol = "Devnet USD Coin", "dUSDC"
	USDCVersion          = "2"
	USDCDecimals         = 6
	OracleDecimals       = 8
	OracleDescription    = "dETH / dUSD"
)

var (
	// OracleInitialAnswer is the price of round 1: 3,000 dUSD per dETH.
	OracleInitialAnswer = new(big.Int).Mul(big.NewInt(3000), pow10(OracleDecimals))
	// HolderUSD and HolderETH are minted to every holder.
	HolderUSD = tokens(1_000_000)
	HolderETH = tokens(1_000)
	// PoolUSD and PoolETH seed the pool (minted to the deployer on top),
	// at the oracle's initial price.
	PoolUSD = tokens(300_000)
	PoolETH = tokens(100)
	// HolderUSDC is minted to every holder: 1,000,000 dUSDC.
	HolderUSDC = new(big.Int).Mul(big.NewInt(1_000_000), pow10(USDCDecimals))
)

func pow10(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), pow10(TokenDecimals)) }

// Addresses are the contracts of the standard deployment.
type Addresses struct {
	Registry common.Address `json:"registry"` // PolicyRegistry
	USD      common.Address `json:"usd"`      // TestToken dUSD
	ETH      common.Address `json:"eth"`      // TestToken dETH
	Oracle   common.Address `json:"oracle"`   // PriceOracle dETH / dUSD
	Pool     common.Address `json:"pool"`     // SwapPool, token0 = dETH, token1 = dUSD
	USDC     common.Address `json:"usdc"`     // TestUSDC dUSDC (EIP-3009, EIP-2612)
}

// StandardAddresses are the addresses DeployStandard gives its contracts
// when deployer's next nonce is firstNonce (0 on a fresh devnet).
func StandardAddresses(deployer common.Address, firstNonce uint64) Addresses {
	at := func(i uint64) common.Address { return crypto.CreateAddress(deployer, firstNonce+i) }
	return Addresses{Registry: at(0), USD: at(1), ETH: at(2), Oracle: at(3), Pool: at(4), USDC: at(5)}
}

// DeployStandard deploys the PolicyRegistry, two TestTokens (dUSD, dETH), a
// PriceOracle for dETH/dUSD at OracleInitialAnswer, a SwapPool between
// dETH and dUSD and the USDC-like TestUSDC (dUSDC), all from deployer's
// account. It mints HolderUSD, HolderETH and HolderUSDC to each holder and
// seeds the pool with PoolETH and PoolUSD.
// It returns once everything is mined. The addresses depend only on the
// deployer and its nonce, so on a fresh devnet they are always the same.
func DeployStandard(ctx context.Context, rpc *ethclient.Client, deployer *ecdsa.PrivateKey, holders []common.Address) (Addresses, error) {
	var a Addresses
	s, err := NewSender(ctx, rpc, deployer)
	if err != nil {
		return a, err
	}
	token, oracle, pool, usdc := NewTestToken(), NewPriceOracle(), NewSwapPool(), NewTestUSDC()

	// 1. Creations. Each address follows from the nonce, so the pool can
	// name its tokens before they are mined.
	a = StandardAddresses(s.From, s.Nonce())
	var txs []*types.Transaction
	create := func(dst *common.Address, meta string, args []byte) error {
		if want := crypto.CreateAddress(s.From, s.Nonce()); want != *dst {
			return fmt.Errorf("deploy: nonce moved: next contract at %s, not %s", want, *dst)
		}
		code, err := hexutil.Decode(meta)
		if err != nil {
			return err
		}
		tx, err := s.Send(ctx, nil, nil, append(code, args...))
		if err != nil {
			return fmt.Errorf("deploy: %w", err)
		}
		txs = append(txs, tx)
		return nil
	}
	steps := []struct {
		dst  *common.Address
		bin  string
		args func() []byte
	}{
		{&a.Registry, PolicyRegistryMetaData.Bin, func() []byte { return nil }},
		{&a.USD, TestTokenMetaData.Bin, func() []byte { return token.PackConstructor(USDName, USDSymbol, TokenDecimals) }},
		{&a.ETH, TestTokenMetaData.Bin, func() []byte { return token.PackConstructor(ETHName, ETHSymbol, TokenDecimals) }},
		{&a.Oracle, PriceOracleMetaData.Bin, func() []byte {
			return oracle.PackConstructor(OracleDecimals, OracleDescription, OracleInitialAnswer)
		}},
		{&a.Pool, SwapPoolMetaData.Bin, func() []byte { return pool.PackConstructor(a.ETH, a.USD) }},
		{&a.USDC, TestUSDCMetaData.Bin, func() []byte { return usdc.PackConstructor(USDCName, USDCSymbol) }},
	}
	for _, st := range steps {
		if err := create(st.dst, st.bin, st.args()); err != nil {
			return a, err
		}
	}
	if err := wait(ctx, rpc, txs); err != nil {
		return a, err
	}
	for _, addr := range []common.Address{a.Registry, a.USD, a.ETH, a.Oracle, a.Pool, a.USDC} {
		code, err := rpc.CodeAt(ctx, addr, nil)
		if err != nil {
			return a, fmt.Errorf("eth_getCode: %w", err)
		}
		if len(code) == 0 {
			return a, fmt.Errorf("deploy: no code at %s after deployment", addr)
		}
	}

	// 2. Mints and the pool's allowances (independent of each other).
	txs = txs[:0]
	call := func(to common.Address, data []byte) error {
		tx, err := s.Send(ctx, &to, nil, data)
		if err != nil {
			return err
		}
		txs = append(txs, tx)
		return nil
	}
	for _, h := range holders {
		if err := call(a.USD, token.PackMint(h, HolderUSD)); err != nil {
			return a, err
		}
		if err := call(a.ETH, token.PackMint(h, HolderETH)); err != nil {
			return a, err
		}
		if err := call(a.USDC, usdc.PackMint(h, HolderUSDC)); err != nil {
			return a, err
		}
	}
	seeds := []struct {
		token  common.Address
		amount *big.Int
	}{{a.USD, PoolUSD}, {a.ETH, PoolETH}}
	for _, seed := range seeds {
		if err := call(seed.token, token.PackMint(s.From, seed.amount)); err != nil {
			return a, err
		}
		if err := call(seed.token, token.PackApprove(a.Pool, seed.amount)); err != nil {
			return a, err
		}
	}
	if err := wait(ctx, rpc, txs); err != nil {
		return a, err
	}

	// 3. Seed the pool.
	txs = txs[:0]
	if err := call(a.Pool, pool.PackAddLiquidity(PoolETH, PoolUSD)); err != nil {
		return a, err
	}
	return a, wait(ctx, rpc, txs)
}

func wait(ctx context.Context, rpc *ethclient.Client, txs []*types.Transaction) error {
	if _, err := WaitMined(ctx, rpc, txs...); err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	return nil
}
