// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// PolicyRegistryMetaData contains all meta data concerning the PolicyRegistry contract.
var PolicyRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"name\":\"NothingToRevoke\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroCommitment\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"}],\"name\":\"Committed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"}],\"name\":\"Revoked\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"}],\"name\":\"commit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"commitmentOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"revoked\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"revoke\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "PolicyRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b5061022f8061001c5f395ff3fe608060405234801561000f575f5ffd5b506004361061003f575f3560e01c8063b6549f7514610043578063e3ce094d1461004d578063f662b88114610060575b5f5ffd5b61004b6100bc565b005b61004b61005b3660046101d5565b610138565b61009b61006e3660046101f5565b6001600160a01b03165f90815260208190526040902080546001820154600290920154909260ff90911690565b60408051938452602084019290925215159082015260600160405180910390f35b335f908152602081905260409020805415806100dc5750600281015460ff165b156100fa5760405163200c44cf60e21b815260040160405180910390fd5b60028101805460ff19166001179055805460405133907f6e70be4be1a4aebd688b5523bd8b6278acac3963d71ebf2bd5ea50757047664b905f90a350565b81610156576040516351bda03d60e01b815260040160405180910390fd5b6040805160608101825283815260208082018481525f8385018181523380835282855291869020945185559151600185015590516002909301805460ff191693151593909317909255915183815284927fd4cebf902bc5a93f89fc70c15dca1327ca93c452fecfcdf8756a39ffbb61c04e910160405180910390a35050565b5f5f604083850312156101e6575f5ffd5b50508035926020909101359150565b5f60208284031215610205575f5ffd5b81356001600160a01b038116811461021b575f5ffd5b939250505056fea164736f6c6343000824000a",
}

// PolicyRegistry is an auto generated Go binding around an Ethereum contract.
type PolicyRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *PolicyRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewPolicyRegistry creates a new instance of PolicyRegistry.
func NewPolicyRegistry() *PolicyRegistry {
	parsed, err := PolicyRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &PolicyRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *PolicyRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackCommit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe3ce094d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function commit(bytes32 commitment, bytes32 vkHash) returns()
func (policyRegistry *PolicyRegistry) PackCommit(commitment [32]byte, vkHash [32]byte) []byte {
	enc, err := policyRegistry.abi.Pack("commit", commitment, vkHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCommit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe3ce094d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function commit(bytes32 commitment, bytes32 vkHash) returns()
func (policyRegistry *PolicyRegistry) TryPackCommit(commitment [32]byte, vkHash [32]byte) ([]byte, error) {
	return policyRegistry.abi.Pack("commit", commitment, vkHash)
}

// PackCommitmentOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf662b881.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function commitmentOf(address account) view returns(bytes32 commitment, bytes32 vkHash, bool revoked)
func (policyRegistry *PolicyRegistry) PackCommitmentOf(account common.Address) []byte {
	enc, err := policyRegistry.abi.Pack("commitmentOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCommitmentOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf662b881.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function commitmentOf(address account) view returns(bytes32 commitment, bytes32 vkHash, bool revoked)
func (policyRegistry *PolicyRegistry) TryPackCommitmentOf(account common.Address) ([]byte, error) {
	return policyRegistry.abi.Pack("commitmentOf", account)
}

// CommitmentOfOutput serves as a container for the return parameters of contract
// method CommitmentOf.
type CommitmentOfOutput struct {
	Commitment [32]byte
	VkHash     [32]byte
	Revoked    bool
}

// UnpackCommitmentOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf662b881.
//
// Solidity: function commitmentOf(address account) view returns(bytes32 commitment, bytes32 vkHash, bool revoked)
func (policyRegistry *PolicyRegistry) UnpackCommitmentOf(data []byte) (CommitmentOfOutput, error) {
	out, err := policyRegistry.abi.Unpack("commitmentOf", data)
	outstruct := new(CommitmentOfOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Commitment = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.VkHash = *abi.ConvertType(out[1], new([32]byte)).(*[32]byte)
	outstruct.Revoked = *abi.ConvertType(out[2], new(bool)).(*bool)
	return *outstruct, nil
}

// PackRevoke is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6549f75.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revoke() returns()
func (policyRegistry *PolicyRegistry) PackRevoke() []byte {
	enc, err := policyRegistry.abi.Pack("revoke")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevoke is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6549f75.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revoke() returns()
func (policyRegistry *PolicyRegistry) TryPackRevoke() ([]byte, error) {
	return policyRegistry.abi.Pack("revoke")
}

// PolicyRegistryCommitted represents a Committed event raised by the PolicyRegistry contract.
type PolicyRegistryCommitted struct {
	Account    common.Address
	Commitment [32]byte
	VkHash     [32]byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const PolicyRegistryCommittedEventName = "Committed"

// ContractEventName returns the user-defined event name.
func (PolicyRegistryCommitted) ContractEventName() string {
	return PolicyRegistryCommittedEventName
}

// UnpackCommittedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Committed(address indexed account, bytes32 indexed commitment, bytes32 vkHash)
func (policyRegistry *PolicyRegistry) UnpackCommittedEvent(log *types.Log) (*PolicyRegistryCommitted, error) {
	event := "Committed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != policyRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PolicyRegistryCommitted)
	if len(log.Data) > 0 {
		if err := policyRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range policyRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// PolicyRegistryRevoked represents a Revoked event raised by the PolicyRegistry contract.
type PolicyRegistryRevoked struct {
	Account    common.Address
	Commitment [32]byte
	Raw        *types.Log // Blockchain specific contextual infos
}

const PolicyRegistryRevokedEventName = "Revoked"

// ContractEventName returns the user-defined event name.
func (PolicyRegistryRevoked) ContractEventName() string {
	return PolicyRegistryRevokedEventName
}

// UnpackRevokedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Revoked(address indexed account, bytes32 indexed commitment)
func (policyRegistry *PolicyRegistry) UnpackRevokedEvent(log *types.Log) (*PolicyRegistryRevoked, error) {
	event := "Revoked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != policyRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PolicyRegistryRevoked)
	if len(log.Data) > 0 {
		if err := policyRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range policyRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (policyRegistry *PolicyRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], policyRegistry.abi.Errors["NothingToRevoke"].ID.Bytes()[:4]) {
		return policyRegistry.UnpackNothingToRevokeError(raw[4:])
	}
	if bytes.Equal(raw[:4], policyRegistry.abi.Errors["ZeroCommitment"].ID.Bytes()[:4]) {
		return policyRegistry.UnpackZeroCommitmentError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// PolicyRegistryNothingToRevoke represents a NothingToRevoke error raised by the PolicyRegistry contract.
type PolicyRegistryNothingToRevoke struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToRevoke()
func PolicyRegistryNothingToRevokeErrorID() common.Hash {
	return common.HexToHash("0x8031133c3315cdfa8c3bdb14fd2d17003372b485978802bb1f4e72875d59a534")
}

// UnpackNothingToRevokeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToRevoke()
func (policyRegistry *PolicyRegistry) UnpackNothingToRevokeError(raw []byte) (*PolicyRegistryNothingToRevoke, error) {
	out := new(PolicyRegistryNothingToRevoke)
	if err := policyRegistry.abi.UnpackIntoInterface(out, "NothingToRevoke", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PolicyRegistryZeroCommitment represents a ZeroCommitment error raised by the PolicyRegistry contract.
type PolicyRegistryZeroCommitment struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroCommitment()
func PolicyRegistryZeroCommitmentErrorID() common.Hash {
	return common.HexToHash("0x51bda03d1e0501533d78503e1e2347a46f6e975ed444a037dc6bdaed4bd98c29")
}

// UnpackZeroCommitmentError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroCommitment()
func (policyRegistry *PolicyRegistry) UnpackZeroCommitmentError(raw []byte) (*PolicyRegistryZeroCommitment, error) {
	out := new(PolicyRegistryZeroCommitment)
	if err := policyRegistry.abi.UnpackIntoInterface(out, "ZeroCommitment", raw); err != nil {
		return nil, err
	}
	return out, nil
}
