package ext

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// Warning codes of a message approval.
const (
	WarnBinary        = "binary"         // not printable text: it could be a hash of anything
	WarnSIWEURI       = "siwe_uri"       // the sign-in message's URI is on another origin
	WarnSIWEChain     = "siwe_chain"     // the sign-in message names another chain
	RefuseSIWEDomain  = "siwe_domain"    // a sign-in message for another site than the one asking
	RefuseSIWEAccount = "siwe_account"   // a sign-in message for another account
	RefuseSIWEBad     = "siwe_malformed" // reads as a sign-in message but is not a well-formed one
)

// MessageBytes is what personal_sign signs for a request's parameter:
// the bytes of a 0x-prefixed hex string of even length, else the string's
// UTF-8 bytes (what wallets do). The approval screen and the signature use
// this one decoding.
func MessageBytes(param string) ([]byte, error) {
	if len(param) > 2*MaxMessage+2 {
		return nil, wire.Errorf(wire.Malformed, "message of %d characters exceeds %d bytes", len(param), MaxMessage)
	}
	if strings.HasPrefix(param, "0x") && len(param)%2 == 0 {
		if b, err := hex.DecodeString(param[2:]); err == nil {
			return b, nil
		}
	}
	if !utf8.ValidString(param) {
		return nil, wire.Errorf(wire.Malformed, "message is not valid UTF-8")
	}
	return []byte(param), nil
}

// SIWE is an EIP-4361 sign-in message, decoded.
type SIWE struct {
	Scheme    string `json:"scheme,omitempty"`
	Domain    string `json:"domain"`
	Address   string `json:"address"`
	Statement string `json:"statement,omitempty"`
	URI       string `json:"uri"`
	Version   string `json:"version"`
	ChainID   string `json:"chainId"`
	Nonce     string `json:"nonce"`
	IssuedAt  string `json:"issuedAt"`
	Expires   string `json:"expirationTime,omitempty"`
}

// MessageView is a personal_sign request as the approval shows it.
type MessageView struct {
	Text     string           `json:"text,omitempty"` // the message, when it is printable text
	Hex      string           `json:"hex"`
	Bytes    int              `json:"bytes"`
	SIWE     *SIWE            `json:"siwe,omitempty"`
	Warnings []signer.Warning `json:"warnings"`
	// Refuse is set when Leash will not sign it, whatever the user clicks.
	Refuse *signer.Problem `json:"refuse,omitempty"`
}

const siweHeader = " wants you to sign in with your Ethereum account:"

// InspectMessage decodes a personal_sign request from origin (the
// browser's origin of the requesting page) for account: printable text or
// hex, and an EIP-4361 sign-in message checked against the origin (its
// domain must be the requesting site's), the account and chainID (0: not
// checked).
func InspectMessage(param, origin string, account wire.Address, chainID uint64) (*MessageView, error) {
	b, err := MessageBytes(param)
	if err != nil {
		return nil, err
	}
	v := &MessageView{Hex: "0x" + hex.EncodeToString(b), Bytes: len(b), Warnings: []signer.Warning{}}
	text := string(b)
	if !utf8.Valid(b) || !printable(text) {
		v.Warnings = append(v.Warnings, signer.Warning{Code: WarnBinary, Message: "this is not text: it could be the hash of a transaction or of anything else; sign it only if you know exactly what it is"})
		return v, nil
	}
	v.Text = text
	if !strings.Contains(text, siweHeader) {
		return v, nil
	}
	s, err := parseSIWE(text)
	if err != nil {
		v.Refuse = &signer.Problem{Code: RefuseSIWEBad, Message: "this reads as a sign-in message but is not a well-formed one (" + err.Error() + "): Leash does not sign it"}
		return v, nil
	}
	v.SIWE = s
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" {
		return nil, wire.Errorf(wire.Malformed, "origin %q is not a URL", origin)
	}
	if !sameSite(s, o) {
		v.Refuse = &signer.Problem{Code: RefuseSIWEDomain, Message: fmt.Sprintf("this sign-in message is for %s, but %s is asking: signing it would log you in to the other site. Leash does not sign it", s.Domain, origin)}
		return v, nil
	}
	if a, err := wire.ParseAddress(s.Address); err != nil || a != account {
		v.Refuse = &signer.Problem{Code: RefuseSIWEAccount, Message: fmt.Sprintf("this sign-in message is for account %s, not yours (%s)", s.Address, ethkey.ChecksumHex(account))}
		return v, nil
	}
	if u, err := url.Parse(s.URI); err != nil || !strings.EqualFold(u.Scheme+"://"+u.Host, o.Scheme+"://"+o.Host) {
		v.Warnings = append(v.Warnings, signer.Warning{Code: WarnSIWEURI, Message: "the message's URI " + s.URI + " is not on " + origin})
	}
	if chainID != 0 && s.ChainID != fmt.Sprint(chainID) {
		v.Warnings = append(v.Warnings, signer.Warning{Code: WarnSIWEChain, Message: "the message names chain " + s.ChainID + ", Leash is set to chain " + fmt.Sprint(chainID)})
	}
	return v, nil
}

// sameSite compares the message's scheme (when given) and domain with the
// requesting origin; a default port may be left out on either side.
func sameSite(s *SIWE, o *url.URL) bool {
	if s.Scheme != "" && !strings.EqualFold(s.Scheme, o.Scheme) {
		return false
	}
	d := s.Domain
	if i := strings.LastIndex(d, "@"); i >= 0 {
		return false // userinfo in the authority: never the requesting site
	}
	return strings.EqualFold(withPort(d, o.Scheme), withPort(o.Host, o.Scheme))
}

func withPort(host, scheme string) string {
	if strings.HasSuffix(host, "]") || !strings.Contains(host, ":") { // no port
		switch scheme {
		case "http":
			return host + ":80"
		case "https":
			return host + ":443"
		}
	}
	return host
}

func printable(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			continue
		}
		if !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// parseSIWE reads the EIP-4361 message format: the header line, the
// address, an optional statement, then the fields in their order.
func parseSIWE(text string) (*SIWE, error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 8 {
		return nil, fmt.Errorf("too few lines")
	}
	head := lines[0]
	if !strings.HasSuffix(head, siweHeader) {
		return nil, fmt.Errorf("the first line is not the sign-in header")
	}
	s := &SIWE{}
	auth := strings.TrimSuffix(head, siweHeader)
	if i := strings.Index(auth, "://"); i >= 0 {
		s.Scheme, auth = auth[:i], auth[i+3:]
		if s.Scheme == "" || strings.ContainsAny(s.Scheme, " /") {
			return nil, fmt.Errorf("bad scheme")
		}
	}
	if auth == "" || strings.ContainsAny(auth, " /?#") {
		return nil, fmt.Errorf("bad domain")
	}
	s.Domain = auth
	if _, err := wire.ParseAddress(lines[1]); err != nil || len(lines[1]) != 42 {
		return nil, fmt.Errorf("the second line is not an address")
	}
	s.Address = lines[1]
	if lines[2] != "" {
		return nil, fmt.Errorf("no blank line after the address")
	}
	i := 3
	switch {
	case strings.HasPrefix(lines[3], "URI: "): // no statement, one blank line (older writers)
	case lines[3] == "": // no statement
		i = 4
	default:
		s.Statement = lines[3]
		if lines[4] != "" {
			return nil, fmt.Errorf("no blank line after the statement")
		}
		i = 5
	}
	fields := []struct {
		name     string
		dst      *string
		optional bool
	}{
		{"URI", &s.URI, false}, {"Version", &s.Version, false}, {"Chain ID", &s.ChainID, false},
		{"Nonce", &s.Nonce, false}, {"Issued At", &s.IssuedAt, false}, {"Expiration Time", &s.Expires, true},
	}
	for _, f := range fields {
		if i < len(lines) && strings.HasPrefix(lines[i], f.name+": ") {
			*f.dst = strings.TrimPrefix(lines[i], f.name+": ")
			i++
		} else if !f.optional {
			return nil, fmt.Errorf("no %s line", f.name)
		}
	}
	if s.Version != "1" {
		return nil, fmt.Errorf("version %q", s.Version)
	}
	for ; i < len(lines); i++ {
		l := lines[i]
		if !(strings.HasPrefix(l, "Not Before: ") || strings.HasPrefix(l, "Request ID: ") || l == "Resources:" || strings.HasPrefix(l, "- ")) {
			return nil, fmt.Errorf("unexpected line %q", clip(l))
		}
	}
	return s, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
