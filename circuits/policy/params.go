package policy

// Capacities of the universal policy circuit (v2). Changing any of them
// changes the circuit, and so needs a new setup.
const (
	// TargetDepth is the depth of the targets Merkle tree: 1,024 targets.
	TargetDepth = 10
	// CallDepth is the depth of each target's calls tree: 16 calls.
	CallDepth = 4
	// SetDepth is the depth of a oneOf set: 256 addresses.
	SetDepth = 8
	// SetsPerCall is how many oneOf sets one call may use.
	SetsPerCall = 2
	// TokenDepth is the depth of the token-windows tree: 16 tokens.
	TokenDepth = 4
	// Words is the calldata capacity in 32-byte words after the selector:
	// a call's canonical calldata is exactly 4 + 32·k bytes with k ≤ Words.
	Words = 8
	// DataCapacity is the largest calldata the circuit accepts, in bytes.
	DataCapacity = 4 + 32*Words
	// DigestElems is the number of field elements the calldata digest
	// hashes: the length, the selector and the 2·Words half-words.
	DigestElems = 2 + 2*Words

	MaxTargets      = 1 << TargetDepth
	MaxCalls        = 1 << CallDepth
	MaxSetSize      = 1 << SetDepth
	MaxTokenWindows = 1 << TokenDepth

	// ValueBits bounds native value and token amounts, per-transaction and
	// window caps; FeeBits bounds fees and fee caps; TimeBits times;
	// TxCountBits the transaction count; AddressBits addresses.
	ValueBits   = 128
	FeeBits     = 192
	TimeBits    = 64
	TxCountBits = 32
	AddressBits = 160
	// HalfBits is the width of a calldata half-word (a word is hi·2^128+lo).
	HalfBits = 128
	// SetHiBits bounds the high half of an address word (a 160-bit address
	// has 32 bits in the high half).
	SetHiBits = AddressBits - HalfBits

	// MaxWindowTxs bounds window.maxTxs: the signer's ledger keeps one entry
	// per transaction in the window.
	MaxWindowTxs = 1 << 16
)

// Capacities of the typed-data circuit (signature rules).
const (
	// SignatureDepth is the depth of the signature rules tree: 16 rules.
	SignatureDepth = 4
	MaxSignatures  = 1 << SignatureDepth
	// MaxValidityLimit bounds maxValidity (seconds).
	MaxValidityLimit = 1 << 32
	// SigNameShift and SigVersionShift are the bits of a signature leaf's
	// meta element saying the domain's name and version are ruled (bits
	// 0–7 are the deadline mask, one bit per word).
	SigNameShift    = Words
	SigVersionShift = Words + 1
	SigMetaBits     = Words + 2
	// SigDigestElems is the number of elements the struct digest hashes:
	// the name, version and type hash halves, the word count and the
	// 2·Words half-words.
	SigDigestElems = 7 + 2*Words
)

// ValueTransferSelector is the selector value that stands for a plain value
// transfer (empty calldata, "transfer-value"). Real selectors are 32-bit,
// so it cannot clash.
const ValueTransferSelector = uint64(1) << 32

// Per-word rule flags of a call leaf (FlagBits bits per word).
const (
	FlagEq       = 1 << iota // (hi, lo) = (op0, op1)
	FlagSetA                 // hi < 2^32 and hi·2^128+lo is in set A
	FlagSetB                 // … in set B
	FlagRange                // hi = 0 and op1 ≤ lo ≤ op0
	FlagSpend                // hi = 0 and lo counts toward the call's token window
	FlagTokenArg             // hi < 2^32 and hi·2^128+lo is the spend token
	FlagBits     = 6
)

// Spend modes of a call: which token its spend words count toward.
const (
	SpendNone   = 0 // the call spends no token
	SpendTarget = 1 // the call's target (`to`) is the token
	SpendFixed  = 2 // a token named in the policy
	SpendArg    = 3 // the address in the word flagged FlagTokenArg
)

// The call key packs a call's scalar fields into one field element:
// bits 0–32 the selector (or ValueTransferSelector), 33–36 the number of
// words k, 37 programOnly, 38–39 the spend mode, then FlagBits per word.
const (
	KeyWordsShift       = 33
	KeyProgramOnlyShift = 37
	KeySpendShift       = 38
	KeyFlagsShift       = 40
	KeyBits             = KeyFlagsShift + Words*FlagBits
)

// Well-known selectors.
const (
	SelectorTransfer          = uint64(0xa9059cbb) // transfer(address,uint256)
	SelectorApprove           = uint64(0x095ea7b3) // approve(address,uint256)
	SelectorTransferFrom      = uint64(0x23b872dd) // transferFrom(address,address,uint256)
	SelectorSetApprovalForAll = uint64(0xa22cb465) // setApprovalForAll(address,bool)
	SelectorIncreaseAllowance = uint64(0x39509351) // increaseAllowance(address,uint256)
	SelectorPermit            = uint64(0xd505accf) // permit(address,address,uint256,uint256,uint8,bytes32,bytes32)
	SelectorPermitDAI         = uint64(0x8fcbaf0c) // permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)
)
