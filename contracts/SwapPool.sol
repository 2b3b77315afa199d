// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20 {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title SwapPool
/// @notice A minimal constant-product (x * y = k) pool between two ERC-20s
/// with a 0.3% fee on the input. Liquidity is tracked as plain shares (no LP
/// token). Reserves are the pool's own accounting: tokens sent to it directly
/// are not counted. For the dev chain and tests; not audited for value.
contract SwapPool {
    address public immutable token0;
    address public immutable token1;
    uint256 public reserve0;
    uint256 public reserve1;
    uint256 public totalShares;
    mapping(address => uint256) public sharesOf;

    uint256 private constant FEE_NUM = 997;
    uint256 private constant FEE_DEN = 1000;
    bool private locked;

    event LiquidityAdded(address indexed provider, uint256 amount0, uint256 amount1, uint256 shares);
    event LiquidityRemoved(address indexed provider, uint256 amount0, uint256 amount1, uint256 shares);
    event Swap(address indexed sender, address indexed tokenIn, uint256 amountIn, uint256 amountOut, address indexed to);

    error UnknownToken(address token);
    error ZeroAmount();
    error SameToken();
    error InsufficientOutput(uint256 amountOut, uint256 minAmountOut);
    error InsufficientLiquidity();
    error TransferFailed();
    error Reentrancy();
    error Expired(uint256 deadlineBlock, uint256 blockNumber);

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    constructor(address token0_, address token1_) {
        if (token0_ == token1_) revert SameToken();
        token0 = token0_;
        token1 = token1_;
    }

    /// @notice The output of swapping `amountIn` of `tokenIn` at the current reserves.
    function getAmountOut(address tokenIn, uint256 amountIn) public view returns (uint256) {
        (uint256 rIn, uint256 rOut) = _reserves(tokenIn);
        if (amountIn == 0) revert ZeroAmount();
        if (rIn == 0 || rOut == 0) revert InsufficientLiquidity();
        uint256 inWithFee = amountIn * FEE_NUM;
        return (inWithFee * rOut) / (rIn * FEE_DEN + inWithFee);
    }

    /// @notice Swaps exactly `amountIn` of `tokenIn` (pulled with transferFrom,
    /// so approve first) for at least `minAmountOut` of the other token, sent to `to`,
    /// in a block no later than `deadlineBlock` (a signed trade cannot be held
    /// back and executed at a worse moment).
    function swapExactIn(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to, uint256 deadlineBlock)
        external
        nonReentrant
        returns (uint256 amountOut)
    {
        if (block.number > deadlineBlock) revert Expired(deadlineBlock, block.number);
        amountOut = getAmountOut(tokenIn, amountIn);
        if (amountOut < minAmountOut) revert InsufficientOutput(amountOut, minAmountOut);
        address tokenOut;
        if (tokenIn == token0) {
            tokenOut = token1;
            reserve0 += amountIn;
            reserve1 -= amountOut;
        } else {
            tokenOut = token0;
            reserve1 += amountIn;
            reserve0 -= amountOut;
        }
        _pull(tokenIn, amountIn);
        _push(tokenOut, to, amountOut);
        emit Swap(msg.sender, tokenIn, amountIn, amountOut, to);
    }

    /// @notice Adds liquidity. The first deposit sets the price; later ones
    /// get shares in proportion to the smaller of the two ratios.
    function addLiquidity(uint256 amount0, uint256 amount1) external nonReentrant returns (uint256 shares) {
        if (amount0 == 0 || amount1 == 0) revert ZeroAmount();
        if (totalShares == 0) {
            shares = _sqrt(amount0 * amount1);
        } else {
            uint256 s0 = (amount0 * totalShares) / reserve0;
            uint256 s1 = (amount1 * totalShares) / reserve1;
            shares = s0 < s1 ? s0 : s1;
        }
        if (shares == 0) revert ZeroAmount();
        totalShares += shares;
        sharesOf[msg.sender] += shares;
        reserve0 += amount0;
        reserve1 += amount1;
        _pull(token0, amount0);
        _pull(token1, amount1);
        emit LiquidityAdded(msg.sender, amount0, amount1, shares);
    }

    /// @notice Burns `shares` and returns the caller's part of both reserves.
    function removeLiquidity(uint256 shares) external nonReentrant returns (uint256 amount0, uint256 amount1) {
        if (shares == 0) revert ZeroAmount();
        if (sharesOf[msg.sender] < shares) revert InsufficientLiquidity();
        amount0 = (shares * reserve0) / totalShares;
        amount1 = (shares * reserve1) / totalShares;
        sharesOf[msg.sender] -= shares;
        totalShares -= shares;
        reserve0 -= amount0;
        reserve1 -= amount1;
        _push(token0, msg.sender, amount0);
        _push(token1, msg.sender, amount1);
        emit LiquidityRemoved(msg.sender, amount0, amount1, shares);
    }

    function _reserves(address tokenIn) private view returns (uint256 rIn, uint256 rOut) {
        if (tokenIn == token0) return (reserve0, reserve1);
        if (tokenIn == token1) return (reserve1, reserve0);
        revert UnknownToken(tokenIn);
    }

    function _pull(address token, uint256 amount) private {
        if (!IERC20(token).transferFrom(msg.sender, address(this), amount)) revert TransferFailed();
    }

    function _push(address token, address to, uint256 amount) private {
        if (!IERC20(token).transfer(to, amount)) revert TransferFailed();
    }

    function _sqrt(uint256 y) private pure returns (uint256 z) {
        if (y > 3) {
            z = y;
            uint256 x = y / 2 + 1;
            while (x < z) {
                z = x;
                x = (y / x + x) / 2;
            }
        } else if (y != 0) {
            z = 1;
        }
    }
}
