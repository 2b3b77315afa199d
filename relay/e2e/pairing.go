package e2e

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leash-wallet/leash/wire"
)

// MaxPairingURI bounds the pairing URI (it travels in a QR code).
const MaxPairingURI = 1024

// PairingVersion is the pairing URI's "v".
const PairingVersion = 2

// DefaultPairingTTL is how long a new pairing URI is good for.
const DefaultPairingTTL = 15 * time.Minute

// Pairing is the content of a pairing URI
// `leash:pair?v=2&relay=…&channel=…&pub=…&exp=…`: the relay's WebSocket
// URL, the channel secret, the signer's static X25519 public key and the
// expiry. Whoever holds it can log in to the pairing channel and start a
// handshake, so it is shown only to the user who sets up their own agent
// host; it is good for one pairing, until Exp, and worthless after.
type Pairing struct {
	Relay     string // ws:// or wss:// URL of the relay's WebSocket endpoint
	Secret    ChannelSecret
	SignerPub PublicKey
	Exp       int64 // unix seconds; the signer answers no handshake after it
}

// Expired reports whether the URI is past its expiry at now.
func (p Pairing) Expired(now time.Time) bool { return now.Unix() > p.Exp }

// URI renders the pairing URI. Values are url-encoded; the secret and key
// are unpadded base64url.
func (p Pairing) URI() string {
	return "leash:pair?v=2&relay=" + url.QueryEscape(p.Relay) +
		"&channel=" + base64.RawURLEncoding.EncodeToString(p.Secret[:]) +
		"&pub=" + p.SignerPub.String() + "&exp=" + strconv.FormatInt(p.Exp, 10)
}

// ParsePairingURI parses and checks a pairing URI. Every field is required
// and appears once; unknown fields are rejected. It does not check the
// expiry (Expired does).
func ParsePairingURI(s string) (Pairing, error) {
	var p Pairing
	if len(s) > MaxPairingURI {
		return p, wire.Errorf(wire.Malformed, "pairing URI: longer than %d bytes", MaxPairingURI)
	}
	const prefix = "leash:pair?"
	if !strings.HasPrefix(s, prefix) {
		return p, wire.Errorf(wire.Malformed, "pairing URI: must start with %q", prefix)
	}
	q, err := url.ParseQuery(s[len(prefix):])
	if err != nil {
		return p, wire.Errorf(wire.Malformed, "pairing URI: %v", err)
	}
	for k, vs := range q {
		switch k {
		case "relay", "channel", "pub", "exp":
		case "v":
			if len(vs) != 1 || vs[0] != "2" {
				return p, wire.Errorf(Unsupported, "pairing URI: version %q (this code speaks 2)", strings.Join(vs, ","))
			}
			continue
		default:
			return p, wire.Errorf(wire.Malformed, "pairing URI: unknown field %q", k)
		}
		if len(vs) != 1 {
			return p, wire.Errorf(wire.Malformed, "pairing URI: field %q appears %d times", k, len(vs))
		}
	}
	if _, ok := q["v"]; !ok {
		return p, wire.Errorf(Unsupported, "pairing URI: no version (a version-1 URI: make a new one in the signer)")
	}
	for _, k := range []string{"relay", "channel", "pub", "exp"} {
		if _, ok := q[k]; !ok {
			return p, wire.Errorf(wire.Malformed, "pairing URI: missing field %q", k)
		}
	}
	if err := CheckRelayURL(q.Get("relay")); err != nil {
		return p, err
	}
	p.Relay = q.Get("relay")
	if err := decode32(q.Get("channel"), p.Secret[:], "channel secret"); err != nil {
		return p, err
	}
	if p.SignerPub, err = ParsePublicKey(q.Get("pub")); err != nil {
		return p, err
	}
	exp := q.Get("exp")
	if p.Exp, err = strconv.ParseInt(exp, 10, 64); err != nil || p.Exp <= 0 || exp != strconv.FormatInt(p.Exp, 10) {
		return p, wire.Errorf(wire.Malformed, "pairing URI: exp must be unix seconds")
	}
	return p, nil
}

// CheckRelayURL accepts ws:// and wss:// URLs with a host and no user info
// or fragment.
func CheckRelayURL(s string) error {
	if len(s) == 0 || len(s) > 512 {
		return wire.Errorf(wire.Malformed, "relay URL: empty or longer than 512 bytes")
	}
	u, err := url.Parse(s)
	if err != nil {
		return wire.Errorf(wire.Malformed, "relay URL: %v", err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return wire.Errorf(wire.Malformed, "relay URL: scheme must be ws or wss, got %q", u.Scheme)
	}
	if u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return wire.Errorf(wire.Malformed, "relay URL: needs a host, and no user info or fragment")
	}
	return nil
}
