package signer

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/leash-wallet/leash/wire"
)

// KeyProgramBlocks is the storage key of the last block signed per program.
const KeyProgramBlocks = "program-blocks"

// MaxProgramBlocks bounds the programs whose last block is remembered.
// Programs that are pinned are always kept; beyond the bound, the entries
// of unpinned programs with the oldest blocks are dropped first (an old
// block is refused by the block-age check anyway).
const MaxProgramBlocks = 4 * MaxPrograms

type programBlocksJSON struct {
	Version int             `json:"version"`
	Last    []lastBlockJSON `json:"last"`
}

type lastBlockJSON struct {
	Program wire.Hash32 `json:"program"`
	Block   wire.Uint64 `json:"block"`
}

// decodeProgramBlocks strictly decodes the stored last blocks.
func decodeProgramBlocks(raw []byte) (map[wire.Hash32]uint64, error) {
	var pj programBlocksJSON
	if err := wire.DecodeStrict(raw, &pj, "program blocks"); err != nil {
		return nil, err
	}
	if pj.Version != 1 {
		return nil, wire.Errorf(wire.Malformed, "program blocks: version %d is not supported", pj.Version)
	}
	if len(pj.Last) > MaxProgramBlocks {
		return nil, wire.Errorf(wire.Malformed, "program blocks: %d entries, at most %d", len(pj.Last), MaxProgramBlocks)
	}
	out := make(map[wire.Hash32]uint64, len(pj.Last))
	for _, e := range pj.Last {
		if _, dup := out[e.Program]; dup {
			return nil, wire.Errorf(wire.Malformed, "program blocks: program %s listed twice", e.Program)
		}
		out[e.Program] = uint64(e.Block)
	}
	return out, nil
}

// useBlock makes a program decision single-use (issue 12, attack 3): the
// decision's block must be newer than the last block the signer signed a
// decision of that program at, or it is program_replay. The new last
// block is stored before the caller signs, under one lock, so concurrent
// proposals at the same block cannot both pass. release puts the old
// value back when nothing ends up signed (a refused reservation, a vault
// locked in between).
func (s *Signer) useBlock(ctx context.Context, program wire.Hash32, block uint64) (release func(), err error) {
	s.blocksMu.Lock()
	defer s.blocksMu.Unlock()
	last, had := s.lastBlocks[program]
	if had && block <= last {
		return nil, wire.Errorf(wire.ProgramReplay, "program %s already had a decision signed at block %d; a decision at block %d is not newer (each decision is used once)", program, last, block)
	}
	s.lastBlocks[program] = block
	if err := s.persistBlocks(ctx); err != nil {
		s.restoreBlock(program, last, had)
		return nil, err
	}
	return func() {
		s.blocksMu.Lock()
		defer s.blocksMu.Unlock()
		if s.lastBlocks[program] == block {
			s.restoreBlock(program, last, had)
			_ = s.persistBlocks(ctx) // at worst the stored block stays newer: more conservative
		}
	}, nil
}

func (s *Signer) restoreBlock(program wire.Hash32, last uint64, had bool) {
	if had {
		s.lastBlocks[program] = last
	} else {
		delete(s.lastBlocks, program)
	}
}

// persistBlocks stores the last blocks, dropping beyond MaxProgramBlocks
// the oldest entries of programs no longer pinned. s.blocksMu is held.
func (s *Signer) persistBlocks(ctx context.Context) error {
	if len(s.lastBlocks) > MaxProgramBlocks {
		s.mu.Lock()
		var unpinned []wire.Hash32
		for c := range s.lastBlocks {
			if s.programs[c] == nil {
				unpinned = append(unpinned, c)
			}
		}
		s.mu.Unlock()
		sort.Slice(unpinned, func(i, j int) bool { return s.lastBlocks[unpinned[i]] < s.lastBlocks[unpinned[j]] })
		for _, c := range unpinned[:min(len(unpinned), len(s.lastBlocks)-MaxProgramBlocks)] {
			delete(s.lastBlocks, c)
		}
	}
	pj := programBlocksJSON{Version: 1, Last: make([]lastBlockJSON, 0, len(s.lastBlocks))}
	for c, b := range s.lastBlocks {
		pj.Last = append(pj.Last, lastBlockJSON{Program: c, Block: wire.Uint64(b)})
	}
	sort.Slice(pj.Last, func(i, j int) bool { return pj.Last[i].Program.Hex() < pj.Last[j].Program.Hex() })
	raw, err := json.Marshal(pj)
	if err != nil {
		return wire.Errorf(wire.Internal, "program blocks: %v", err)
	}
	if err := s.put(ctx, KeyProgramBlocks, raw); err != nil {
		return storeErr("write program blocks", err)
	}
	return nil
}

// lastBlock is the last block a decision of program was signed at (0, false
// when none).
func (s *Signer) lastBlock(program wire.Hash32) (uint64, bool) {
	s.blocksMu.Lock()
	defer s.blocksMu.Unlock()
	b, ok := s.lastBlocks[program]
	return b, ok
}
