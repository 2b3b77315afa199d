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

// PriceOracleMetaData contains all meta data concerning the PriceOracle contract.
var PriceOracleMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"decimals_\",\"type\":\"uint8\"},{\"internalType\":\"string\",\"name\":\"description_\",\"type\":\"string\"},{\"internalType\":\"int256\",\"name\":\"initialAnswer\",\"type\":\"int256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"NoDataPresent\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotOwner\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"int256\",\"name\":\"current\",\"type\":\"int256\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"roundId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"updatedAt\",\"type\":\"uint256\"}],\"name\":\"AnswerUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"roundId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"startedBy\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"startedAt\",\"type\":\"uint256\"}],\"name\":\"NewRound\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"description\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint80\",\"name\":\"_roundId\",\"type\":\"uint80\"}],\"name\":\"getRoundData\",\"outputs\":[{\"internalType\":\"uint80\",\"name\":\"roundId\",\"type\":\"uint80\"},{\"internalType\":\"int256\",\"name\":\"answer\",\"type\":\"int256\"},{\"internalType\":\"uint256\",\"name\":\"startedAt\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"updatedAt\",\"type\":\"uint256\"},{\"internalType\":\"uint80\",\"name\":\"answeredInRound\",\"type\":\"uint80\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"n\",\"type\":\"uint256\"}],\"name\":\"latestAnswers\",\"outputs\":[{\"internalType\":\"uint80\",\"name\":\"roundId\",\"type\":\"uint80\"},{\"internalType\":\"int256[]\",\"name\":\"answers\",\"type\":\"int256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"latestRound\",\"outputs\":[{\"internalType\":\"uint80\",\"name\":\"\",\"type\":\"uint80\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"latestRoundData\",\"outputs\":[{\"internalType\":\"uint80\",\"name\":\"roundId\",\"type\":\"uint80\"},{\"internalType\":\"int256\",\"name\":\"answer\",\"type\":\"int256\"},{\"internalType\":\"uint256\",\"name\":\"startedAt\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"updatedAt\",\"type\":\"uint256\"},{\"internalType\":\"uint80\",\"name\":\"answeredInRound\",\"type\":\"uint80\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"int256\",\"name\":\"answer\",\"type\":\"int256\"}],\"name\":\"setPrice\",\"outputs\":[{\"internalType\":\"uint80\",\"name\":\"roundId\",\"type\":\"uint80\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"version\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "PriceOracle",
	Bin: "0x60c060405234801561000f575f5ffd5b50604051610b2f380380610b2f83398101604081905261002e91610188565b60ff83166080525f61004083826102eb565b503360a05261004e81610057565b505050506103da565b600180545f91610070916001600160501b0316906103a9565b600180546001600160501b0383166001600160501b031990911681178255604080516060810182528681526001600160401b034281811660208085018281528587019283525f8881526002835287902095518655519490970180549151841668010000000000000000026001600160801b031990921694909316939093179290921790559051908152929350339290917f0109fc6f55cf40689f02fbaad7af7fe7bbac8a3d2186600afc7d3e10cac60271910160405180910390a3806001600160501b0316827f0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f4260405161016791815260200190565b60405180910390a3919050565b634e487b7160e01b5f52604160045260245ffd5b5f5f5f6060848603121561019a575f5ffd5b835160ff811681146101aa575f5ffd5b60208501519093506001600160401b038111156101c5575f5ffd5b8401601f810186136101d5575f5ffd5b80516001600160401b038111156101ee576101ee610174565b604051601f8201601f19908116603f011681016001600160401b038111828210171561021c5761021c610174565b604052818152828201602001881015610233575f5ffd5b8160208401602083015e5f91810160200191909152604095909501519396949550929392505050565b600181811c9082168061027057607f821691505b60208210810361028e57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156102e657828211156102e657805f5260205f20601f840160051c60208510156102bf57505f5b90810190601f840160051c035f5b818110156102e2575f838201556001016102cd565b5050505b505050565b81516001600160401b0381111561030457610304610174565b61031881610312845461025c565b84610294565b6020601f82116001811461034a575f83156103335750848201515b5f19600385901b1c1916600184901b1784556103a2565b5f84815260208120601f198516915b828110156103795787850151825560209485019460019092019101610359565b508482101561039657868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b6001600160501b0381811683821601908111156103d457634e487b7160e01b5f52601160045260245ffd5b92915050565b60805160a05161072e6104015f395f818161012d01526103f701525f6099015261072e5ff3fe608060405234801561000f575f5ffd5b5060043610610090575f3560e01c80638da5cb5b116100635780638da5cb5b146101285780639a6fc8f514610167578063bc0d569c146101ae578063f7a30806146101cf578063feaf968c146101e2575f5ffd5b8063313ce5671461009457806354fd4d50146100d2578063668a0f02146100e85780637284e41614610113575b5f5ffd5b6100bb7f000000000000000000000000000000000000000000000000000000000000000081565b60405160ff90911681526020015b60405180910390f35b6100da600181565b6040519081526020016100c9565b6001546100fb906001600160501b031681565b6040516001600160501b0390911681526020016100c9565b61011b6101ea565b6040516100c99190610599565b61014f7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016100c9565b61017a6101753660046105ce565b610275565b604080516001600160501b03968716815260208101959095528401929092526060830152909116608082015260a0016100c9565b6101c16101bc3660046105fb565b6102f5565b6040516100c9929190610612565b6100fb6101dd3660046105fb565b6103eb565b61017a610444565b5f80546101f690610668565b80601f016020809104026020016040519081016040528092919081815260200182805461022290610668565b801561026d5780601f106102445761010080835404028352916020019161026d565b820191905f5260205f20905b81548152906001019060200180831161025057829003601f168201915b505050505081565b6001600160501b0381165f90815260026020526040812060018101548291829182918291600160401b900467ffffffffffffffff1682036102c85760405162bb258760e81b815260040160405180910390fd5b80546001909101549697909667ffffffffffffffff8082169750600160401b909104169450879350915050565b6001546001600160501b03166060818311156103235760405162bb258760e81b815260040160405180910390fd5b8267ffffffffffffffff81111561033c5761033c6106a0565b604051908082528060200260200182016040528015610365578160200160208202803683370190505b5090505f5b838110156103e55760025f82610389876001600160501b0388166106c8565b6103949060016106db565b61039e91906106db565b6001600160501b03166001600160501b031681526020019081526020015f205f01548282815181106103d2576103d26106ee565b602090810291909101015260010161036a565b50915091565b5f336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614610435576040516330cd747160e01b815260040160405180910390fd5b61043e82610474565b92915050565b6001545f908190819081908190610463906001600160501b0316610275565b945094509450945094509091929394565b600180545f9161048d916001600160501b031690610702565b600180546001600160501b03831669ffffffffffffffffffff19909116811782556040805160608101825286815267ffffffffffffffff4281811660208085018281528587019283525f88815260028352879020955186555194909701805491518416600160401b026fffffffffffffffffffffffffffffffff1990921694909316939093179290921790559051908152929350339290917f0109fc6f55cf40689f02fbaad7af7fe7bbac8a3d2186600afc7d3e10cac60271910160405180910390a3806001600160501b0316827f0559884fd3a460db3073b7fc896cc77986f16e378210ded43186175bf646fc5f4260405161058c91815260200190565b60405180910390a3919050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b5f602082840312156105de575f5ffd5b81356001600160501b03811681146105f4575f5ffd5b9392505050565b5f6020828403121561060b575f5ffd5b5035919050565b5f604082016001600160501b0385168352604060208401528084518083526060850191506020860192505f5b8181101561065c57835183526020938401939092019160010161063e565b50909695505050505050565b600181811c9082168061067c57607f821691505b60208210810361069a57634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52604160045260245ffd5b634e487b7160e01b5f52601160045260245ffd5b8181038181111561043e5761043e6106b4565b8082018082111561043e5761043e6106b4565b634e487b7160e01b5f52603260045260245ffd5b6001600160501b03818116838216019081111561043e5761043e6106b456fea164736f6c6343000824000a",
}

// PriceOracle is an auto generated Go binding around an Ethereum contract.
type PriceOracle struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *PriceOracle) GetABI() abi.ABI {
	return c.abi
}

// NewPriceOracle creates a new instance of PriceOracle.
func NewPriceOracle() *PriceOracle {
	parsed, err := PriceOracleMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &PriceOracle{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *PriceOracle) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(uint8 decimals_, string description_, int256 initialAnswer) returns()
func (priceOracle *PriceOracle) PackConstructor(decimals_ uint8, description_ string, initialAnswer *big.Int) []byte {
	enc, err := priceOracle.abi.Pack("", decimals_, description_, initialAnswer)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (priceOracle *PriceOracle) PackDecimals() []byte {
	enc, err := priceOracle.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (priceOracle *PriceOracle) TryPackDecimals() ([]byte, error) {
	return priceOracle.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (priceOracle *PriceOracle) UnpackDecimals(data []byte) (uint8, error) {
	out, err := priceOracle.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackDescription is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7284e416.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function description() view returns(string)
func (priceOracle *PriceOracle) PackDescription() []byte {
	enc, err := priceOracle.abi.Pack("description")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDescription is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7284e416.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function description() view returns(string)
func (priceOracle *PriceOracle) TryPackDescription() ([]byte, error) {
	return priceOracle.abi.Pack("description")
}

// UnpackDescription is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7284e416.
//
// Solidity: function description() view returns(string)
func (priceOracle *PriceOracle) UnpackDescription(data []byte) (string, error) {
	out, err := priceOracle.abi.Unpack("description", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackGetRoundData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a6fc8f5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getRoundData(uint80 _roundId) view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (priceOracle *PriceOracle) PackGetRoundData(roundId *big.Int) []byte {
	enc, err := priceOracle.abi.Pack("getRoundData", roundId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetRoundData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9a6fc8f5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getRoundData(uint80 _roundId) view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (priceOracle *PriceOracle) TryPackGetRoundData(roundId *big.Int) ([]byte, error) {
	return priceOracle.abi.Pack("getRoundData", roundId)
}

// GetRoundDataOutput serves as a container for the return parameters of contract
// method GetRoundData.
type GetRoundDataOutput struct {
	RoundId         *big.Int
	Answer          *big.Int
	StartedAt       *big.Int
	UpdatedAt       *big.Int
	AnsweredInRound *big.Int
}

// UnpackGetRoundData is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9a6fc8f5.
//
// Solidity: function getRoundData(uint80 _roundId) view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (priceOracle *PriceOracle) UnpackGetRoundData(data []byte) (GetRoundDataOutput, error) {
	out, err := priceOracle.abi.Unpack("getRoundData", data)
	outstruct := new(GetRoundDataOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.RoundId = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Answer = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.StartedAt = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	outstruct.UpdatedAt = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.AnsweredInRound = abi.ConvertType(out[4], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackLatestAnswers is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc0d569c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestAnswers(uint256 n) view returns(uint80 roundId, int256[] answers)
func (priceOracle *PriceOracle) PackLatestAnswers(n *big.Int) []byte {
	enc, err := priceOracle.abi.Pack("latestAnswers", n)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestAnswers is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc0d569c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestAnswers(uint256 n) view returns(uint80 roundId, int256[] answers)
func (priceOracle *PriceOracle) TryPackLatestAnswers(n *big.Int) ([]byte, error) {
	return priceOracle.abi.Pack("latestAnswers", n)
}

// LatestAnswersOutput serves as a container for the return parameters of contract
// method LatestAnswers.
type LatestAnswersOutput struct {
	RoundId *big.Int
	Answers []*big.Int
}

// UnpackLatestAnswers is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbc0d569c.
//
// Solidity: function latestAnswers(uint256 n) view returns(uint80 roundId, int256[] answers)
func (priceOracle *PriceOracle) UnpackLatestAnswers(data []byte) (LatestAnswersOutput, error) {
	out, err := priceOracle.abi.Unpack("latestAnswers", data)
	outstruct := new(LatestAnswersOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.RoundId = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Answers = *abi.ConvertType(out[1], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackLatestRound is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x668a0f02.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestRound() view returns(uint80)
func (priceOracle *PriceOracle) PackLatestRound() []byte {
	enc, err := priceOracle.abi.Pack("latestRound")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestRound is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x668a0f02.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestRound() view returns(uint80)
func (priceOracle *PriceOracle) TryPackLatestRound() ([]byte, error) {
	return priceOracle.abi.Pack("latestRound")
}

// UnpackLatestRound is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x668a0f02.
//
// Solidity: function latestRound() view returns(uint80)
func (priceOracle *PriceOracle) UnpackLatestRound(data []byte) (*big.Int, error) {
	out, err := priceOracle.abi.Unpack("latestRound", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackLatestRoundData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfeaf968c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestRoundData() view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (priceOracle *PriceOracle) PackLatestRoundData() []byte {
	enc, err := priceOracle.abi.Pack("latestRoundData")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestRoundData is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfeaf968c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestRoundData() view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (priceOracle *PriceOracle) TryPackLatestRoundData() ([]byte, error) {
	return priceOracle.abi.Pack("latestRoundData")
}

// LatestRoundDataOutput serves as a container for the return parameters of contract
// method LatestRoundData.
type LatestRoundDataOutput struct {
	RoundId         *big.Int
	Answer          *big.Int
	StartedAt       *big.Int
	UpdatedAt       *big.Int
	AnsweredInRound *big.Int
}

// UnpackLatestRoundData is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfeaf968c.
//
// Solidity: function latestRoundData() view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (priceOracle *PriceOracle) UnpackLatestRoundData(data []byte) (LatestRoundDataOutput, error) {
	out, err := priceOracle.abi.Unpack("latestRoundData", data)
	outstruct := new(LatestRoundDataOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.RoundId = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Answer = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.StartedAt = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	outstruct.UpdatedAt = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.AnsweredInRound = abi.ConvertType(out[4], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (priceOracle *PriceOracle) PackOwner() []byte {
	enc, err := priceOracle.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (priceOracle *PriceOracle) TryPackOwner() ([]byte, error) {
	return priceOracle.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (priceOracle *PriceOracle) UnpackOwner(data []byte) (common.Address, error) {
	out, err := priceOracle.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSetPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf7a30806.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setPrice(int256 answer) returns(uint80 roundId)
func (priceOracle *PriceOracle) PackSetPrice(answer *big.Int) []byte {
	enc, err := priceOracle.abi.Pack("setPrice", answer)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf7a30806.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setPrice(int256 answer) returns(uint80 roundId)
func (priceOracle *PriceOracle) TryPackSetPrice(answer *big.Int) ([]byte, error) {
	return priceOracle.abi.Pack("setPrice", answer)
}

// UnpackSetPrice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf7a30806.
//
// Solidity: function setPrice(int256 answer) returns(uint80 roundId)
func (priceOracle *PriceOracle) UnpackSetPrice(data []byte) (*big.Int, error) {
	out, err := priceOracle.abi.Unpack("setPrice", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x54fd4d50.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function version() view returns(uint256)
func (priceOracle *PriceOracle) PackVersion() []byte {
	enc, err := priceOracle.abi.Pack("version")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x54fd4d50.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function version() view returns(uint256)
func (priceOracle *PriceOracle) TryPackVersion() ([]byte, error) {
	return priceOracle.abi.Pack("version")
}

// UnpackVersion is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x54fd4d50.
//
// Solidity: function version() view returns(uint256)
func (priceOracle *PriceOracle) UnpackVersion(data []byte) (*big.Int, error) {
	out, err := priceOracle.abi.Unpack("version", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PriceOracleAnswerUpdated represents a AnswerUpdated event raised by the PriceOracle contract.
type PriceOracleAnswerUpdated struct {
	Current   *big.Int
	RoundId   *big.Int
	UpdatedAt *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PriceOracleAnswerUpdatedEventName = "AnswerUpdated"

// ContractEventName returns the user-defined event name.
func (PriceOracleAnswerUpdated) ContractEventName() string {
	return PriceOracleAnswerUpdatedEventName
}

// UnpackAnswerUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)
func (priceOracle *PriceOracle) UnpackAnswerUpdatedEvent(log *types.Log) (*PriceOracleAnswerUpdated, error) {
	event := "AnswerUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != priceOracle.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PriceOracleAnswerUpdated)
	if len(log.Data) > 0 {
		if err := priceOracle.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range priceOracle.abi.Events[event].Inputs {
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

// PriceOracleNewRound represents a NewRound event raised by the PriceOracle contract.
type PriceOracleNewRound struct {
	RoundId   *big.Int
	StartedBy common.Address
	StartedAt *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PriceOracleNewRoundEventName = "NewRound"

// ContractEventName returns the user-defined event name.
func (PriceOracleNewRound) ContractEventName() string {
	return PriceOracleNewRoundEventName
}

// UnpackNewRoundEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt)
func (priceOracle *PriceOracle) UnpackNewRoundEvent(log *types.Log) (*PriceOracleNewRound, error) {
	event := "NewRound"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != priceOracle.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PriceOracleNewRound)
	if len(log.Data) > 0 {
		if err := priceOracle.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range priceOracle.abi.Events[event].Inputs {
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
func (priceOracle *PriceOracle) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], priceOracle.abi.Errors["NoDataPresent"].ID.Bytes()[:4]) {
		return priceOracle.UnpackNoDataPresentError(raw[4:])
	}
	if bytes.Equal(raw[:4], priceOracle.abi.Errors["NotOwner"].ID.Bytes()[:4]) {
		return priceOracle.UnpackNotOwnerError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// PriceOracleNoDataPresent represents a NoDataPresent error raised by the PriceOracle contract.
type PriceOracleNoDataPresent struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoDataPresent()
func PriceOracleNoDataPresentErrorID() common.Hash {
	return common.HexToHash("0xbb258700699f4449978821f51700c766295ef133e7bb6177607142c8d88db786")
}

// UnpackNoDataPresentError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoDataPresent()
func (priceOracle *PriceOracle) UnpackNoDataPresentError(raw []byte) (*PriceOracleNoDataPresent, error) {
	out := new(PriceOracleNoDataPresent)
	if err := priceOracle.abi.UnpackIntoInterface(out, "NoDataPresent", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// PriceOracleNotOwner represents a NotOwner error raised by the PriceOracle contract.
type PriceOracleNotOwner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOwner()
func PriceOracleNotOwnerErrorID() common.Hash {
	return common.HexToHash("0x30cd74712f59d478562d48e2d35de830db72c60a63dd08ae59199eec990b5bc4")
}

// UnpackNotOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOwner()
func (priceOracle *PriceOracle) UnpackNotOwnerError(raw []byte) (*PriceOracleNotOwner, error) {
	out := new(PriceOracleNotOwner)
	if err := priceOracle.abi.UnpackIntoInterface(out, "NotOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}
