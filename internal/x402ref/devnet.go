package x402ref

import (
	"context"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/devnet"
)

// FacilitatorAccount is the devnet account whose key the reference
// facilitator uses on a devnet: it pays the settlements' gas.
const FacilitatorAccount = 9

// StartOnDevnet starts the reference server against dn (deployed with
// the standard contracts): cfg's zero RPC, Asset, FacilitatorKey, Name and
// Version become the devnet's URL, its dUSDC (TestUSDC), the key of
// account FacilitatorAccount and dUSDC's EIP-712 domain. Root, PayTo and
// Price stay the caller's.
func StartOnDevnet(ctx context.Context, dn *devnet.Devnet, cfg Config) (*Server, error) {
	addrs, ok := dn.Contracts()
	if !ok {
		return nil, errors.New("x402ref: the devnet has no contracts (devnet.Config.Deploy)")
	}
	if cfg.RPC == "" {
		cfg.RPC = dn.URL()
	}
	if cfg.Asset == (common.Address{}) {
		cfg.Asset = addrs.USDC
	}
	if cfg.FacilitatorKey == nil {
		cfg.FacilitatorKey = ethcrypto.FromECDSA(dn.Accounts()[FacilitatorAccount].Key)
	}
	if cfg.Name == "" {
		cfg.Name = contracts.USDCName
	}
	if cfg.Version == "" {
		cfg.Version = contracts.USDCVersion
	}
	return Start(ctx, cfg)
}

// Balance is holder's balance of the ERC-20 token (balanceOf), read with
// an eth_call at the latest block.
func Balance(ctx context.Context, c ethereum.ContractCaller, token, holder common.Address) (*big.Int, error) {
	tok := contracts.NewTestUSDC()
	out, err := c.CallContract(ctx, ethereum.CallMsg{To: &token, Data: tok.PackBalanceOf(holder)}, nil)
	if err != nil {
		return nil, err
	}
	return tok.UnpackBalanceOf(out)
}
