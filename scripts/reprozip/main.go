// Command reprozip writes a directory as a reproducible zip (package
// internal/reprozip): go run ./scripts/reprozip -dir DIR -out FILE.zip.
// The entries' time is $SOURCE_DATE_EPOCH (unix seconds; required).
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/leash-wallet/leash/internal/reprozip"
)

func main() {
	dir := flag.String("dir", "", "directory to archive")
	out := flag.String("out", "", "zip file to write")
	flag.Parse()
	epoch, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	if *dir == "" || *out == "" || err != nil || epoch < 315532800 { // zip times start in 1980
		fmt.Fprintln(os.Stderr, "usage: SOURCE_DATE_EPOCH=unix-seconds (≥ 1980) reprozip -dir DIR -out FILE.zip")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err == nil {
		err = reprozip.Write(f, *dir, time.Unix(epoch, 0))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.Remove(*out)
		fmt.Fprintln(os.Stderr, "reprozip:", err)
		os.Exit(1)
	}
}
