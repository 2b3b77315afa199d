package ext

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// LinkVersion is the version of the persisted link state. Changelog:
//   - 1: static-key sessions (relay protocol 1), secrets in the clear.
//   - 2: relay protocol 2 (Noise IKpsk2 pairing, ratchet, session channel).
//     Version-1 states do not load: pair again.
const LinkVersion = 2

// Bounds of the link's memory and of its persisted state.
const (
	// MaxOutbox bounds the envelopes waiting for the relay's answer.
	MaxOutbox = 256
	// MaxOutboxBytes bounds their total size, so that a full outbox (in
	// base64, with the offers and the session) stays below MaxStateBytes:
	// 256 KiB of envelopes is 342 KiB of base64; 16 offers add 80 KiB.
	MaxOutboxBytes = 256 << 10
	// MaxOffers bounds the handshakes kept for one pairing URI.
	MaxOffers = 16
	// MaxInbound bounds deliveries held before the application took them
	// (the relay's window is 256).
	MaxInbound = 512
	// MaxStateBytes bounds a persisted link state handed back to LoadLink:
	// the strict decoder's document limit.
	MaxStateBytes = wire.MaxDocumentBytes
)

// DefaultTTL is the TTL of the envelopes the extension sends (seconds): a
// day, so that an agent host that is down for a night still gets receipts.
const DefaultTTL = 86400

// RekeyInterval is how often the signer re-keys the session while both
// sides are online (it heard from the agent host within RekeyOnline).
const (
	RekeyInterval = time.Hour
	RekeyOnline   = time.Minute
)

// LinkState is the persisted form of a Link. It holds secrets (the
// signer's static key, session and auth keys): the extension stores it only
// encrypted (extension/sw/linkstore.js, AES-GCM under a non-extractable
// WebCrypto key), never in the clear in chrome.storage.local.
type LinkState struct {
	Version  int               `json:"version"`
	Relay    string            `json:"relay"`
	Static   e2e.Key32         `json:"static"` // the signer's static X25519 private key
	Pairing  *pairingState     `json:"pairing,omitempty"`
	Session  *e2e.SessionState `json:"session,omitempty"`
	Acked    uint64            `json:"acked"` // relay ack point on the current channel
	Outbox   []outItem         `json:"outbox"`
	Lost     uint64            `json:"lost"`     // deliveries the relay numbered and never delivered
	Gaps     uint64            `json:"gaps"`     // e2e sequence numbers skipped
	Rekeyed  int64             `json:"rekeyed"`  // unix seconds of the last re-key sent
	Conflict string            `json:"conflict"` // why the last pairing was refused ("" when none)
}

type pairingState struct {
	Secret e2e.Key32    `json:"secret"` // the URI's channel secret
	Exp    int64        `json:"exp"`
	Auth   e2e.Key32    `json:"auth"` // the signer's auth key for the session channel
	Offers []offerState `json:"offers"`
}

type offerState struct {
	Init     string           `json:"init"`     // message 1 (base64url)
	Response string           `json:"response"` // message 2 (base64url)
	Session  e2e.SessionState `json:"session"`
	Body     string           `json:"body"` // base64url
	At       int64            `json:"at"`
}

type outItem struct {
	Seq      uint64 `json:"seq"`
	Envelope string `json:"envelope"` // base64url
	Tag      string `json:"tag,omitempty"`
	Sent     bool   `json:"-"` // transmitted on the current connection
}

// Message is one application message from the agent host: the typed layer
// {"kind","body"} of the relay client. Body is the JSON text exactly as
// sent, so the core's strict decoders see the original bytes. Seq is the
// relay's delivery number: pass it to Handled.
type Message struct {
	Seq  uint64 `json:"seq"`
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Body string `json:"body"`
	Lost uint64 `json:"lost,omitempty"` // deliveries skipped before it (expired, or acknowledged by another login)
	Gap  uint64 `json:"gap,omitempty"`  // messages the agent host sealed that never arrived before it
}

// Offer is a handshake waiting for the user's confirmation.
type Offer struct {
	AgentKey    string          `json:"agentKey"`
	Fingerprint string          `json:"fingerprint"`
	Code        string          `json:"code"`           // the comparison code; the agent host shows the same
	Body        json.RawMessage `json:"body,omitempty"` // the agent host's self-description, if JSON
	Text        string          `json:"text,omitempty"` // the same, if not JSON
	At          int64           `json:"at"`
}

// Sent reports the relay's answer to one of our envelopes.
type Sent struct {
	Seq    uint64 `json:"seq"`
	Tag    string `json:"tag,omitempty"`
	Status string `json:"status"` // "stored", or the refusal code
}

// Step is what a Link asks its host to do after an input: frames to send
// over the WebSocket, in order, after the state (if Dirty) was persisted;
// messages to handle (then call Handled); an offer or a conflict to show
// the user; Reconnect to close the socket and connect again (the link moved
// to its session channel).
type Step struct {
	Send      [][]byte  `json:"-"`
	Messages  []Message `json:"messages,omitempty"`
	Offer     *Offer    `json:"offer,omitempty"`
	Conflict  string    `json:"conflict,omitempty"`
	Sent      []Sent    `json:"sent,omitempty"`
	Authed    bool      `json:"authed,omitempty"`
	Dropped   []string  `json:"dropped,omitempty"` // why envelopes were dropped (forged, replay…)
	Lost      uint64    `json:"lost,omitempty"`    // deliveries lost before the messages of this step
	Gap       uint64    `json:"gap,omitempty"`     // e2e sequence numbers skipped
	Reconnect bool      `json:"reconnect,omitempty"`
	Dirty     bool      `json:"dirty"`
}

type inbound struct {
	n   uint64
	env []byte
}

// Link is the signer's side of its relay channel: first the pairing
// channel of the URI it shows (answering handshakes, keeping every offer),
// then, once the user confirmed one by its comparison code, the session
// channel the handshake named. It is safe for concurrent use.
type Link struct {
	mu       sync.Mutex
	relay    string
	static   e2e.KeyPair
	pairing  *pairingState
	sess     *e2e.Session
	acked    uint64
	seen     uint64
	outbox   []outItem
	in       []inbound
	cur      *e2e.Opened // handed to the application, not yet handled
	curN     uint64
	lost     uint64
	gaps     uint64
	rekeyed  int64
	heard    time.Time
	conflict string
	authed   bool
	rand     io.Reader
	now      func() time.Time
}

var b64 = base64.RawURLEncoding

// NewLink makes a fresh pairing on relayURL: a new static key and a new
// pairing URI (single use, expiring after ttl; 0: e2e.DefaultPairingTTL).
func NewLink(relayURL string, ttl time.Duration, r io.Reader) (*Link, error) {
	if err := e2e.CheckRelayURL(relayURL); err != nil {
		return nil, err
	}
	if r == nil {
		r = rand.Reader
	}
	kp, err := e2e.GenerateKeyPair(r)
	if err != nil {
		return nil, err
	}
	l := &Link{relay: relayURL, static: kp, rand: r, now: time.Now}
	return l, l.newPairingLocked(ttl)
}

func (l *Link) newPairingLocked(ttl time.Duration) error {
	if ttl <= 0 {
		ttl = e2e.DefaultPairingTTL
	}
	sec, err := e2e.NewChannelSecret(l.rand)
	if err != nil {
		return err
	}
	auth, err := e2e.NewAuthKey(l.rand)
	if err != nil {
		return err
	}
	l.pairing = &pairingState{Secret: e2e.Key32(sec), Exp: l.now().Add(ttl).Unix(), Auth: e2e.Key32(auth), Offers: []offerState{}}
	l.acked, l.seen, l.outbox, l.in, l.cur = 0, 0, nil, nil, nil
	l.conflict = ""
	return nil
}

func (l *Link) pairingLocked() e2e.Pairing {
	return e2e.Pairing{Relay: l.relay, Secret: e2e.ChannelSecret(l.pairing.Secret), SignerPub: l.static.Public, Exp: l.pairing.Exp}
}

// LoadLink restores a Link from its persisted state.
func LoadLink(raw []byte) (*Link, error) {
	if len(raw) > MaxStateBytes {
		return nil, wire.Errorf(wire.Malformed, "link state: %d bytes is too large", len(raw))
	}
	var st LinkState
	if err := wire.DecodeStrict(raw, &st, "link state"); err != nil {
		return nil, err
	}
	if st.Version != LinkVersion {
		return nil, wire.Errorf(wire.Malformed, "link state: version %d is not supported (pair again)", st.Version)
	}
	if err := e2e.CheckRelayURL(st.Relay); err != nil {
		return nil, err
	}
	kp, err := e2e.KeyPairFromPrivate(st.Static)
	if err != nil {
		return nil, err
	}
	l := &Link{relay: st.Relay, static: kp, acked: st.Acked, seen: st.Acked, lost: st.Lost, gaps: st.Gaps,
		rekeyed: st.Rekeyed, conflict: st.Conflict, rand: rand.Reader, now: time.Now}
	if (st.Session == nil) == (st.Pairing == nil) {
		return nil, wire.Errorf(wire.Malformed, "link state: exactly one of pairing and session")
	}
	if st.Session != nil {
		if l.sess, err = e2e.LoadSession(*st.Session); err != nil {
			return nil, err
		}
		if l.sess.Role() != e2e.RoleSigner {
			return nil, wire.Errorf(wire.Malformed, "link state: not a signer's session")
		}
	}
	if p := st.Pairing; p != nil {
		if len(p.Offers) > MaxOffers {
			return nil, wire.Errorf(wire.Malformed, "link state: %d offers", len(p.Offers))
		}
		for _, o := range p.Offers {
			if _, err := e2e.LoadSession(o.Session); err != nil {
				return nil, err
			}
			for _, f := range []string{o.Init, o.Response, o.Body} {
				if _, err := b64.DecodeString(f); err != nil {
					return nil, wire.Errorf(wire.Malformed, "link state: offer: not base64url")
				}
			}
		}
		l.pairing = p
	}
	if len(st.Outbox) > MaxOutbox {
		return nil, wire.Errorf(wire.Malformed, "link state: outbox of %d envelopes", len(st.Outbox))
	}
	size := 0
	for _, o := range st.Outbox {
		env, err := b64.DecodeString(o.Envelope)
		if err != nil {
			return nil, wire.Errorf(wire.Malformed, "link state: outbox: not base64url")
		}
		if _, err := e2e.ParseHeader(env); err != nil {
			return nil, err
		}
		size += len(env)
	}
	if size > MaxOutboxBytes {
		return nil, wire.Errorf(wire.Malformed, "link state: outbox of %d bytes", size)
	}
	l.outbox = st.Outbox
	return l, nil
}

// State is the persisted form (JSON). The session's receive position is
// the handled one: whatever was opened but not yet handled opens again
// after a restart.
func (l *Link) State() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := LinkState{Version: LinkVersion, Relay: l.relay, Static: e2e.Key32(l.static.Private), Pairing: l.pairing,
		Acked: l.acked, Outbox: l.outbox, Lost: l.lost, Gaps: l.gaps, Rekeyed: l.rekeyed, Conflict: l.conflict}
	if st.Outbox == nil {
		st.Outbox = []outItem{}
	}
	if l.sess != nil {
		s := l.sess.State()
		st.Session = &s
	}
	b, _ := json.Marshal(st)
	return b
}

// Info is the public description of a link for the popup (no secrets
// beyond the pairing URI, which the user must see while pairing).
type Info struct {
	Relay            string  `json:"relay"`
	Channel          string  `json:"channel"`
	URI              string  `json:"uri,omitempty"`
	Expires          int64   `json:"expires,omitempty"`
	Expired          bool    `json:"expired,omitempty"`
	SignerKey        string  `json:"signerKey"`
	Paired           bool    `json:"paired"`
	AgentKey         string  `json:"agentKey,omitempty"`
	AgentFingerprint string  `json:"agentFingerprint,omitempty"`
	Code             string  `json:"code,omitempty"`
	Offer            *Offer  `json:"offer,omitempty"`  // the offer the user would confirm (the latest)
	Offers           []Offer `json:"offers,omitempty"` // every handshake that answered the URI
	Conflict         string  `json:"conflict,omitempty"`
	Outbox           int     `json:"outbox"`
	Acked            uint64  `json:"acked"`
	Lost             uint64  `json:"lost"`
	Gaps             uint64  `json:"gaps"`
	Epoch            uint32  `json:"epoch"`
}

// Info describes the link.
func (l *Link) Info() Info {
	l.mu.Lock()
	defer l.mu.Unlock()
	in := Info{Relay: l.relay, SignerKey: l.static.Public.String(), Outbox: len(l.outbox), Acked: l.acked,
		Lost: l.lost, Gaps: l.gaps, Conflict: l.conflict}
	if l.sess != nil {
		p := l.sess.Peer()
		in.Channel, in.Paired, in.AgentKey, in.AgentFingerprint = l.sess.Channel().String(), true, p.String(), p.Fingerprint()
		in.Code, in.Epoch = l.sess.Code(), l.sess.Epoch()
		return in
	}
	pr := l.pairingLocked()
	in.Channel, in.URI, in.Expires, in.Expired = pr.Secret.ID().String(), pr.URI(), pr.Exp, pr.Expired(l.now())
	for _, o := range l.pairing.Offers {
		if of, err := offerOf(o); err == nil {
			in.Offers = append(in.Offers, *of)
		}
	}
	if n := len(in.Offers); n > 0 && l.conflict == "" {
		in.Offer = &in.Offers[n-1]
	}
	return in
}

func offerOf(o offerState) (*Offer, error) {
	s, err := e2e.LoadSession(o.Session)
	if err != nil {
		return nil, err
	}
	body, _ := b64.DecodeString(o.Body)
	p := s.Peer()
	of := &Offer{AgentKey: p.String(), Fingerprint: p.Fingerprint(), Code: s.Code(), At: o.At}
	if json.Valid(body) && len(body) > 0 {
		of.Body = append(json.RawMessage(nil), body...)
	} else if len(body) > 0 {
		of.Text = string(body)
	}
	return of, nil
}

// keysLocked is the login of the channel the link is on.
func (l *Link) keysLocked() e2e.ChannelKeys {
	if l.sess != nil {
		return l.sess.Keys()
	}
	return e2e.ChannelSecret(l.pairing.Secret).Keys()
}

// Connected resets the per-connection state; call it when a WebSocket
// opens (before its first frame) and when it closes, so that Seal keeps
// envelopes in the outbox until the next WELCOME.
func (l *Link) Connected() {
	l.mu.Lock()
	l.authed = false
	l.in = nil
	for i := range l.outbox {
		l.outbox[i].Sent = false
	}
	l.mu.Unlock()
}

// OnFrame handles one binary frame from the relay.
func (l *Link) OnFrame(frame []byte) (Step, error) {
	f, err := proto.Decode(frame)
	if err != nil {
		return Step{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	switch f.Type {
	case proto.TChallenge:
		k := l.keysLocked()
		st.Send = append(st.Send, proto.Auth(e2e.RoleSigner, k.ID(), k.Prove(f.Nonce, e2e.RoleSigner)))
	case proto.TWelcome:
		// WELCOME's ack point is the relay's word (untrusted): it changes
		// nothing here; deliveries it skipped show as lost.
		l.authed, st.Authed = true, true
		for i := range l.outbox {
			env, _ := b64.DecodeString(l.outbox[i].Envelope)
			l.outbox[i].Sent = true
			st.Send = append(st.Send, proto.Send(env))
		}
		if l.acked > 0 {
			st.Send = append(st.Send, proto.Ack(l.acked))
		}
	case proto.TDeliver:
		if !l.authed {
			return st, wire.Errorf(proto.ProtocolError, "DELIVER before WELCOME")
		}
		l.deliverLocked(&f, &st)
	case proto.TSendAck:
		l.sendAckLocked(f.Seq, f.Status, &st)
	default:
		return st, wire.Errorf(proto.ProtocolError, "unexpected %s frame from the relay", f.Type)
	}
	return st, nil
}

func (l *Link) deliverLocked(f *proto.Frame, st *Step) {
	n := f.N
	if n <= l.acked {
		st.Send = append(st.Send, proto.Ack(l.acked)) // the relay missed our ack
		return
	}
	if (l.cur != nil && l.curN == n) || len(l.in) >= MaxInbound {
		return
	}
	for _, d := range l.in {
		if d.n == n {
			return
		}
	}
	l.in = append(l.in, inbound{n: n, env: bytes.Clone(f.Envelope)})
	for i := len(l.in) - 1; i > 0 && l.in[i].n < l.in[i-1].n; i-- {
		l.in[i], l.in[i-1] = l.in[i-1], l.in[i]
	}
	l.nextLocked(st)
}

// nextLocked opens held deliveries in order until one is for the
// application. Nothing in an envelope's header moves any state before its
// body authenticated; refused envelopes are acknowledged and reported.
func (l *Link) nextLocked(st *Step) {
	for l.cur == nil && len(l.in) > 0 {
		d := l.in[0]
		l.in = l.in[1:]
		if d.n <= l.acked {
			continue
		}
		if prev := max(l.acked, l.seen); d.n > prev+1 {
			st.Lost += d.n - prev - 1
			l.lost += d.n - prev - 1
			st.Dirty = true
		}
		l.seen = max(l.seen, d.n)
		if l.sess == nil {
			l.handshakeLocked(d, st)
			l.ackLocked(d.n, st)
			continue
		}
		o, err := l.sess.Peek(d.env)
		if err != nil {
			code := wire.CodeOf(err)
			st.Dropped = append(st.Dropped, string(code)+": "+wire.MessageOf(err))
			l.ackLocked(d.n, st)
			continue
		}
		l.heard = l.now()
		if o.Kind == e2e.KindRekey || o.Kind == e2e.KindRekeyAck {
			if err := l.sess.Commit(&o); err != nil {
				st.Dropped = append(st.Dropped, "rekey: "+wire.MessageOf(err))
			}
			if o.Reply != nil {
				l.pushLocked(o.ReplySeq, o.Reply, "rekey", st)
			}
			l.ackLocked(d.n, st)
			continue
		}
		// The typed layer, strictly (a case variant or duplicate of "body"
		// would otherwise pick one of two bodies); the body goes on
		// verbatim to the core, whose strict decoder refuses and records
		// what is wrong inside it.
		var kind string
		var body json.RawMessage
		err = wire.Errorf(wire.Malformed, "not a data message")
		if o.Kind == e2e.KindData {
			kind, body, err = wire.DecodeKindBody(o.Payload)
		}
		if err != nil {
			_ = l.sess.Commit(&o)
			st.Dropped = append(st.Dropped, "malformed: not a typed message: "+wire.MessageOf(err))
			l.ackLocked(d.n, st)
			continue
		}
		if o.Gap > 0 {
			st.Gap += o.Gap
			l.gaps += o.Gap
			st.Dirty = true
		}
		l.cur, l.curN = &o, d.n
		st.Messages = append(st.Messages, Message{Seq: d.n, ID: o.ID.String(), Kind: kind, Body: string(body),
			Lost: st.Lost, Gap: o.Gap})
	}
}

// handshakeLocked answers a handshake on the pairing channel. Every offer
// is kept; a second agent key answering the same URI refuses the pairing.
func (l *Link) handshakeLocked(d inbound, st *Step) {
	p := l.pairingLocked()
	if p.Expired(l.now()) {
		st.Dropped = append(st.Dropped, "pairing_expired: a handshake after the pairing URI expired")
		return
	}
	if len(l.pairing.Offers) >= MaxOffers {
		st.Dropped = append(st.Dropped, "queue_full: too many handshakes for this pairing URI")
		return
	}
	off, err := e2e.Respond(p, l.static, e2e.AuthKey(l.pairing.Auth), d.env, l.rand)
	if err != nil {
		st.Dropped = append(st.Dropped, string(wire.CodeOf(err))+": "+wire.MessageOf(err))
		return
	}
	for _, o := range l.pairing.Offers {
		if prev, err := e2e.LoadSession(o.Session); err == nil && prev.Peer() != off.PeerKey && l.conflict == "" {
			pk := prev.Peer()
			l.conflict = "a second agent key (" + off.PeerKey.Fingerprint() + ") answered this pairing URI after " +
				pk.Fingerprint() + ": someone else has the URI. Pairing is refused; make a new pairing URI."
		}
	}
	l.pairing.Offers = append(l.pairing.Offers, offerState{Init: b64.EncodeToString(d.env),
		Response: b64.EncodeToString(off.Response), Session: off.Session.State(), Body: b64.EncodeToString(off.Body),
		At: l.now().Unix()})
	st.Dirty = true
	if l.conflict != "" {
		st.Conflict = l.conflict
		return // no response: nobody gets a code for a refused pairing
	}
	of, _ := offerOf(l.pairing.Offers[len(l.pairing.Offers)-1])
	st.Offer = of
	h, _ := e2e.ParseHeader(off.Response)
	l.pushLocked(h.Seq, off.Response, "pairing", st)
}

// ackLocked moves the ack point to n (handled, or dropped) and emits ACK.
func (l *Link) ackLocked(n uint64, st *Step) {
	if n <= l.acked {
		return
	}
	l.acked = n
	st.Dirty = true
	st.Send = append(st.Send, proto.Ack(n))
}

// Handled marks the delivered message n as durably handled by the
// application: the session accepts it (its key is forgotten), the ack
// goes out and the next held delivery is opened.
func (l *Link) Handled(n uint64) Step {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	if l.cur == nil || l.curN != n {
		return st
	}
	if err := l.sess.Commit(l.cur); err != nil {
		st.Dropped = append(st.Dropped, "commit: "+wire.MessageOf(err))
	}
	l.cur = nil
	l.ackLocked(n, &st)
	l.nextLocked(&st)
	return st
}

func (l *Link) sendAckLocked(seq uint64, s proto.Status, st *Step) {
	i := 0
	for i < len(l.outbox) && l.outbox[i].Seq != seq {
		i++
	}
	if i == len(l.outbox) || !l.outbox[i].Sent {
		return // settled before, or not sent on this connection
	}
	switch s {
	case proto.StatusUnavailable:
		// Kept, retransmitted on the next connection.
		st.Sent = append(st.Sent, Sent{Seq: seq, Tag: l.outbox[i].Tag, Status: string(proto.Unavailable)})
		return
	}
	status := "stored"
	if err := s.Err(); err != nil {
		// Anything but stored is reported as it is: a first transmission
		// the relay did not store (duplicate, queue_full, too_large) is
		// never "stored". A retransmission answered duplicate was ours.
		status = string(wire.CodeOf(err))
	}
	st.Sent = append(st.Sent, Sent{Seq: seq, Tag: l.outbox[i].Tag, Status: status})
	l.outbox = append(l.outbox[:i], l.outbox[i+1:]...)
	st.Dirty = true
}

// Confirm accepts the offer the user checked: code must be the comparison
// code shown (the agent host shows the same). The link then moves to the
// session channel (Step.Reconnect) and sends the confirmation there. It
// fails when the pairing was refused (a second agent key answered), when
// the URI expired, or when no offer has that code.
func (l *Link) Confirm(code string) (Step, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	if l.sess != nil || l.pairing == nil {
		return st, wire.Errorf(wire.Malformed, "already paired: make a new pairing first")
	}
	if l.conflict != "" {
		return st, wire.Errorf(e2e.Conflict, "%s", l.conflict)
	}
	if l.pairingLocked().Expired(l.now()) {
		return st, wire.Errorf(e2e.Expired, "the pairing URI expired: make a new one")
	}
	var chosen *offerState
	for i := len(l.pairing.Offers) - 1; i >= 0; i-- {
		s, err := e2e.LoadSession(l.pairing.Offers[i].Session)
		if err == nil && s.Code() == code {
			chosen = &l.pairing.Offers[i]
			break
		}
	}
	if chosen == nil {
		return st, wire.Errorf(wire.Malformed, "no agent host answered with the code %q", code)
	}
	s, err := e2e.LoadSession(chosen.Session)
	if err != nil {
		return st, err
	}
	l.sess, l.pairing = s, nil
	l.acked, l.seen, l.outbox, l.in, l.cur, l.authed = 0, 0, nil, nil, nil, false
	l.rekeyed = l.now().Unix()
	h := s.Hash()
	env, seq, err := s.Seal(e2e.KindConfirm, e2e.NewMessageID(l.rand), DefaultTTL, h[:])
	if err != nil {
		return st, err
	}
	l.pushLocked(seq, env, "confirm", &st)
	st.Reconnect, st.Dirty = true, true
	return st, nil
}

// Reject forgets the pairing's offers and starts a new pairing URI (the
// old one stays refused).
func (l *Link) Reject() (Step, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sess != nil {
		return Step{}, wire.Errorf(wire.Malformed, "already paired")
	}
	if err := l.newPairingLocked(0); err != nil {
		return Step{}, err
	}
	return Step{Dirty: true, Reconnect: true}, nil
}

// Seal sends a typed message {"kind","body"} to the agent host. key, when
// not empty, makes the message id stable (e2e.MessageIDFor), so that a
// second Seal of the same thing is a duplicate at the relay. tag is echoed
// in the Sent report of the relay's answer.
func (l *Link) Seal(kind, key, tag string, body json.RawMessage) (Step, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	if l.sess == nil {
		return st, wire.Errorf(wire.Malformed, "not paired with an agent host")
	}
	if kind == "" || len(kind) > 64 || len(tag) > 128 {
		return st, wire.Errorf(wire.Malformed, "message kind must be 1-64 bytes and the tag at most 128")
	}
	if !json.Valid(body) {
		return st, wire.Errorf(wire.Malformed, "message body is not JSON")
	}
	payload, _ := json.Marshal(struct {
		Kind string          `json:"kind"`
		Body json.RawMessage `json:"body"`
	}{kind, body})
	if err := l.roomLocked(e2e.PaddedSize(len(payload))); err != nil {
		return st, err
	}
	l.rekeyLocked(&st)
	id := e2e.NewMessageID(l.rand)
	if key != "" {
		id = e2e.MessageIDFor(key)
	}
	env, seq, err := l.sess.Seal(e2e.KindData, id, DefaultTTL, payload)
	if err != nil {
		return st, err
	}
	l.pushLocked(seq, env, tag, &st)
	return st, nil
}

func (l *Link) roomLocked(size int) error {
	if size == 0 {
		return wire.Errorf(wire.Malformed, "message too large")
	}
	total := size
	for _, o := range l.outbox {
		total += b64.DecodedLen(len(o.Envelope))
	}
	if len(l.outbox) >= MaxOutbox || total > MaxOutboxBytes {
		return wire.Errorf(proto.QueueFull, "%d messages (%d bytes) are already waiting for the relay", len(l.outbox), total-size)
	}
	return nil
}

// rekeyLocked starts the periodic re-key when it is due and the agent
// host was heard from recently (both online).
func (l *Link) rekeyLocked(st *Step) {
	now := l.now()
	if l.sess == nil || now.Unix()-l.rekeyed < int64(RekeyInterval/time.Second) || now.Sub(l.heard) > RekeyOnline ||
		l.roomLocked(e2e.PaddedSize(36)) != nil {
		return
	}
	pl, err := l.sess.Rekey()
	if err != nil || pl == nil {
		return
	}
	env, seq, err := l.sess.Seal(e2e.KindRekey, e2e.NewMessageID(l.rand), DefaultTTL, pl)
	if err != nil {
		return
	}
	l.rekeyed = now.Unix()
	l.pushLocked(seq, env, "rekey", st)
}

func (l *Link) pushLocked(seq uint64, env []byte, tag string, st *Step) {
	it := outItem{Seq: seq, Envelope: b64.EncodeToString(env), Tag: tag, Sent: l.authed}
	l.outbox = append(l.outbox, it)
	st.Dirty = true
	if l.authed {
		st.Send = append(st.Send, proto.Send(env))
	}
}

// Keepalive keeps the WebSocket, and with it the service worker, busy: a
// repeated ACK of the current ack point, and the periodic re-key when due.
func (l *Link) Keepalive() Step {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	if !l.authed {
		return st
	}
	l.rekeyLocked(&st)
	st.Send = append(st.Send, proto.Ack(l.acked))
	return st
}

// Relay is the relay's WebSocket endpoint, as in the pairing URI.
func (l *Link) Relay() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.relay
}
