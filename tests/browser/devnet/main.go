// Command devnet is the browser tests' fallback when `leash devnet` is not
// built: the same in-process go-ethereum dev node (chain/devnet), printing
// its Info as one JSON line and running until SIGINT/SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/leash-wallet/leash/chain/devnet"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "JSON-RPC listen address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := devnet.Run(ctx, devnet.Config{Addr: *addr}, func(info devnet.Info) {
		b, _ := json.Marshal(info)
		fmt.Println(string(b))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "devnet:", err)
		os.Exit(1)
	}
}
