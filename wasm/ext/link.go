package ext

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"sync"

	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// LinkVersion is the version of the persisted link state.
const LinkVersion = 1

// MaxOutbox bounds the envelopes waiting for the relay's acknowledgement.
const MaxOutbox = 256

// MaxStateBytes bounds a persisted link state handed back to LoadLink.
const MaxStateBytes = 32 * MaxOutbox << 10

// DefaultTTL is the TTL of the envelopes the extension sends (seconds): a
// day, so that an agent host that is down for a night still gets receipts.
const DefaultTTL = 86400

// LinkState is the persisted form of a Link.
type LinkState struct {
	Version   int        `json:"version"`
	Relay     string     `json:"relay"`
	Secret    string     `json:"secret"`    // channel secret, base64url
	SignerKey string     `json:"signerKey"` // static X25519 private key, base64url
	Agent     string     `json:"agent,omitempty"`
	Offer     *offerJSON `json:"offer,omitempty"`
	Send      uint64     `json:"send"`  // last sequence number sealed
	Acked     uint64     `json:"acked"` // relay ack point (agent → signer)
	Outbox    []outItem  `json:"outbox"`
	LastSent  uint64     `json:"lastSent"` // from WELCOME, untrusted
}

type offerJSON struct {
	Envelope string `json:"envelope"` // base64url
}

type outItem struct {
	Seq      uint64 `json:"seq"`
	Envelope string `json:"envelope"` // base64url
	Tag      string `json:"tag,omitempty"`
}

// Message is one application message from the agent host: the typed layer
// {"kind","body"} of the relay client. Body is the JSON text exactly as
// sent, so the core's strict decoders see the original bytes.
type Message struct {
	Seq  uint64 `json:"seq"`
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Body string `json:"body"`
}

// Offer is a hello waiting for the user's confirmation.
type Offer struct {
	AgentKey    string          `json:"agentKey"`
	Fingerprint string          `json:"fingerprint"`
	Body        json.RawMessage `json:"body,omitempty"` // the agent host's self-description, if JSON
	Text        string          `json:"text,omitempty"` // the same, if not JSON
	Seq         uint64          `json:"seq"`
}

// Sent reports the relay's answer to one of our envelopes.
type Sent struct {
	Seq    uint64 `json:"seq"`
	Tag    string `json:"tag,omitempty"`
	Status string `json:"status"` // "stored", or the refusal code
}

// Step is what a Link asks its host to do after an input: frames to send
// over the WebSocket, in order, after the state (if Dirty) was persisted;
// messages to handle (then call Handled); an offer to show the user.
type Step struct {
	Send     [][]byte  `json:"-"`
	Messages []Message `json:"messages,omitempty"`
	Offer    *Offer    `json:"offer,omitempty"`
	Sent     []Sent    `json:"sent,omitempty"`
	Authed   bool      `json:"authed,omitempty"`
	Dropped  []string  `json:"dropped,omitempty"` // why envelopes were dropped (forged, replay…)
	Dirty    bool      `json:"dirty"`
}

// Link is the signer's side of one relay channel. It is safe for
// concurrent use.
type Link struct {
	mu     sync.Mutex
	relay  string
	secret e2e.ChannelSecret
	self   e2e.KeyPair
	sess   *e2e.Session
	agent  *e2e.PublicKey
	offer  []byte // raw hello envelope
	send   uint64
	acked  uint64
	last   uint64
	outbox []outItem
	deliv  []delivered // delivered above acked, in order
	authed bool
	rand   io.Reader
}

type delivered struct {
	seq  uint64
	done bool
}

var b64 = base64.RawURLEncoding

// NewLink makes a fresh channel on relayURL with a new channel secret and
// signer key; URI is the pairing URI to show the user.
func NewLink(relayURL string, r io.Reader) (*Link, error) {
	if err := e2e.CheckRelayURL(relayURL); err != nil {
		return nil, err
	}
	if r == nil {
		r = rand.Reader
	}
	sec, err := e2e.NewChannelSecret(r)
	if err != nil {
		return nil, err
	}
	kp, err := e2e.GenerateKeyPair(r)
	if err != nil {
		return nil, err
	}
	return &Link{relay: relayURL, secret: sec, self: kp, rand: r}, nil
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
		return nil, wire.Errorf(wire.Malformed, "link state: version %d is not supported", st.Version)
	}
	if err := e2e.CheckRelayURL(st.Relay); err != nil {
		return nil, err
	}
	l := &Link{relay: st.Relay, send: st.Send, acked: st.Acked, last: st.LastSent, rand: rand.Reader}
	if err := decodeKey(st.Secret, l.secret[:], "channel secret"); err != nil {
		return nil, err
	}
	var priv [32]byte
	if err := decodeKey(st.SignerKey, priv[:], "signer key"); err != nil {
		return nil, err
	}
	kp, err := e2e.KeyPairFromPrivate(priv)
	if err != nil {
		return nil, err
	}
	l.self = kp
	if st.Agent != "" {
		pub, err := e2e.ParsePublicKey(st.Agent)
		if err != nil {
			return nil, err
		}
		if err := l.startSession(pub); err != nil {
			return nil, err
		}
	}
	if st.Offer != nil {
		env, err := b64.DecodeString(st.Offer.Envelope)
		if err != nil {
			return nil, wire.Errorf(wire.Malformed, "link state: offer: not base64url")
		}
		if _, err := e2e.OpenHello(l.secret, l.self, env); err != nil {
			return nil, err
		}
		l.offer = env
	}
	if len(st.Outbox) > MaxOutbox {
		return nil, wire.Errorf(wire.Malformed, "link state: outbox of %d envelopes", len(st.Outbox))
	}
	for _, o := range st.Outbox {
		env, err := b64.DecodeString(o.Envelope)
		if err != nil {
			return nil, wire.Errorf(wire.Malformed, "link state: outbox: not base64url")
		}
		if _, err := e2e.ParseHeader(env); err != nil {
			return nil, err
		}
	}
	l.outbox = st.Outbox
	return l, nil
}

func decodeKey(s string, dst []byte, what string) error {
	b, err := b64.DecodeString(s)
	if err != nil || len(b) != len(dst) {
		return wire.Errorf(wire.Malformed, "link state: %s: want %d bytes of base64url", what, len(dst))
	}
	copy(dst, b)
	return nil
}

func (l *Link) startSession(agent e2e.PublicKey) error {
	s, err := e2e.NewSession(l.secret, e2e.RoleSigner, l.self, agent)
	if err != nil {
		return err
	}
	s.SetState(e2e.State{Send: l.send, Recv: l.acked})
	l.sess, l.agent = s, &agent
	return nil
}

// State is the persisted form. The receive point saved is the ack point,
// so that whatever was opened but not yet handled is redelivered after a
// restart.
func (l *Link) State() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := LinkState{Version: LinkVersion, Relay: l.relay, Secret: b64.EncodeToString(l.secret[:]),
		SignerKey: b64.EncodeToString(l.self.Private[:]), Send: l.send, Acked: l.acked,
		Outbox: l.outbox, LastSent: l.last}
	if st.Outbox == nil {
		st.Outbox = []outItem{}
	}
	if l.agent != nil {
		st.Agent = l.agent.String()
	}
	if l.offer != nil {
		st.Offer = &offerJSON{Envelope: b64.EncodeToString(l.offer)}
	}
	b, _ := json.Marshal(st)
	return b
}

// Info is the public description of a link for the popup.
type Info struct {
	Relay            string `json:"relay"`
	Channel          string `json:"channel"`
	URI              string `json:"uri"`
	SignerKey        string `json:"signerKey"`
	Paired           bool   `json:"paired"`
	AgentKey         string `json:"agentKey,omitempty"`
	AgentFingerprint string `json:"agentFingerprint,omitempty"`
	Offer            *Offer `json:"offer,omitempty"`
	Outbox           int    `json:"outbox"`
	Acked            uint64 `json:"acked"`
}

// Info describes the link.
func (l *Link) Info() Info {
	l.mu.Lock()
	defer l.mu.Unlock()
	in := Info{Relay: l.relay, Channel: l.secret.ID().String(), SignerKey: l.self.Public.String(),
		Outbox: len(l.outbox), Acked: l.acked}
	in.URI = e2e.Pairing{Relay: l.relay, Secret: l.secret, SignerPub: l.self.Public}.URI()
	if l.agent != nil {
		in.Paired, in.AgentKey, in.AgentFingerprint = true, l.agent.String(), l.agent.Fingerprint()
	}
	if l.offer != nil {
		if h, err := e2e.OpenHello(l.secret, l.self, l.offer); err == nil {
			in.Offer = offerOf(h)
		}
	}
	return in
}

func offerOf(h e2e.Hello) *Offer {
	o := &Offer{AgentKey: h.AgentPub.String(), Fingerprint: h.AgentPub.Fingerprint(), Seq: h.Seq}
	if json.Valid(h.Body) && len(h.Body) > 0 {
		o.Body = append(json.RawMessage(nil), h.Body...)
	} else if len(h.Body) > 0 {
		o.Text = string(h.Body)
	}
	return o
}

// Connected resets the per-connection state; call it when a WebSocket
// opens (before its first frame) and when it closes, so that Seal keeps
// envelopes in the outbox until the next WELCOME.
func (l *Link) Connected() {
	l.mu.Lock()
	l.authed = false
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
		p := l.secret.Prove(f.Nonce, e2e.RoleSigner)
		st.Send = append(st.Send, proto.Auth(e2e.RoleSigner, l.secret.ID(), p, l.acked))
	case proto.TWelcome:
		l.authed, st.Authed = true, true
		if f.LastSent != l.last {
			l.last, st.Dirty = f.LastSent, true
		}
		// Everything the relay has not acknowledged goes again, in order.
		for _, o := range l.outbox {
			env, _ := b64.DecodeString(o.Envelope)
			st.Send = append(st.Send, proto.Envelope(proto.TSend, env))
		}
		// Deliveries still being handled stay in l.deliv: their redelivery
		// on this connection is recognised and not handed over twice.
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
	seq := f.Header.Seq
	if seq <= l.acked {
		// The relay missed our ack: send it again.
		st.Send = append(st.Send, proto.Ack(l.acked))
		return
	}
	for _, d := range l.deliv {
		if d.seq == seq {
			return // already handed over on this connection
		}
	}
	drop := func(why string) {
		st.Dropped = append(st.Dropped, why)
		l.deliv = append(l.deliv, delivered{seq: seq, done: true})
		l.advanceLocked(st)
	}
	env := append([]byte(nil), f.Envelope...)
	if f.Header.Kind == e2e.KindHello {
		if l.agent != nil {
			drop("hello after pairing")
			return
		}
		h, err := e2e.OpenHello(l.secret, l.self, env)
		if err != nil {
			drop(string(wire.CodeOf(err)) + ": " + wire.MessageOf(err))
			return
		}
		l.offer = env // the latest hello that opens is the one the user is asked about
		st.Offer = offerOf(h)
		st.Dirty = true
		l.deliv = append(l.deliv, delivered{seq: seq, done: true})
		l.advanceLocked(st)
		return
	}
	if l.sess == nil {
		drop("envelope before pairing")
		return
	}
	o, err := l.sess.Open(env)
	if err != nil {
		code := wire.CodeOf(err)
		if errors.Is(err, wire.ErrReplay) {
			code = wire.Replay
		}
		drop(string(code) + ": " + wire.MessageOf(err))
		return
	}
	if o.Kind != e2e.KindData {
		drop("unexpected envelope kind")
		return
	}
	var t struct {
		Kind string          `json:"kind"`
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(o.Payload, &t); err != nil || t.Kind == "" || len(t.Kind) > 64 {
		drop("malformed: not a typed message")
		return
	}
	l.deliv = append(l.deliv, delivered{seq: seq})
	st.Messages = append(st.Messages, Message{Seq: seq, ID: o.ID.String(), Kind: t.Kind, Body: string(t.Body)})
}

// advanceLocked moves the ack point over the handled prefix of deliveries
// and emits an ACK when it moved.
func (l *Link) advanceLocked(st *Step) {
	i := 0
	up := l.acked
	for i < len(l.deliv) && l.deliv[i].done {
		up = l.deliv[i].seq
		i++
	}
	l.deliv = l.deliv[i:]
	if up > l.acked {
		l.acked = up
		st.Dirty = true
		st.Send = append(st.Send, proto.Ack(up))
	}
}

// Handled marks a delivered message as durably handled by the application
// and returns the ACK to send (if the ack point moved).
func (l *Link) Handled(seq uint64) Step {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	for i := range l.deliv {
		if l.deliv[i].seq == seq {
			l.deliv[i].done = true
		}
	}
	sort.Slice(l.deliv, func(i, j int) bool { return l.deliv[i].seq < l.deliv[j].seq })
	l.advanceLocked(&st)
	return st
}

func (l *Link) sendAckLocked(seq uint64, s proto.Status, st *Step) {
	i := 0
	for i < len(l.outbox) && l.outbox[i].Seq != seq {
		i++
	}
	if i == len(l.outbox) {
		return // settled before
	}
	switch s {
	case proto.StatusUnavailable, proto.StatusQueueFull:
		// Kept, retransmitted on the next connection.
		st.Sent = append(st.Sent, Sent{Seq: seq, Tag: l.outbox[i].Tag, Status: string(s.Err().(*wire.Error).Code)})
		return
	}
	status := "stored"
	if err := s.Err(); err != nil && s != proto.StatusDuplicate && s != proto.StatusReplay {
		status = string(wire.CodeOf(err))
	}
	st.Sent = append(st.Sent, Sent{Seq: seq, Tag: l.outbox[i].Tag, Status: status})
	l.outbox = append(l.outbox[:i], l.outbox[i+1:]...)
	st.Dirty = true
}

// Confirm accepts the pending offer: the agent key becomes the channel's
// peer and the confirmation envelope goes out. fingerprint must be the one
// shown to the user, so that a newer hello cannot slip in between.
func (l *Link) Confirm(fingerprint string) (Step, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Step
	if l.offer == nil {
		return st, wire.Errorf(wire.Malformed, "no agent is waiting for confirmation")
	}
	h, err := e2e.OpenHello(l.secret, l.self, l.offer)
	if err != nil {
		return st, err
	}
	if h.AgentPub.Fingerprint() != fingerprint {
		return st, wire.Errorf(wire.Malformed, "the agent key changed since it was shown; check the new fingerprint")
	}
	l.send = max(l.send, l.last)
	l.acked = max(l.acked, h.Seq)
	if err := l.startSession(h.AgentPub); err != nil {
		return st, err
	}
	env, seq, err := l.sess.Confirm(h, e2e.NewMessageID(l.rand), DefaultTTL)
	if err != nil {
		return st, err
	}
	l.offer = nil
	l.pushLocked(seq, env, "confirm", &st)
	return st, nil
}

// Reject forgets the pending offer.
func (l *Link) Reject() Step {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.offer == nil {
		return Step{}
	}
	l.offer = nil
	return Step{Dirty: true}
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
	if len(l.outbox) >= MaxOutbox {
		return st, wire.Errorf(proto.QueueFull, "%d messages are already waiting for the relay", len(l.outbox))
	}
	payload, _ := json.Marshal(struct {
		Kind string          `json:"kind"`
		Body json.RawMessage `json:"body"`
	}{kind, body})
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

func (l *Link) pushLocked(seq uint64, env []byte, tag string, st *Step) {
	l.send = seq
	l.outbox = append(l.outbox, outItem{Seq: seq, Envelope: b64.EncodeToString(env), Tag: tag})
	st.Dirty = true
	if l.authed {
		st.Send = append(st.Send, proto.Envelope(proto.TSend, env))
	}
}

// Keepalive returns a harmless frame (a repeated ACK of the current ack
// point) that keeps the WebSocket, and with it the service worker, busy.
func (l *Link) Keepalive() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.authed {
		return nil
	}
	return [][]byte{proto.Ack(l.acked)}
}

// Relay is the relay's WebSocket endpoint, as in the pairing URI.
func (l *Link) Relay() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.relay
}
