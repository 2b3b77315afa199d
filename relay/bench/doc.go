// Package bench is the relay's load generator (`leash relay bench`) and the
// bare gorilla/websocket forwarder it is compared with.
//
// A load run opens one sender (agent) and one recipient (signer) connection
// per channel, seals every message with a real e2e session and opens it at
// the recipient, and measures latency from the intended send time (open
// loop, so a slow relay cannot hide queueing) or the actual send time
// (closed loop, for peak throughput). It counts messages the relay
// acknowledged as stored but never delivered (lost) and messages delivered
// twice (duplicates).
//
// The suite scenario runs the targets of the relay issue against child
// processes of this binary (a relay on a fresh data directory, and the
// forwarder) and prints one table. Only loopback addresses are used.
package bench
