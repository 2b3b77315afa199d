// Package mcpserver exposes the agent-host daemon to LLM agents as a Model
// Context Protocol server, over stdio or Streamable HTTP (behind httpguard,
// with a bearer token). It is a thin client of the daemon's HTTP API and
// adds no authority: what the signer signs is still decided by the user's
// policy and the proofs.
//
// Tools: get_wallet_details, transfer_native, transfer_erc20,
// approve_erc20, call_contract, run_program, transaction_status, list_transactions,
// describe_policy and list_tasks. Each has a JSON Schema input, an output
// schema with structured content, and annotations. Amounts are in whole
// units ("0.1" is 0.1 ETH; token decimals are read from the chain).
//
// Guarantees to the model: a refusal is a tool error (isError) whose text
// names the rule and what would pass; an unreachable daemon is a tool error
// naming `leash agent-host`; a wait sends progress notifications when the
// client asked for them, and without a progress token never outlasts the
// 60 s default timeout of the common clients.
package mcpserver
