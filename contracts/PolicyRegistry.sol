// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PolicyRegistry
/// @notice Maps an account to the Leash policy commitment it published and the
/// hash of the Groth16 verifying key that checks proofs against it. Only the
/// account itself can change its entry. Revoking is the on-chain kill switch:
/// signers that see `revoked == true` for their pinned commitment refuse to sign.
contract PolicyRegistry {
    struct Entry {
        bytes32 commitment;
        bytes32 vkHash;
        bool revoked;
    }

    mapping(address => Entry) private entries;

    /// @notice `account` published `commitment`, checked with the key hashing to `vkHash`.
    event Committed(address indexed account, bytes32 indexed commitment, bytes32 vkHash);

    /// @notice `account` revoked `commitment`.
    event Revoked(address indexed account, bytes32 indexed commitment);

    /// @notice A commitment of zero is never valid (it reads as "no entry").
    error ZeroCommitment();

    /// @notice The account has no live commitment to revoke.
    error NothingToRevoke();

    /// @notice Publishes (or replaces) the caller's commitment. A new commitment
    /// clears an earlier revocation: it is a new policy the user chose.
    function commit(bytes32 commitment, bytes32 vkHash) external {
        if (commitment == bytes32(0)) revert ZeroCommitment();
        entries[msg.sender] = Entry(commitment, vkHash, false);
        emit Committed(msg.sender, commitment, vkHash);
    }

    /// @notice Revokes the caller's current commitment.
    function revoke() external {
        Entry storage e = entries[msg.sender];
        if (e.commitment == bytes32(0) || e.revoked) revert NothingToRevoke();
        e.revoked = true;
        emit Revoked(msg.sender, e.commitment);
    }

    /// @notice The entry of `account`: all zero when it never committed.
    function commitmentOf(address account)
        external
        view
        returns (bytes32 commitment, bytes32 vkHash, bool revoked)
    {
        Entry storage e = entries[account];
        return (e.commitment, e.vkHash, e.revoked);
    }
}
