// Package x402ref runs the x402 reference resource server and facilitator
// (tests/x402/server.mjs, built from @x402/express, @x402/core and
// @x402/evm) as a child process, for the interop tests and the demo. It
// needs Node and the repository's node_modules.
//
// Guarantees: Start returns only once the server printed its ready line
// (or fails, with the child's log); Close stops it with SIGTERM, waits
// for its exit and reports anything but a clean exit 0.
package x402ref
