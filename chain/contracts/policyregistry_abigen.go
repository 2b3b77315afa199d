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
	ABI: "[{\"inputs\":[],\"name\":\"NothingToRevoke\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroCommitment\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroVKHash\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"}],\"name\":\"Committed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"program\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"}],\"name\":\"ProgramPublished\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"program\",\"type\":\"bytes32\"}],\"name\":\"ProgramRevoked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"}],\"name\":\"Revoked\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"}],\"name\":\"commit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"commitmentOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"commitment\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"revoked\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"program\",\"type\":\"bytes32\"}],\"name\":\"programOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"revoked\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"program\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"vkHash\",\"type\":\"bytes32\"}],\"name\":\"publishProgram\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"revoke\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"program\",\"type\":\"bytes32\"}],\"name\":\"revokeProgram\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "PolicyRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b506104718061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610060575f3560e01c8063280767d914610064578063b6549f7514610079578063e3ce094d14610081578063e96b4f0114610094578063eeeaa8f7146100ee578063f662b88114610101575b5f5ffd5b6100776100723660046103ca565b610159565b005b6100776101e2565b61007761008f3660046103e1565b61025e565b6100d46100a236600461041c565b6001600160a01b0382165f908152600160208181526040808420858552909152909120805491015460ff169250929050565b604080519283529015156020830152015b60405180910390f35b6100776100fc3660046103e1565b61031a565b61013c61010f366004610444565b6001600160a01b03165f90815260208190526040902080546001820154600290920154909260ff90911690565b6040805193845260208401929092521515908201526060016100e5565b335f9081526001602090815260408083208484529091529020805415806101845750600181015460ff165b156101a25760405163200c44cf60e21b815260040160405180910390fd5b6001818101805460ff19169091179055604051829033907f1b320a66cf35dfd8e98d2f9ed638f933538d32cb2d60efac9ea4467609301d37905f90a35050565b335f908152602081905260409020805415806102025750600281015460ff165b156102205760405163200c44cf60e21b815260040160405180910390fd5b60028101805460ff19166001179055805460405133907f6e70be4be1a4aebd688b5523bd8b6278acac3963d71ebf2bd5ea50757047664b905f90a350565b8161027c576040516351bda03d60e01b815260040160405180910390fd5b8061029a576040516326a6bfa160e21b815260040160405180910390fd5b6040805160608101825283815260208082018481525f8385018181523380835282855291869020945185559151600185015590516002909301805460ff191693151593909317909255915183815284927fd4cebf902bc5a93f89fc70c15dca1327ca93c452fecfcdf8756a39ffbb61c04e91015b60405180910390a35050565b81610338576040516351bda03d60e01b815260040160405180910390fd5b80610356576040516326a6bfa160e21b815260040160405180910390fd5b6040805180820182528281525f602080830182815233808452600180845286852089865284529386902094518555905193909201805460ff19169315159390931790925591518381528492917f08626a5f164067fee93d39fc2899aff72bee3d090f0e10eb0051ce1e7281acc9910161030e565b5f602082840312156103da575f5ffd5b5035919050565b5f5f604083850312156103f2575f5ffd5b50508035926020909101359150565b80356001600160a01b0381168114610417575f5ffd5b919050565b5f5f6040838503121561042d575f5ffd5b61043683610401565b946020939093013593505050565b5f60208284031215610454575f5ffd5b61045d82610401565b939250505056fea164736f6c6343000824000a",
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

// PackProgramOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe96b4f01.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function programOf(address account, bytes32 program) view returns(bytes32 vkHash, bool revoked)
func (policyRegistry *PolicyRegistry) PackProgramOf(account common.Address, program [32]byte) []byte {
	enc, err := policyRegistry.abi.Pack("programOf", account, program)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProgramOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe96b4f01.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function programOf(address account, bytes32 program) view returns(bytes32 vkHash, bool revoked)
func (policyRegistry *PolicyRegistry) TryPackProgramOf(account common.Address, program [32]byte) ([]byte, error) {
	return policyRegistry.abi.Pack("programOf", account, program)
}

// ProgramOfOutput serves as a container for the return parameters of contract
// method ProgramOf.
type ProgramOfOutput struct {
	VkHash  [32]byte
	Revoked bool
}

// UnpackProgramOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe96b4f01.
//
// Solidity: function programOf(address account, bytes32 program) view returns(bytes32 vkHash, bool revoked)
func (policyRegistry *PolicyRegistry) UnpackProgramOf(data []byte) (ProgramOfOutput, error) {
	out, err := policyRegistry.abi.Unpack("programOf", data)
	outstruct := new(ProgramOfOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.VkHash = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.Revoked = *abi.ConvertType(out[1], new(bool)).(*bool)
	return *outstruct, nil
}

// PackPublishProgram is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeeeaa8f7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function publishProgram(bytes32 program, bytes32 vkHash) returns()
func (policyRegistry *PolicyRegistry) PackPublishProgram(program [32]byte, vkHash [32]byte) []byte {
	enc, err := policyRegistry.abi.Pack("publishProgram", program, vkHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPublishProgram is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeeeaa8f7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function publishProgram(bytes32 program, bytes32 vkHash) returns()
func (policyRegistry *PolicyRegistry) TryPackPublishProgram(program [32]byte, vkHash [32]byte) ([]byte, error) {
	return policyRegistry.abi.Pack("publishProgram", program, vkHash)
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

// PackRevokeProgram is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x280767d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeProgram(bytes32 program) returns()
func (policyRegistry *PolicyRegistry) PackRevokeProgram(program [32]byte) []byte {
	enc, err := policyRegistry.abi.Pack("revokeProgram", program)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeProgram is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x280767d9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeProgram(bytes32 program) returns()
func (policyRegistry *PolicyRegistry) TryPackRevokeProgram(program [32]byte) ([]byte, error) {
	return policyRegistry.abi.Pack("revokeProgram", program)
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

// PolicyRegistryProgramPublished represents a ProgramPublished event raised by the PolicyRegistry contract.
type PolicyRegistryProgramPublished struct {
	Account common.Address
	Program [32]byte
	VkHash  [32]byte
	Raw     *types.Log // Blockchain specific contextual infos
}

const PolicyRegistryProgramPublishedEventName = "ProgramPublished"

// ContractEventName returns the user-defined event name.
func (PolicyRegistryProgramPublished) ContractEventName() string {
	return PolicyRegistryProgramPublishedEventName
}

// UnpackProgramPublishedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProgramPublished(address indexed account, bytes32 indexed program, bytes32 vkHash)
func (policyRegistry *PolicyRegistry) UnpackProgramPublishedEvent(log *types.Log) (*PolicyRegistryProgramPublished, error) {
	event := "ProgramPublished"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != policyRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PolicyRegistryProgramPublished)
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

// PolicyRegistryProgramRevoked represents a ProgramRevoked event raised by the PolicyRegistry contract.
type PolicyRegistryProgramRevoked struct {
	Account common.Address
	Program [32]byte
	Raw     *types.Log // Blockchain specific contextual infos
}

const PolicyRegistryProgramRevokedEventName = "ProgramRevoked"

// ContractEventName returns the user-defined event name.
func (PolicyRegistryProgramRevoked) ContractEventName() string {
	return PolicyRegistryProgramRevokedEventName
}

// UnpackProgramRevokedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProgramRevoked(address indexed account, bytes32 indexed program)
func (policyRegistry *PolicyRegistry) UnpackProgramRevokedEvent(log *types.Log) (*PolicyRegistryProgramRevoked, error) {
	event := "ProgramRevoked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != policyRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PolicyRegistryProgramRevoked)
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
	if bytes.Equal(raw[:4], policyRegistry.abi.Errors["ZeroVKHash"].ID.Bytes()[:4]) {
		return policyRegistry.UnpackZeroVKHashError(raw[4:])
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

// PolicyRegistryZeroVKHash represents a ZeroVKHash error raised by the PolicyRegistry contract.
type PolicyRegistryZeroVKHash struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroVKHash()
func PolicyRegistryZeroVKHashErrorID() common.Hash {
	return common.HexToHash("0x9a9afe84d2c12a956875c1235bc4476ff18f26febe2f5b09ac0a179f45379eed")
}

// UnpackZeroVKHashError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroVKHash()
func (policyRegistry *PolicyRegistry) UnpackZeroVKHashError(raw []byte) (*PolicyRegistryZeroVKHash, error) {
	out := new(PolicyRegistryZeroVKHash)
	if err := policyRegistry.abi.UnpackIntoInterface(out, "ZeroVKHash", raw); err != nil {
		return nil, err
	}
	return out, nil
}
