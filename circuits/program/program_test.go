package program_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/crypto/sha3"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

func TestGoldenCommitments(t *testing.T) {
	b, err := os.ReadFile("testdata/golden_commitments.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]wire.Hash32
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"threshold", "mlp"} {
		p := programtest.Program(t, name)
		if p.Commitment() != golden[name] {
			t.Errorf("%s: commitment %s, golden %s (a change here changes every pinned program)", name, p.Commitment(), golden[name])
		}
	}
}

// TestCanonical: key order, address case and the cosmetic name do not
// change P; every committed field does.
func TestCanonical(t *testing.T) {
	for _, name := range []string{"threshold", "mlp"} {
		raw := programtest.Example(t, name+".json")
		p := programtest.Program(t, name)
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc["name"] = "renamed"
		doc["oracle"] = strings.ToLower(doc["oracle"].(string))
		b, _ := json.Marshal(doc) // sorted keys: another order
		q, err := program.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if q.Commitment() != p.Commitment() {
			t.Errorf("%s: cosmetic changes moved the commitment", name)
		}
		changes := map[string]func(d map[string]any){
			"oracle":         func(d map[string]any) { d["oracle"] = "0x00000000000000000000000000000000000000aa" },
			"pool":           func(d map[string]any) { d["pool"] = "0x00000000000000000000000000000000000000aa" },
			"base":           func(d map[string]any) { d["base"] = "0x00000000000000000000000000000000000000aa" },
			"quote":          func(d map[string]any) { d["quote"] = "0x00000000000000000000000000000000000000aa" },
			"recipient":      func(d map[string]any) { d["recipient"] = "0x00000000000000000000000000000000000000aa" },
			"priceScale":     func(d map[string]any) { d["priceScale"] = "7" },
			"slippageBps":    func(d map[string]any) { d["slippageBps"] = 3 },
			"deadlineBlocks": func(d map[string]any) { d["deadlineBlocks"] = 4 },
			"maxInputAge":    func(d map[string]any) { d["maxInputAge"] = 61 },
			"salt":           func(d map[string]any) { d["salt"] = "0x" + strings.Repeat("0", 62) + "01" },
		}
		params := doc[name].(map[string]any)
		for k := range params {
			changes[name+"."+k] = func(d map[string]any) {
				m := d[name].(map[string]any)
				switch v := m[k].(type) {
				case string:
					if k == "sellAbove" {
						m[k] = v + "0" // ten times (keeps buyBelow ≤ sellAbove)
					} else {
						m[k] = v[:len(v)-1] // a tenth
					}
				case []any:
					if row, ok := v[1].([]any); ok {
						row[2] = row[2].(float64) + 1
					} else {
						v[1] = v[1].(float64) + 1
					}
				}
			}
		}
		for field, change := range changes {
			var d map[string]any
			_ = json.Unmarshal(raw, &d)
			change(d)
			b, _ := json.Marshal(d)
			q, err := program.Decode(b)
			if err != nil {
				t.Errorf("%s: %s: %v", name, field, err)
				continue
			}
			if q.Commitment() == p.Commitment() {
				t.Errorf("%s: %s is not committed", name, field)
			}
		}
	}
}

// TestExpfail: every testdata/expfail_* file is refused as malformed, with
// a message naming what is wrong.
func TestExpfail(t *testing.T) {
	want := map[string]string{
		"bias_overflow":      "mlp.b2[1]",
		"weight_overflow":    "mlp.w1[3][5]: 128 overflows the int8",
		"w2_rows":            "mlp.w2: 3 rows",
		"fractional_weight":  "w1",
		"unit_overflow":      "mlp.buyUnit",
		"thresholds_crossed": "buyBelow",
		"threshold_overflow": "threshold.sellAbove",
		"slope_overflow":     "threshold.buySlope",
		"missing_param":      "threshold.sellMax: required",
		"price_scale_zero":   "priceScale",
		"slippage":           "slippageBps",
		"unknown_template":   "lstm",
		"two_templates":      "one template only",
		"same_token":         "same token",
		"no_salt":            "salt",
		"unknown_field":      "extra",
		"zero_oracle":        "oracle",
		"duplicate_key":      "version",
		"truncated":          "",
		"zero_deadline":      "deadlineBlocks: 0",
		"input_age_overflow": "maxInputAge",
		"missing_deadline":   "deadlineBlocks: required",
	}
	files, _ := filepath.Glob("testdata/expfail_*.json")
	if len(files) != len(want) {
		t.Errorf("%d expfail files, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		_, err := program.Decode(b)
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "expfail_"), ".json")
		if !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: got %v, want malformed", name, err)
			continue
		}
		if !strings.Contains(err.Error(), want[name]) {
			t.Errorf("%s: message %q does not mention %q", name, err, want[name])
		}
	}
}

func TestThresholdDecide(t *testing.T) {
	p := programtest.Program(t, "threshold") // buy below 2,900, sell above 3,100
	e18 := func(x float64) *big.Int {
		v, _ := new(big.Float).Mul(big.NewFloat(x), big.NewFloat(1e18)).Int(nil)
		return v
	}
	cases := []struct {
		price  int64 // dUSD
		action program.Action
		amount *big.Int
	}{
		{3000, program.Hold, new(big.Int)},
		{2900, program.Hold, new(big.Int)}, // strictly below to buy
		{3100, program.Hold, new(big.Int)},
		{2899, program.Buy, e18(101)},   // 100 + 1 dUSD per dUSD below
		{2800, program.Buy, e18(200)},   // 100 + 100
		{1000, program.Buy, e18(1000)},  // capped at buyMax
		{3101, program.Sell, e18(0.05)}, // 0.05 + 0.0005 per dUSD above
		{3200, program.Sell, e18(0.1)},
		{9000, program.Sell, e18(0.5)}, // capped at sellMax
	}
	for _, c := range cases {
		price := new(big.Int).Mul(big.NewInt(c.price), big.NewInt(1e8))
		d, err := p.Decide([]*big.Int{price})
		if err != nil {
			t.Fatal(err)
		}
		want := c.amount
		if c.action == program.Sell {
			want = new(big.Int).Add(e18(0.05), new(big.Int).Mul(big.NewInt(5e14), big.NewInt(c.price-3100)))
			if want.Cmp(e18(0.5)) > 0 {
				want = e18(0.5)
			}
		}
		if d.Action != c.action || d.AmountIn.Cmp(want) != 0 {
			t.Errorf("price %d: %s %s, want %s %s", c.price, d.Action, d.AmountIn, c.action, want)
		}
		if d.Action == program.Hold && (d.MinOut.Sign() != 0 || d.AmountIn.Sign() != 0) {
			t.Errorf("price %d: a hold with amounts", c.price)
		}
	}
}

func TestMinOut(t *testing.T) {
	scale := big.NewInt(1e8)
	price := big.NewInt(3000_00000000)
	e18 := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	// Sell 1 dETH at 3,000 with 1% slippage: at least 2,970 dUSD.
	got := program.MinOut(false, e18, price, scale, 100)
	if want := new(big.Int).Mul(big.NewInt(2970), e18); got.Cmp(want) != 0 {
		t.Errorf("sell: %s, want %s", got, want)
	}
	// Buy with 3,000 dUSD at 3,000 with 0%: exactly 1 dETH.
	got = program.MinOut(true, new(big.Int).Mul(big.NewInt(3000), e18), price, scale, 0)
	if got.Cmp(e18) != 0 {
		t.Errorf("buy: %s, want %s", got, e18)
	}
}

func TestMLPExample(t *testing.T) {
	p := programtest.Program(t, "mlp")
	for _, c := range []struct {
		lastBps int64
		action  program.Action
	}{{0, program.Hold}, {30, program.Hold}, {-300, program.Buy}, {300, program.Sell}} {
		d, err := p.Decide(programtest.Prices(program.MLPInputs, c.lastBps))
		if err != nil {
			t.Fatal(err)
		}
		if d.Action != c.action {
			t.Errorf("last move %d bps: %s, want %s", c.lastBps, d.Action, c.action)
		}
		if d.Action != program.Hold && (d.AmountIn.Sign() <= 0 || d.MinOut.Sign() <= 0) {
			t.Errorf("last move %d bps: empty trade %+v", c.lastBps, d)
		}
	}
}

func TestInputsRange(t *testing.T) {
	p := programtest.Program(t, "mlp")
	bad := [][]*big.Int{
		programtest.Prices(7, 0),
		append(programtest.Prices(7, 0), big.NewInt(0)),
		append(programtest.Prices(7, 0), big.NewInt(-5)),
		append(programtest.Prices(7, 0), new(big.Int).Lsh(big.NewInt(1), 64)),
		append(programtest.Prices(7, 0), nil),
	}
	for i, in := range bad {
		if _, err := p.Decide(in); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("case %d: got %v, want malformed", i, err)
		}
	}
}

// TestCalldata checks the swap encoding against go-ethereum's ABI packer.
func TestCalldata(t *testing.T) {
	p := programtest.Program(t, "threshold")
	d, err := p.Decide([]*big.Int{big.NewInt(2800_00000000)})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := abi.JSON(strings.NewReader(`[{"type":"function","name":"swapExactIn","inputs":[
		{"name":"tokenIn","type":"address"},{"name":"amountIn","type":"uint256"},
		{"name":"minAmountOut","type":"uint256"},{"name":"to","type":"address"},{"name":"deadline","type":"uint256"}],"outputs":[]}]`))
	if err != nil {
		t.Fatal(err)
	}
	const block = 41
	want, err := parsed.Pack("swapExactIn", common.Address(d.TokenIn), d.AmountIn, d.MinOut, common.Address(p.Recipient),
		new(big.Int).SetUint64(block+p.DeadlineBlocks))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Calldata(d, block); !bytes.Equal(got, want) {
		t.Errorf("calldata\n got %x\nwant %x", got, want)
	}
	tx, err := p.BuildTx(d, block, program.Fees{ChainID: 1337, Gas: 1, MaxFeePerGas: big.NewInt(1)})
	if err != nil || tx.To != p.Pool || tx.Value.Sign() != 0 {
		t.Errorf("tx %+v, %v", tx, err)
	}
	hold, _ := p.Decide([]*big.Int{big.NewInt(3000_00000000)})
	if _, err := p.BuildTx(hold, block, program.Fees{ChainID: 1337, Gas: 1}); wire.CodeOf(err) != program.NoTrade {
		t.Errorf("a hold built a transaction: %v", err)
	}
}

func TestReadInputs(t *testing.T) {
	ctx := t.Context()
	oracle := wire.Address{9}
	c := programtest.NewFakeChain(1337)
	var blocks []uint64
	for i := int64(1); i <= 10; i++ {
		blocks = append(blocks, c.SetPrice(oracle, big.NewInt(i*100)))
	}
	got, err := program.ReadInputs(ctx, c, oracle, blocks[7], 8)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v.Int64() != int64(i+1)*100 {
			t.Fatalf("at block %d: %v", blocks[7], got)
		}
	}
	if _, err := program.ReadInputs(ctx, c, oracle, blocks[6], 8); !errors.Is(err, wire.ErrInputMismatch) {
		t.Errorf("7 rounds for 8 inputs: %v", err)
	}
	if _, err := program.ReadInputs(ctx, c, wire.Address{8}, blocks[9], 1); !errors.Is(err, wire.ErrInputMismatch) {
		t.Errorf("no oracle: %v", err)
	}
	c.Fail(errors.New("dial tcp: connection refused"))
	if _, err := program.ReadInputs(ctx, c, oracle, blocks[9], 8); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Errorf("unreachable: %v", err)
	}
	if _, _, err := program.ReadLatest(ctx, c, oracle, 8); !errors.Is(err, wire.ErrInputUnavailable) {
		t.Errorf("unreachable head: %v", err)
	}
}

func TestPin(t *testing.T) {
	p := programtest.Program(t, "mlp")
	b, _ := json.Marshal(p.Pin())
	pin, err := program.DecodePin(b)
	if err != nil || *pin != p.Pin() {
		t.Fatalf("%v %+v", err, pin)
	}
	good := string(b)
	for _, bad := range []string{`{}`, `{"commitment":"0x01","template":"nope","oracle":"0x0000000000000000000000000000000000000001"}`,
		`{"commitment":"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff","template":"mlp","oracle":"0x0000000000000000000000000000000000000001","pool":"0x0000000000000000000000000000000000000002","maxInputAge":60}`,
		strings.Replace(good, `"maxInputAge":3600`, `"maxInputAge":0`, 1),
		strings.Replace(good, `"pool":"0xdc64a140aa3e981100a9beca4e685f962f0cf6c9"`, `"pool":"0x0000000000000000000000000000000000000000"`, 1),
		strings.Replace(good, `,"maxInputAge":3600`, ``, 1),
		strings.Replace(good, `,"pool":"0xdc64a140aa3e981100a9beca4e685f962f0cf6c9"`, ``, 1)} {
		if bad == good {
			t.Fatalf("the edit did not apply to %s", good)
		}
		if _, err := program.DecodePin([]byte(bad)); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestSwapSelector(t *testing.T) {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(program.SwapSignature))
	if got := h.Sum(nil)[:4]; !bytes.Equal(got, program.SwapSelector[:]) {
		t.Fatalf("SwapSelector %x, keccak256(%q)[:4] is %x", program.SwapSelector, program.SwapSignature, got)
	}
}
