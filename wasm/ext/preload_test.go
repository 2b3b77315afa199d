package ext

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/leash-wallet/leash/wasm/signer"
)

// getLog is a signer.Store that records the keys read.
type getLog struct {
	signer.Store
	mu   sync.Mutex
	gets []string
}

func (g *getLog) Get(ctx context.Context, key string) ([]byte, error) {
	g.mu.Lock()
	g.gets = append(g.gets, key)
	g.mu.Unlock()
	return g.Store.Get(ctx, key)
}

// The extension worker reads the records the core opens over in one
// chrome.storage read while the module compiles (extension/sw/state.js,
// CORE_OPEN_KEYS); a key New reads that the list lacks costs a round trip
// through the event loop in every cold boot (two did, unnoticed).
func TestPreloadCoversOpen(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "extension", "sw", "state.js"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const CORE_OPEN_KEYS = \[([^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no CORE_OPEN_KEYS in extension/sw/state.js")
	}
	listed := map[string]bool{}
	for _, q := range regexp.MustCompile(`'([^']*)'`).FindAllSubmatch(m[1], -1) {
		listed[string(q[1])] = true
	}
	store := &getLog{Store: signer.NewMemStore()}
	if _, err := signer.New(context.Background(), signer.Config{Store: store, Authenticate: true}); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, k := range store.gets {
		if !listed[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 || len(store.gets) == 0 {
		t.Fatalf("signer.New reads %q; CORE_OPEN_KEYS lacks %q", store.gets, strings.Join(missing, ", "))
	}
}
