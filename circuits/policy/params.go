package policy

// Capacities of the universal policy circuit (v1). Changing any of them
// changes the circuit, and so needs a new setup.
const (
	// TargetDepth is the depth of the targets Merkle tree: 1,024 targets.
	TargetDepth = 10
	// SelectorDepth is the depth of each target's selector tree: 16 entries
	// (function selectors, plus one for plain value transfers).
	SelectorDepth = 4
	// RecipientDepth is the depth of each ERC-20 token's recipients/spenders
	// tree: 256 entries.
	RecipientDepth = 8
	// DataChunks is the number of 31-byte field elements of calldata the
	// circuit reads.
	DataChunks = 9
	// DataCapacity is the largest calldata the circuit accepts, in bytes:
	// 279 = 9 × 31, which holds a selector and eight 32-byte words (4+32×8)
	// with 19 bytes to spare.
	DataCapacity = DataChunks * ChunkBytes
	// ChunkBytes is the number of calldata bytes packed into one field element.
	ChunkBytes = 31

	MaxTargets    = 1 << TargetDepth
	MaxSelectors  = 1 << SelectorDepth
	MaxRecipients = 1 << RecipientDepth

	// ValueBits bounds per-transaction, window and token caps (and so every
	// value they are compared with). FeeBits bounds the fee cap.
	ValueBits = 128
	FeeBits   = 192
	TimeBits  = 64
)

// ValueTransferSelector is the selector value that stands for a plain value
// transfer (empty calldata). Real selectors are 32-bit, so it cannot clash.
const ValueTransferSelector = uint64(1) << 32

// Well-known ERC-20 selectors that carry the amount and recipient rules.
const (
	SelectorTransfer = uint64(0xa9059cbb) // transfer(address,uint256)
	SelectorApprove  = uint64(0x095ea7b3) // approve(address,uint256)
)

// ERC-20 argument kinds in a token's recipients tree.
const (
	KindRecipient = 1
	KindSpender   = 2
)
