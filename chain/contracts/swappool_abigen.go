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

// SwapPoolMetaData contains all meta data concerning the SwapPool contract.
var SwapPoolMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token0_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"token1_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadlineBlock\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"name\":\"Expired\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InsufficientLiquidity\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amountOut\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minAmountOut\",\"type\":\"uint256\"}],\"name\":\"InsufficientOutput\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"Reentrancy\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"SameToken\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferFailed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"UnknownToken\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount0\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"LiquidityAdded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount0\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"LiquidityRemoved\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"tokenIn\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amountIn\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amountOut\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"Swap\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount0\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"}],\"name\":\"addLiquidity\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"tokenIn\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amountIn\",\"type\":\"uint256\"}],\"name\":\"getAmountOut\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"removeLiquidity\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount0\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reserve0\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"reserve1\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"sharesOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"tokenIn\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amountIn\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minAmountOut\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"deadlineBlock\",\"type\":\"uint256\"}],\"name\":\"swapExactIn\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amountOut\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token0\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token1\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalShares\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "SwapPool",
	Bin: "0x60c060405234801561000f575f5ffd5b50604051610cf6380380610cf683398101604081905261002e91610092565b806001600160a01b0316826001600160a01b0316036100605760405163100dac0560e11b815260040160405180910390fd5b6001600160a01b039182166080521660a0526100c3565b80516001600160a01b038116811461008d575f5ffd5b919050565b5f5f604083850312156100a3575f5ffd5b6100ac83610077565b91506100ba60208401610077565b90509250929050565b60805160a051610bd46101225f395f81816101710152818161030d0152818161050b0152818161065801526109f001525f818160a4015281816102e2015281816104e10152818161061f015281816106ae01526109a90152610bd45ff3fe608060405234801561000f575f5ffd5b506004361061009b575f3560e01c80639cd441da116100635780639cd441da14610133578063b26aefb914610146578063ca706bcf14610159578063d21220a71461016c578063f5eb42dc14610193575f5ffd5b80630dfe16811461009f5780633a98ef39146100e3578063443cb4bc146100fa5780635a76f25e146101025780639c8f9f231461010b575b5f5ffd5b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100ec60025481565b6040519081526020016100da565b6100ec5f5481565b6100ec60015481565b61011e610119366004610a59565b6101b2565b604080519283526020830191909152016100da565b6100ec610141366004610a70565b610387565b6100ec610154366004610aa6565b610583565b6100ec610167366004610af0565b610771565b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b6100ec6101a1366004610b18565b60036020525f908152604090205481565b6004545f90819060ff16156101da5760405163558a1e0360e11b815260040160405180910390fd5b6004805460ff191660011790555f83900361020857604051631f2a200560e01b815260040160405180910390fd5b335f908152600360205260409020548311156102375760405163bb55fd2760e01b815260040160405180910390fd5b6002545f546102469085610b4c565b6102509190610b63565b9150600254600154846102639190610b4c565b61026d9190610b63565b335f90815260036020526040812080549293508592909190610290908490610b82565b925050819055508260025f8282546102a89190610b82565b92505081905550815f5f8282546102bf9190610b82565b925050819055508060015f8282546102d79190610b82565b9091555061030890507f00000000000000000000000000000000000000000000000000000000000000003384610810565b6103337f00000000000000000000000000000000000000000000000000000000000000003383610810565b604080518381526020810183905290810184905233907f1dc8bb69df2b8e91fbdcbfcf93d951b3f0000f085a95fe3f7946d6161439245d9060600160405180910390a26004805460ff191690559092909150565b6004545f9060ff16156103ad5760405163558a1e0360e11b815260040160405180910390fd5b6004805460ff191660011790558215806103c5575081155b156103e357604051631f2a200560e01b815260040160405180910390fd5b6002545f03610405576103fe6103f98385610b4c565b6108a2565b9050610453565b5f80546002546104159086610b4c565b61041f9190610b63565b90505f600154600254856104339190610b4c565b61043d9190610b63565b905080821061044c578061044e565b815b925050505b805f0361047357604051631f2a200560e01b815260040160405180910390fd5b8060025f8282546104849190610b95565b9091555050335f90815260036020526040812080548392906104a7908490610b95565b92505081905550825f5f8282546104be9190610b95565b925050819055508160015f8282546104d69190610b95565b9091555061050690507f000000000000000000000000000000000000000000000000000000000000000084610910565b6105307f000000000000000000000000000000000000000000000000000000000000000083610910565b604080518481526020810184905290810182905233907f64b83944e79c3ce8d4c297411de637c3e102d064677aac0c163976ebdcd6f50e9060600160405180910390a26004805460ff1916905592915050565b6004545f9060ff16156105a95760405163558a1e0360e11b815260040160405180910390fd5b6004805460ff19166001179055438210156105e55760405163aa2fd92560e01b8152600481018390524360248201526044015b60405180910390fd5b6105ef8686610771565b90508381101561061c57604051630583371760e31b815260048101829052602481018590526044016105dc565b5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316876001600160a01b0316036106ac577f00000000000000000000000000000000000000000000000000000000000000009050855f5f8282546106899190610b95565b925050819055508160015f8282546106a19190610b82565b909155506106fd9050565b7f000000000000000000000000000000000000000000000000000000000000000090508560015f8282546106e09190610b95565b92505081905550815f5f8282546106f79190610b82565b90915550505b6107078787610910565b610712818584610810565b60408051878152602081018490526001600160a01b0380871692908a169133917fb39c9bc43f811e1a7ce159c5f147458fdb80266bf23c17322013316e27e086d0910160405180910390a4506004805460ff1916905595945050505050565b5f5f5f61077d856109a5565b91509150835f036107a157604051631f2a200560e01b815260040160405180910390fd5b8115806107ac575080155b156107ca5760405163bb55fd2760e01b815260040160405180910390fd5b5f6107d76103e586610b4c565b9050806107e66103e885610b4c565b6107f09190610b95565b6107fa8383610b4c565b6108049190610b63565b93505050505b92915050565b60405163a9059cbb60e01b81526001600160a01b0383811660048301526024820183905284169063a9059cbb906044016020604051808303815f875af115801561085c573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906108809190610ba8565b61089d576040516312171d8360e31b815260040160405180910390fd5b505050565b5f60038211156109015750805f6108ba600283610b63565b6108c5906001610b95565b90505b818110156108fb579050806002816108e08186610b63565b6108ea9190610b95565b6108f49190610b63565b90506108c8565b50919050565b811561090b575060015b919050565b6040516323b872dd60e01b8152336004820152306024820152604481018290526001600160a01b038316906323b872dd906064016020604051808303815f875af1158015610960573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906109849190610ba8565b6109a1576040516312171d8360e31b815260040160405180910390fd5b5050565b5f5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316836001600160a01b0316036109ee575f5460015491509150915091565b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316836001600160a01b031603610a35576001545f5491509150915091565b6040516340d1d8df60e11b81526001600160a01b03841660048201526024016105dc565b5f60208284031215610a69575f5ffd5b5035919050565b5f5f60408385031215610a81575f5ffd5b50508035926020909101359150565b80356001600160a01b038116811461090b575f5ffd5b5f5f5f5f5f60a08688031215610aba575f5ffd5b610ac386610a90565b94506020860135935060408601359250610adf60608701610a90565b949793965091946080013592915050565b5f5f60408385031215610b01575f5ffd5b610b0a83610a90565b946020939093013593505050565b5f60208284031215610b28575f5ffd5b610b3182610a90565b9392505050565b634e487b7160e01b5f52601160045260245ffd5b808202811582820484141761080a5761080a610b38565b5f82610b7d57634e487b7160e01b5f52601260045260245ffd5b500490565b8181038181111561080a5761080a610b38565b8082018082111561080a5761080a610b38565b5f60208284031215610bb8575f5ffd5b81518015158114610b31575f5ffdfea164736f6c6343000824000a",
}

// SwapPool is an auto generated Go binding around an Ethereum contract.
type SwapPool struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *SwapPool) GetABI() abi.ABI {
	return c.abi
}

// NewSwapPool creates a new instance of SwapPool.
func NewSwapPool() *SwapPool {
	parsed, err := SwapPoolMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &SwapPool{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *SwapPool) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address token0_, address token1_) returns()
func (swapPool *SwapPool) PackConstructor(token0_ common.Address, token1_ common.Address) []byte {
	enc, err := swapPool.abi.Pack("", token0_, token1_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAddLiquidity is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9cd441da.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addLiquidity(uint256 amount0, uint256 amount1) returns(uint256 shares)
func (swapPool *SwapPool) PackAddLiquidity(amount0 *big.Int, amount1 *big.Int) []byte {
	enc, err := swapPool.abi.Pack("addLiquidity", amount0, amount1)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddLiquidity is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9cd441da.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addLiquidity(uint256 amount0, uint256 amount1) returns(uint256 shares)
func (swapPool *SwapPool) TryPackAddLiquidity(amount0 *big.Int, amount1 *big.Int) ([]byte, error) {
	return swapPool.abi.Pack("addLiquidity", amount0, amount1)
}

// UnpackAddLiquidity is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9cd441da.
//
// Solidity: function addLiquidity(uint256 amount0, uint256 amount1) returns(uint256 shares)
func (swapPool *SwapPool) UnpackAddLiquidity(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("addLiquidity", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetAmountOut is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xca706bcf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getAmountOut(address tokenIn, uint256 amountIn) view returns(uint256)
func (swapPool *SwapPool) PackGetAmountOut(tokenIn common.Address, amountIn *big.Int) []byte {
	enc, err := swapPool.abi.Pack("getAmountOut", tokenIn, amountIn)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetAmountOut is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xca706bcf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getAmountOut(address tokenIn, uint256 amountIn) view returns(uint256)
func (swapPool *SwapPool) TryPackGetAmountOut(tokenIn common.Address, amountIn *big.Int) ([]byte, error) {
	return swapPool.abi.Pack("getAmountOut", tokenIn, amountIn)
}

// UnpackGetAmountOut is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xca706bcf.
//
// Solidity: function getAmountOut(address tokenIn, uint256 amountIn) view returns(uint256)
func (swapPool *SwapPool) UnpackGetAmountOut(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("getAmountOut", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRemoveLiquidity is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9c8f9f23.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function removeLiquidity(uint256 shares) returns(uint256 amount0, uint256 amount1)
func (swapPool *SwapPool) PackRemoveLiquidity(shares *big.Int) []byte {
	enc, err := swapPool.abi.Pack("removeLiquidity", shares)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRemoveLiquidity is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9c8f9f23.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function removeLiquidity(uint256 shares) returns(uint256 amount0, uint256 amount1)
func (swapPool *SwapPool) TryPackRemoveLiquidity(shares *big.Int) ([]byte, error) {
	return swapPool.abi.Pack("removeLiquidity", shares)
}

// RemoveLiquidityOutput serves as a container for the return parameters of contract
// method RemoveLiquidity.
type RemoveLiquidityOutput struct {
	Amount0 *big.Int
	Amount1 *big.Int
}

// UnpackRemoveLiquidity is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9c8f9f23.
//
// Solidity: function removeLiquidity(uint256 shares) returns(uint256 amount0, uint256 amount1)
func (swapPool *SwapPool) UnpackRemoveLiquidity(data []byte) (RemoveLiquidityOutput, error) {
	out, err := swapPool.abi.Unpack("removeLiquidity", data)
	outstruct := new(RemoveLiquidityOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Amount0 = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Amount1 = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// PackReserve0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x443cb4bc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reserve0() view returns(uint256)
func (swapPool *SwapPool) PackReserve0() []byte {
	enc, err := swapPool.abi.Pack("reserve0")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReserve0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x443cb4bc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reserve0() view returns(uint256)
func (swapPool *SwapPool) TryPackReserve0() ([]byte, error) {
	return swapPool.abi.Pack("reserve0")
}

// UnpackReserve0 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x443cb4bc.
//
// Solidity: function reserve0() view returns(uint256)
func (swapPool *SwapPool) UnpackReserve0(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("reserve0", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackReserve1 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5a76f25e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reserve1() view returns(uint256)
func (swapPool *SwapPool) PackReserve1() []byte {
	enc, err := swapPool.abi.Pack("reserve1")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReserve1 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5a76f25e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reserve1() view returns(uint256)
func (swapPool *SwapPool) TryPackReserve1() ([]byte, error) {
	return swapPool.abi.Pack("reserve1")
}

// UnpackReserve1 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5a76f25e.
//
// Solidity: function reserve1() view returns(uint256)
func (swapPool *SwapPool) UnpackReserve1(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("reserve1", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSharesOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf5eb42dc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function sharesOf(address ) view returns(uint256)
func (swapPool *SwapPool) PackSharesOf(arg0 common.Address) []byte {
	enc, err := swapPool.abi.Pack("sharesOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSharesOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf5eb42dc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function sharesOf(address ) view returns(uint256)
func (swapPool *SwapPool) TryPackSharesOf(arg0 common.Address) ([]byte, error) {
	return swapPool.abi.Pack("sharesOf", arg0)
}

// UnpackSharesOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf5eb42dc.
//
// Solidity: function sharesOf(address ) view returns(uint256)
func (swapPool *SwapPool) UnpackSharesOf(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("sharesOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSwapExactIn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb26aefb9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function swapExactIn(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to, uint256 deadlineBlock) returns(uint256 amountOut)
func (swapPool *SwapPool) PackSwapExactIn(tokenIn common.Address, amountIn *big.Int, minAmountOut *big.Int, to common.Address, deadlineBlock *big.Int) []byte {
	enc, err := swapPool.abi.Pack("swapExactIn", tokenIn, amountIn, minAmountOut, to, deadlineBlock)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSwapExactIn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb26aefb9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function swapExactIn(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to, uint256 deadlineBlock) returns(uint256 amountOut)
func (swapPool *SwapPool) TryPackSwapExactIn(tokenIn common.Address, amountIn *big.Int, minAmountOut *big.Int, to common.Address, deadlineBlock *big.Int) ([]byte, error) {
	return swapPool.abi.Pack("swapExactIn", tokenIn, amountIn, minAmountOut, to, deadlineBlock)
}

// UnpackSwapExactIn is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb26aefb9.
//
// Solidity: function swapExactIn(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to, uint256 deadlineBlock) returns(uint256 amountOut)
func (swapPool *SwapPool) UnpackSwapExactIn(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("swapExactIn", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackToken0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0dfe1681.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token0() view returns(address)
func (swapPool *SwapPool) PackToken0() []byte {
	enc, err := swapPool.abi.Pack("token0")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackToken0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0dfe1681.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function token0() view returns(address)
func (swapPool *SwapPool) TryPackToken0() ([]byte, error) {
	return swapPool.abi.Pack("token0")
}

// UnpackToken0 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0dfe1681.
//
// Solidity: function token0() view returns(address)
func (swapPool *SwapPool) UnpackToken0(data []byte) (common.Address, error) {
	out, err := swapPool.abi.Unpack("token0", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackToken1 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd21220a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token1() view returns(address)
func (swapPool *SwapPool) PackToken1() []byte {
	enc, err := swapPool.abi.Pack("token1")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackToken1 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd21220a7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function token1() view returns(address)
func (swapPool *SwapPool) TryPackToken1() ([]byte, error) {
	return swapPool.abi.Pack("token1")
}

// UnpackToken1 is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd21220a7.
//
// Solidity: function token1() view returns(address)
func (swapPool *SwapPool) UnpackToken1(data []byte) (common.Address, error) {
	out, err := swapPool.abi.Unpack("token1", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackTotalShares is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3a98ef39.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalShares() view returns(uint256)
func (swapPool *SwapPool) PackTotalShares() []byte {
	enc, err := swapPool.abi.Pack("totalShares")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalShares is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3a98ef39.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalShares() view returns(uint256)
func (swapPool *SwapPool) TryPackTotalShares() ([]byte, error) {
	return swapPool.abi.Pack("totalShares")
}

// UnpackTotalShares is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3a98ef39.
//
// Solidity: function totalShares() view returns(uint256)
func (swapPool *SwapPool) UnpackTotalShares(data []byte) (*big.Int, error) {
	out, err := swapPool.abi.Unpack("totalShares", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// SwapPoolLiquidityAdded represents a LiquidityAdded event raised by the SwapPool contract.
type SwapPoolLiquidityAdded struct {
	Provider common.Address
	Amount0  *big.Int
	Amount1  *big.Int
	Shares   *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const SwapPoolLiquidityAddedEventName = "LiquidityAdded"

// ContractEventName returns the user-defined event name.
func (SwapPoolLiquidityAdded) ContractEventName() string {
	return SwapPoolLiquidityAddedEventName
}

// UnpackLiquidityAddedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event LiquidityAdded(address indexed provider, uint256 amount0, uint256 amount1, uint256 shares)
func (swapPool *SwapPool) UnpackLiquidityAddedEvent(log *types.Log) (*SwapPoolLiquidityAdded, error) {
	event := "LiquidityAdded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swapPool.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwapPoolLiquidityAdded)
	if len(log.Data) > 0 {
		if err := swapPool.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swapPool.abi.Events[event].Inputs {
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

// SwapPoolLiquidityRemoved represents a LiquidityRemoved event raised by the SwapPool contract.
type SwapPoolLiquidityRemoved struct {
	Provider common.Address
	Amount0  *big.Int
	Amount1  *big.Int
	Shares   *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const SwapPoolLiquidityRemovedEventName = "LiquidityRemoved"

// ContractEventName returns the user-defined event name.
func (SwapPoolLiquidityRemoved) ContractEventName() string {
	return SwapPoolLiquidityRemovedEventName
}

// UnpackLiquidityRemovedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event LiquidityRemoved(address indexed provider, uint256 amount0, uint256 amount1, uint256 shares)
func (swapPool *SwapPool) UnpackLiquidityRemovedEvent(log *types.Log) (*SwapPoolLiquidityRemoved, error) {
	event := "LiquidityRemoved"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swapPool.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwapPoolLiquidityRemoved)
	if len(log.Data) > 0 {
		if err := swapPool.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swapPool.abi.Events[event].Inputs {
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

// SwapPoolSwap represents a Swap event raised by the SwapPool contract.
type SwapPoolSwap struct {
	Sender    common.Address
	TokenIn   common.Address
	AmountIn  *big.Int
	AmountOut *big.Int
	To        common.Address
	Raw       *types.Log // Blockchain specific contextual infos
}

const SwapPoolSwapEventName = "Swap"

// ContractEventName returns the user-defined event name.
func (SwapPoolSwap) ContractEventName() string {
	return SwapPoolSwapEventName
}

// UnpackSwapEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Swap(address indexed sender, address indexed tokenIn, uint256 amountIn, uint256 amountOut, address indexed to)
func (swapPool *SwapPool) UnpackSwapEvent(log *types.Log) (*SwapPoolSwap, error) {
	event := "Swap"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swapPool.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwapPoolSwap)
	if len(log.Data) > 0 {
		if err := swapPool.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swapPool.abi.Events[event].Inputs {
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
func (swapPool *SwapPool) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], swapPool.abi.Errors["Expired"].ID.Bytes()[:4]) {
		return swapPool.UnpackExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["InsufficientLiquidity"].ID.Bytes()[:4]) {
		return swapPool.UnpackInsufficientLiquidityError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["InsufficientOutput"].ID.Bytes()[:4]) {
		return swapPool.UnpackInsufficientOutputError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["Reentrancy"].ID.Bytes()[:4]) {
		return swapPool.UnpackReentrancyError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["SameToken"].ID.Bytes()[:4]) {
		return swapPool.UnpackSameTokenError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["TransferFailed"].ID.Bytes()[:4]) {
		return swapPool.UnpackTransferFailedError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["UnknownToken"].ID.Bytes()[:4]) {
		return swapPool.UnpackUnknownTokenError(raw[4:])
	}
	if bytes.Equal(raw[:4], swapPool.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return swapPool.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// SwapPoolExpired represents a Expired error raised by the SwapPool contract.
type SwapPoolExpired struct {
	DeadlineBlock *big.Int
	BlockNumber   *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Expired(uint256 deadlineBlock, uint256 blockNumber)
func SwapPoolExpiredErrorID() common.Hash {
	return common.HexToHash("0xaa2fd9251337aad6985148406aafbb40098cf60c4d20af54767f17b944074845")
}

// UnpackExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Expired(uint256 deadlineBlock, uint256 blockNumber)
func (swapPool *SwapPool) UnpackExpiredError(raw []byte) (*SwapPoolExpired, error) {
	out := new(SwapPoolExpired)
	if err := swapPool.abi.UnpackIntoInterface(out, "Expired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolInsufficientLiquidity represents a InsufficientLiquidity error raised by the SwapPool contract.
type SwapPoolInsufficientLiquidity struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientLiquidity()
func SwapPoolInsufficientLiquidityErrorID() common.Hash {
	return common.HexToHash("0xbb55fd27c46b5ba9f88ff2cb2222216afeb0f193423b26615497b3020ab61f8e")
}

// UnpackInsufficientLiquidityError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientLiquidity()
func (swapPool *SwapPool) UnpackInsufficientLiquidityError(raw []byte) (*SwapPoolInsufficientLiquidity, error) {
	out := new(SwapPoolInsufficientLiquidity)
	if err := swapPool.abi.UnpackIntoInterface(out, "InsufficientLiquidity", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolInsufficientOutput represents a InsufficientOutput error raised by the SwapPool contract.
type SwapPoolInsufficientOutput struct {
	AmountOut    *big.Int
	MinAmountOut *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientOutput(uint256 amountOut, uint256 minAmountOut)
func SwapPoolInsufficientOutputErrorID() common.Hash {
	return common.HexToHash("0x2c19b8b87dc30ba95595ffd66c13e323be53c04224764b08e36f6411939cc30e")
}

// UnpackInsufficientOutputError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientOutput(uint256 amountOut, uint256 minAmountOut)
func (swapPool *SwapPool) UnpackInsufficientOutputError(raw []byte) (*SwapPoolInsufficientOutput, error) {
	out := new(SwapPoolInsufficientOutput)
	if err := swapPool.abi.UnpackIntoInterface(out, "InsufficientOutput", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolReentrancy represents a Reentrancy error raised by the SwapPool contract.
type SwapPoolReentrancy struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Reentrancy()
func SwapPoolReentrancyErrorID() common.Hash {
	return common.HexToHash("0xab143c06c9772d69bbbc9f2fe74acd02f810e93b099f3d1dac8448ac9ae35991")
}

// UnpackReentrancyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Reentrancy()
func (swapPool *SwapPool) UnpackReentrancyError(raw []byte) (*SwapPoolReentrancy, error) {
	out := new(SwapPoolReentrancy)
	if err := swapPool.abi.UnpackIntoInterface(out, "Reentrancy", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolSameToken represents a SameToken error raised by the SwapPool contract.
type SwapPoolSameToken struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SameToken()
func SwapPoolSameTokenErrorID() common.Hash {
	return common.HexToHash("0x201b580a822b46f47433ab241b0489c2311db5148e49f18d2ac4d72b0f6bb951")
}

// UnpackSameTokenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SameToken()
func (swapPool *SwapPool) UnpackSameTokenError(raw []byte) (*SwapPoolSameToken, error) {
	out := new(SwapPoolSameToken)
	if err := swapPool.abi.UnpackIntoInterface(out, "SameToken", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolTransferFailed represents a TransferFailed error raised by the SwapPool contract.
type SwapPoolTransferFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferFailed()
func SwapPoolTransferFailedErrorID() common.Hash {
	return common.HexToHash("0x90b8ec1877afffd816d05d9b13947f3ff18ec5851c38bad15ec2b710f92391b1")
}

// UnpackTransferFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferFailed()
func (swapPool *SwapPool) UnpackTransferFailedError(raw []byte) (*SwapPoolTransferFailed, error) {
	out := new(SwapPoolTransferFailed)
	if err := swapPool.abi.UnpackIntoInterface(out, "TransferFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolUnknownToken represents a UnknownToken error raised by the SwapPool contract.
type SwapPoolUnknownToken struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownToken(address token)
func SwapPoolUnknownTokenErrorID() common.Hash {
	return common.HexToHash("0x81a3b1be793a33711a37ddbe59cab61462924094bee93f89ee4f8da7f0005496")
}

// UnpackUnknownTokenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownToken(address token)
func (swapPool *SwapPool) UnpackUnknownTokenError(raw []byte) (*SwapPoolUnknownToken, error) {
	out := new(SwapPoolUnknownToken)
	if err := swapPool.abi.UnpackIntoInterface(out, "UnknownToken", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwapPoolZeroAmount represents a ZeroAmount error raised by the SwapPool contract.
type SwapPoolZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func SwapPoolZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (swapPool *SwapPool) UnpackZeroAmountError(raw []byte) (*SwapPoolZeroAmount, error) {
	out := new(SwapPoolZeroAmount)
	if err := swapPool.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
