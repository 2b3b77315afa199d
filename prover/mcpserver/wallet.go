package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// WalletResult is get_wallet_details' output (GET /v1/wallet).
type WalletResult struct {
	Account        string         `json:"account,omitempty" jsonschema:"the wallet's address (the user's account the signer signs for)"`
	ChainID        uint64         `json:"chainId"`
	Balances       []Balance      `json:"balances" jsonschema:"native and token balances in whole units"`
	Budget         []BudgetLine   `json:"budget" jsonschema:"every spending window: spent, cap, what is left and when it frees up"`
	PerTransaction PerTransaction `json:"perTransaction" jsonschema:"the per-transaction caps"`
	Policy         WalletPolicy   `json:"policy"`
	Signer         SignerStatus   `json:"signer"`
	Warnings       []string       `json:"warnings" jsonschema:"what could not be read"`
}

// Balance is one balance in whole units.
type Balance struct {
	Symbol   string `json:"symbol"`
	Token    string `json:"token,omitempty" jsonschema:"the token's address; absent for ETH"`
	Label    string `json:"label,omitempty"`
	Decimals int    `json:"decimals"`
	Amount   string `json:"amount" jsonschema:"whole units"`
	Raw      string `json:"raw" jsonschema:"base units"`
}

// BudgetLine is one window rule.
type BudgetLine struct {
	Rule          string `json:"rule"`
	Symbol        string `json:"symbol"`
	Token         string `json:"token,omitempty"`
	Spent         string `json:"spent"`
	Cap           string `json:"cap"`
	Remaining     string `json:"remaining"`
	WindowSeconds uint64 `json:"windowSeconds"`
	ResetsAt      string `json:"resetsAt,omitempty" jsonschema:"when the oldest counted spend leaves the window (RFC 3339)"`
	Frees         string `json:"frees,omitempty" jsonschema:"what leaves the window then"`
	Text          string `json:"text"`
}

// PerTransaction are the per-transaction caps.
type PerTransaction struct {
	MaxValue string     `json:"maxValue"`
	MaxFee   string     `json:"maxFee"`
	Tokens   []TokenCap `json:"tokens"`
}

// TokenCap is a token's per-transfer cap and allowlists.
type TokenCap struct {
	Token      string   `json:"token"`
	Label      string   `json:"label,omitempty"`
	MaxAmount  string   `json:"maxAmount"`
	Recipients []string `json:"recipients"`
	Spenders   []string `json:"spenders"`
}

// WalletPolicy names the policy.
type WalletPolicy struct {
	Commitment  string `json:"commitment"`
	Name        string `json:"name,omitempty"`
	NotAfter    string `json:"notAfter"`
	Description string `json:"description"`
}

// SignerStatus is what the agent host knows of the signer.
type SignerStatus struct {
	Paired         bool    `json:"paired"`
	Relay          string  `json:"relay,omitempty"`
	RelayConnected *bool   `json:"relayConnected,omitempty"`
	LastHeard      string  `json:"lastHeard,omitempty"`
	Receipts       uint64  `json:"receipts"`
	NextNonce      *uint64 `json:"nextNonce,omitempty"`
	InFlight       int     `json:"inFlight"`
	Queued         int     `json:"queued"`
}

func (t *tools) wallet(ctx context.Context, _ *mcp.CallToolRequest, _ Empty) (*mcp.CallToolResult, WalletResult, error) {
	w, err := t.c.Wallet(ctx)
	if err != nil {
		return nil, WalletResult{}, t.fail(err)
	}
	var out WalletResult
	b, err := json.Marshal(w)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		return nil, WalletResult{}, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: walletText(out)}, &mcp.TextContent{Text: string(mustJSON(out))}}}, out, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// walletText is the wallet in a few lines for the model.
func walletText(w WalletResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Account %s on chain %d.\n", orDefault(w.Account, "(unknown)"), w.ChainID)
	if len(w.Balances) > 0 {
		var bs []string
		for _, x := range w.Balances {
			bs = append(bs, x.Amount+" "+x.Symbol)
		}
		fmt.Fprintf(&b, "Balances: %s.\n", strings.Join(bs, ", "))
	}
	for _, l := range w.Budget {
		fmt.Fprintf(&b, "Budget (%s): %s\n", l.Rule, l.Text)
	}
	fmt.Fprintf(&b, "Per transaction: at most %s, fees at most %s.", w.PerTransaction.MaxValue, w.PerTransaction.MaxFee)
	for _, c := range w.PerTransaction.Tokens {
		fmt.Fprintf(&b, " %s: at most %s per transfer or approve.", orDefault(c.Label, c.Token), c.MaxAmount)
	}
	b.WriteString("\n")
	s := w.Signer
	link := "relay state unknown"
	if s.RelayConnected != nil {
		link = map[bool]string{true: "relay connected", false: "relay DISCONNECTED"}[*s.RelayConnected]
	}
	fmt.Fprintf(&b, "Signer: paired, %s, %d receipts", link, s.Receipts)
	if s.LastHeard != "" {
		fmt.Fprintf(&b, ", last heard %s", s.LastHeard)
	}
	fmt.Fprintf(&b, "; %d in flight, %d queued.\n", s.InFlight, s.Queued)
	for _, x := range w.Warnings {
		fmt.Fprintf(&b, "Warning: %s\n", x)
	}
	b.WriteString("Policy:\n" + w.Policy.Description)
	return b.String()
}
