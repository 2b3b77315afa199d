//go:build js && wasm

// Command relayworker is the wasm of the Cloudflare Workers relay: see
// package relay/worker. The glue (relay/worker/src/index.mjs) starts it
// with a runtime context; durableObject: true selects the Durable Object
// side, anything else the Worker's HTTP routes through syumai/workers.
package main

import (
	"fmt"
	"os"
	"syscall/js"

	"github.com/leash-wallet/leash/relay/worker"
	"github.com/syumai/workers"
)

func main() {
	rc := js.Global().Get("context")
	if rc.Get("durableObject").Truthy() {
		if err := worker.RunDurable(rc); err != nil {
			rc.Get("binding").Set("error", err.Error())
			fmt.Fprintln(os.Stderr, "relay:", err)
			return
		}
		select {} // serve the entry points until the object goes away
	}
	workers.Serve(worker.Handler())
}
