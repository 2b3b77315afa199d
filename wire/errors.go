package wire

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable, machine-readable error code. Codes are part of the wire
// protocol: they appear in receipts, CLI output and the WASM API, and never
// change meaning once published.
type Code string

// The stable codes of DESIGN.md. A policy violation is PolicyViolation(rule).
const (
	Malformed      Code = "malformed"
	UnknownPolicy  Code = "unknown_policy"
	ProofInvalid   Code = "proof_invalid"
	NonceMismatch  Code = "nonce_mismatch"
	WindowExceeded Code = "window_exceeded"
	StaleTime      Code = "stale_time"
	StaleState     Code = "stale_state"
	Replay         Code = "replay"
	Locked         Code = "locked"
	Revoked        Code = "revoked"
	InputMismatch  Code = "input_mismatch"
	StaleInput     Code = "stale_input"
	// InputUnavailable: a program proof's inputs could not be re-read (the
	// oracle or the signer's RPC is unreachable, or the user's two RPC
	// endpoints disagree on a read the signer relies on); nothing is signed.
	InputUnavailable Code = "input_unavailable"
	// ProgramOnly: a policy-only proposal aims at a call reserved for a
	// program (marked programOnly in the policy, or the pool of a pinned
	// program). Only that program's proof can reach it.
	ProgramOnly Code = "program_only"
	// ProgramReplay: a program decision at block B when the signer already
	// signed one of that program at B or later (decisions are single-use).
	ProgramReplay Code = "program_replay"
	// WrongChain: the signer's RPC serves another chain than the pinned
	// policy's (eth_chainId), so nothing it reads can be relied on.
	WrongChain    Code = "wrong_chain"
	BadPassword   Code = "bad_password"
	Unsatisfiable Code = "unsatisfiable" // the prover could not satisfy the circuit (out of policy)
	Internal      Code = "internal"
)

// Busy: a bounded queue of the signer is full (supervised mode: the
// approvals waiting for the user); the proposal is not kept. Send it again
// later.
const Busy Code = "busy"

// UserRejected: the user rejected the proposal in the approval screen.
const UserRejected Code = "user_rejected"

const policyViolationPrefix = "policy_violation:"

// PolicyViolation is the code for a broken policy rule, e.g.
// "policy_violation:value".
func PolicyViolation(rule string) Code { return Code(policyViolationPrefix + rule) }

// IsPolicyViolation reports whether c is a policy_violation:<rule> code.
func (c Code) IsPolicyViolation() bool { return strings.HasPrefix(string(c), policyViolationPrefix) }

// Rule returns the rule name of a policy_violation code, or "".
func (c Code) Rule() string {
	if !c.IsPolicyViolation() {
		return ""
	}
	return string(c)[len(policyViolationPrefix):]
}

// Error is a coded error. Two *Error values match under errors.Is when their
// codes are equal, so callers test with errors.Is(err, wire.ErrReplay).
type Error struct {
	Code    Code
	Message string
	Err     error // optional cause
}

func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches any *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code
	}
	return false
}

// Sentinels for errors.Is.
var (
	ErrMalformed        = &Error{Code: Malformed}
	ErrUnknownPolicy    = &Error{Code: UnknownPolicy}
	ErrProofInvalid     = &Error{Code: ProofInvalid}
	ErrNonceMismatch    = &Error{Code: NonceMismatch}
	ErrWindowExceeded   = &Error{Code: WindowExceeded}
	ErrStaleTime        = &Error{Code: StaleTime}
	ErrStaleState       = &Error{Code: StaleState}
	ErrReplay           = &Error{Code: Replay}
	ErrLocked           = &Error{Code: Locked}
	ErrRevoked          = &Error{Code: Revoked}
	ErrInputMismatch    = &Error{Code: InputMismatch}
	ErrStaleInput       = &Error{Code: StaleInput}
	ErrInputUnavailable = &Error{Code: InputUnavailable}
	ErrProgramReplay    = &Error{Code: ProgramReplay}
	ErrWrongChain       = &Error{Code: WrongChain}
	ErrBadPassword      = &Error{Code: BadPassword}
	ErrProgramOnly      = &Error{Code: ProgramOnly}
	ErrBusy             = &Error{Code: Busy}
)

// Errorf builds a coded error. A %w verb in format is honoured.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// Violation builds a policy_violation:<rule> error.
func Violation(rule, format string, args ...any) *Error {
	return Errorf(PolicyViolation(rule), format, args...)
}

// CodeOf returns the code carried by err, Internal for an uncoded error and
// "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the human message of err without its code prefix.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		if e.Message != "" {
			return e.Message
		}
		return string(e.Code)
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
