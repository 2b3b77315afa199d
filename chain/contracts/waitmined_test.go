package contracts

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
)

// A node that serves a transaction's receipt (block 10) while its latest
// block is still 9 for the next few calls, as go-ethereum's dev node can:
// WaitMined returns only once block 10 is the latest, so that a call or a
// gas estimate sent next runs on the transaction's state. (The old
// WaitMined returned on the receipt and never asked for the head.)
func TestWaitMinedWaitsForTheHead(t *testing.T) {
	const behind = 3
	var heads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var result any
		switch req.Method {
		case "eth_getTransactionReceipt":
			result = &types.Receipt{Type: types.DynamicFeeTxType, Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: 21000,
				Logs: []*types.Log{}, TxHash: common.Hash{1}, GasUsed: 21000, BlockHash: common.Hash{2}, BlockNumber: big.NewInt(10)}
		case "eth_getBlockByNumber":
			n := int64(9)
			if heads.Add(1) > behind {
				n = 10
			}
			result = &types.Header{Number: big.NewInt(n), Difficulty: new(big.Int)}
		default:
			http.Error(w, "unexpected "+req.Method, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result})
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rpc, err := ethclient.DialContext(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rpc.Close()
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: big.NewInt(1337), Gas: 21000})
	rs, err := WaitMined(ctx, rpc, tx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].BlockNumber.Int64() != 10 {
		t.Fatalf("receipts %+v", rs)
	}
	if got := heads.Load(); got != behind+1 {
		t.Fatalf("WaitMined returned after %d head reads, want %d (until block 10 is the latest)", got, behind+1)
	}
	// A head that never comes: WaitMined ends with the context.
	heads.Store(-1 << 20)
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if _, err := WaitMined(short, rpc, tx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a head that never comes: %v", err)
	}
}
