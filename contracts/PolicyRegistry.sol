// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PolicyRegistry (v2)
/// @notice Per account, what a Leash signer may accept proofs for:
///  - the policy commitment the account published, with the hash of the
///    Groth16 verifying key that checks proofs against it;
///  - the program commitments P it published, each with the hash of its
///    template circuit's verifying key.
/// Only the account itself changes its entries. Each entry can be revoked:
/// signers that see their pinned commitment or program revoked (or not
/// published, or published with another key hash) refuse to sign. Every
/// change emits an event.
contract PolicyRegistry {
    struct Entry {
        bytes32 commitment;
        bytes32 vkHash;
        bool revoked;
    }

    struct ProgramEntry {
        bytes32 vkHash; // zero: never published
        bool revoked;
    }

    mapping(address => Entry) private entries;
    mapping(address => mapping(bytes32 => ProgramEntry)) private programs;

    /// @notice `account` published `commitment`, checked with the key hashing to `vkHash`.
    event Committed(address indexed account, bytes32 indexed commitment, bytes32 vkHash);

    /// @notice `account` revoked `commitment`.
    event Revoked(address indexed account, bytes32 indexed commitment);

    /// @notice `account` published program `program`, checked with the key hashing to `vkHash`.
    event ProgramPublished(address indexed account, bytes32 indexed program, bytes32 vkHash);

    /// @notice `account` revoked program `program`.
    event ProgramRevoked(address indexed account, bytes32 indexed program);

    /// @notice A commitment of zero is never valid (it reads as "no entry").
    error ZeroCommitment();

    /// @notice A vk hash of zero is never valid (it reads as "not published").
    error ZeroVKHash();

    /// @notice There is no live entry to revoke.
    error NothingToRevoke();

    /// @notice Publishes (or replaces) the caller's policy commitment. A new
    /// commitment clears an earlier revocation: it is a new policy the user chose.
    function commit(bytes32 commitment, bytes32 vkHash) external {
        if (commitment == bytes32(0)) revert ZeroCommitment();
        if (vkHash == bytes32(0)) revert ZeroVKHash();
        entries[msg.sender] = Entry(commitment, vkHash, false);
        emit Committed(msg.sender, commitment, vkHash);
    }

    /// @notice Revokes the caller's current policy commitment.
    function revoke() external {
        Entry storage e = entries[msg.sender];
        if (e.commitment == bytes32(0) || e.revoked) revert NothingToRevoke();
        e.revoked = true;
        emit Revoked(msg.sender, e.commitment);
    }

    /// @notice The policy entry of `account`: all zero when it never committed.
    function commitmentOf(address account)
        external
        view
        returns (bytes32 commitment, bytes32 vkHash, bool revoked)
    {
        Entry storage e = entries[account];
        return (e.commitment, e.vkHash, e.revoked);
    }

    /// @notice Publishes program `program` for the caller, with the hash of its
    /// verifying key, or replaces its key hash. Publishing again clears an
    /// earlier revocation: the user chose the program again.
    function publishProgram(bytes32 program, bytes32 vkHash) external {
        if (program == bytes32(0)) revert ZeroCommitment();
        if (vkHash == bytes32(0)) revert ZeroVKHash();
        programs[msg.sender][program] = ProgramEntry(vkHash, false);
        emit ProgramPublished(msg.sender, program, vkHash);
    }

    /// @notice Revokes the caller's program `program`.
    function revokeProgram(bytes32 program) external {
        ProgramEntry storage e = programs[msg.sender][program];
        if (e.vkHash == bytes32(0) || e.revoked) revert NothingToRevoke();
        e.revoked = true;
        emit ProgramRevoked(msg.sender, program);
    }

    /// @notice The entry of program `program` of `account`: all zero when it
    /// was never published.
    function programOf(address account, bytes32 program) external view returns (bytes32 vkHash, bool revoked) {
        ProgramEntry storage e = programs[account][program];
        return (e.vkHash, e.revoked);
    }
}
