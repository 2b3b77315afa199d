package demo

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/ethchain"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policycircuit"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/prover/programprover"
	"github.com/leash-wallet/leash/wire"
)

// attacker is the address a compromised agent host would like the
// wallet's assets to go to.
var attacker = common.HexToAddress("0x000000000000000000000000000000000000bad0")

// attacks runs the moves of a compromised agent host that policy v1 let
// through (issue 12), each refused: the swap's output sent to the
// attacker, a policy proof aimed at the program's pool, and a loop of
// no-op transactions that each pay the whole fee cap to the block
// producer until the fee window stops it. (The replayed program decision
// is in the strategy segment.)
//
// With Hold the fee-burning loop is left out: it uses up the day's fee
// window, and the sandbox is for the user's own agent afterwards.
func (t *tour) attacks(ctx context.Context) error {
	s := t.s
	pk, err := programcircuit.ReadProvingKey(s.KeysDir, s.Program.Tmpl())
	if err != nil {
		return err
	}
	pr, err := programprover.New(s.Policy, s.Program, pk)
	if err != nil {
		return err
	}
	ppk, err := policycircuit.ReadProvingKey(s.KeysDir)
	if err != nil {
		return err
	}
	ppr, err := prover.New(s.Policy, ppk)
	if err != nil {
		return err
	}

	// 1. The router-recipient attack: the program's own trade, with the
	// swap's recipient word changed to the attacker.
	res, start, err := t.proveRound(ctx, pr, ethchain.New(s.Eth()), "attack-recipient", nil)
	if err != nil {
		return fmt.Errorf("attacks: the program's trade: %w", err)
	}
	t.say("attacker", "a compromised agent host takes the program's proven swap and sets its recipient to %s", attacker.Hex())
	p := *res.Proposal
	p.Tx.Data = withWord(p.Tx.Data, 3, attacker)
	if err := t.sendExpect(ctx, "swap output to the attacker", &p, ms(time.Since(start)), start, wire.Code("policy_violation:"+policy.RuleArg)); err != nil {
		return err
	}

	// 2. A policy proof aimed at the program's pool: the pool's swap is
	// reserved for program proofs.
	t.say("attacker", "it asks the policy prover for the same swap (to itself) as an ordinary policy proof")
	tx := res.Proposal.Tx
	_, st, err := t.signerState(ctx)
	if err != nil {
		return err
	}
	_, perr := ppr.Prove(prover.Request{ID: "attack-pool", Tx: &tx, State: st})
	t.say("agent-host", "REFUSED %s: %s", wire.CodeOf(perr), wire.MessageOf(perr))
	if wire.CodeOf(perr) != wire.Code("policy_violation:"+policy.RuleProgramOnly) {
		return fmt.Errorf("attacks: proving a policy proof at the pool: %v, expected program_only", perr)
	}
	t.say("attacker", "so it sends the swap without its program claim")
	q := *res.Proposal
	q.ID, q.Program = "attack-pool", nil
	if err := t.sendExpect(ctx, "policy proof at the program's pool", &q, 0, time.Now(), wire.ProgramOnly); err != nil {
		return err
	}

	if t.cfg.Hold {
		t.say("tour", "the fee-burning loop is left out with --hold: it would use up the sandbox's fee window (make demo shows it)")
		return nil
	}

	// 3. Fee burning: no-op transfers of 0 ETH, each paying the whole
	// per-transaction fee cap, with the priority fee equal to the max fee.
	capWei := s.Policy.MaxFeePerTx.Int
	perGas := new(big.Int).Div(&capWei, big.NewInt(21000))
	t.say("attacker", "it sends 0 ETH to Alice again and again, each paying %s in fees (priority fee = max fee)", fmtEth(new(big.Int).Mul(perGas, big.NewInt(21000))))
	burn := func(nonce uint64, fee *big.Int) *wire.Tx {
		return &wire.Tx{ChainID: 1337, Nonce: wire.Uint64(nonce), To: wire.Address(s.Alice), Value: wire.NewQuantity(new(big.Int)),
			Gas: 21000, MaxFeePerGas: wire.NewQuantity(fee), MaxPriorityFeePerGas: wire.NewQuantity(fee)}
	}
	for i := 1; ; i++ {
		nonce, st, err := t.signerState(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		p, err := ppr.Prove(prover.Request{ID: fmt.Sprintf("attack-burn-%d", i), Tx: burn(nonce, perGas), State: st})
		if wire.CodeOf(err) == wire.Code("policy_violation:"+policy.RuleFeeWindow) {
			t.say("agent-host", "REFUSED %s: %s", wire.CodeOf(err), wire.MessageOf(err))
			cheap, err := ppr.Prove(prover.Request{ID: "attack-burn-forged", Tx: burn(nonce, big.NewInt(4e9)), State: st})
			if err != nil {
				return err
			}
			t.say("attacker", "so it proves a cheap one and raises its fees after proving")
			cheap.Tx.MaxFeePerGas, cheap.Tx.MaxPriorityFeePerGas = wire.NewQuantity(perGas), wire.NewQuantity(perGas)
			return t.sendExpect(ctx, "fee burning past the fee window", cheap, 0, time.Now(), wire.Code("policy_violation:"+policy.RuleFeeWindow))
		}
		if err != nil {
			return fmt.Errorf("attacks: burn %d: %w", i, err)
		}
		if i > 50 {
			return fmt.Errorf("attacks: 50 fee burns and no fee window")
		}
		if err := t.sendExpect(ctx, fmt.Sprintf("no-op paying the fee cap #%d", i), p, ms(time.Since(start)), start, ""); err != nil {
			return err
		}
	}
}

// withWord returns calldata with its i-th argument word set to addr.
func withWord(data []byte, i int, addr common.Address) []byte {
	out := append([]byte(nil), data...)
	w := out[4+32*i : 4+32*(i+1)]
	clear(w)
	copy(w[12:], addr[:])
	return out
}
