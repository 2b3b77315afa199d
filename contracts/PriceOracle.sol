// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PriceOracle
/// @notice A price feed with Chainlink's AggregatorV3Interface (decimals,
/// description, version, getRoundData, latestRoundData). The owner starts a new
/// round with `setPrice`; rounds are numbered 1, 2, 3, ... and never change
/// once written, so a value read at block B can be re-read later by round id.
/// `latestAnswers` is an extension (not in Chainlink's interface) that returns
/// the last n answers in one call.
contract PriceOracle {
    struct Round {
        int256 answer;
        uint64 startedAt;
        uint64 updatedAt;
    }

    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 1;
    address public immutable owner;
    uint80 public latestRound;

    mapping(uint80 => Round) private rounds;

    /// @notice Same shape as Chainlink's AnswerUpdated.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    error NotOwner();
    error NoDataPresent();

    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) {
        decimals = decimals_;
        description = description_;
        owner = msg.sender;
        _newRound(initialAnswer);
    }

    /// @notice Starts a new round with `answer`. Owner only.
    function setPrice(int256 answer) external returns (uint80 roundId) {
        if (msg.sender != owner) revert NotOwner();
        return _newRound(answer);
    }

    function getRoundData(uint80 _roundId)
        public
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        Round storage r = rounds[_roundId];
        if (r.updatedAt == 0) revert NoDataPresent();
        return (_roundId, r.answer, r.startedAt, r.updatedAt, _roundId);
    }

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return getRoundData(latestRound);
    }

    /// @notice The answers of the last `n` rounds, oldest first, ending with
    /// round `roundId` (the latest). Reverts with NoDataPresent when fewer than
    /// `n` rounds exist.
    function latestAnswers(uint256 n) external view returns (uint80 roundId, int256[] memory answers) {
        roundId = latestRound;
        if (n > roundId) revert NoDataPresent();
        answers = new int256[](n);
        for (uint256 i = 0; i < n; i++) {
            answers[i] = rounds[uint80(roundId - n + 1 + i)].answer;
        }
    }

    function _newRound(int256 answer) private returns (uint80 roundId) {
        roundId = latestRound + 1;
        latestRound = roundId;
        rounds[roundId] = Round(answer, uint64(block.timestamp), uint64(block.timestamp));
        emit NewRound(roundId, msg.sender, block.timestamp);
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }
}
