package daemon

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/leash-wallet/leash/wire"
)

func (d *Daemon) receiveLoop(ctx context.Context) {
	in := d.cfg.Transport.Receive()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-in:
			if !ok {
				return
			}
			d.link.heard(d.cfg.Clock())
			d.handle(ctx, m)
			if m.Ack != nil {
				m.Ack() // handled: only now may the relay forget it
			}
		}
	}
}

// handle applies one message from the signer.
func (d *Daemon) handle(ctx context.Context, m Message) {
	switch m.Kind {
	case KindReceipt:
		var r wire.Receipt
		if err := wire.DecodeStrict(m.Body, &r, "receipt"); err != nil || !wire.ValidID(r.ID) {
			d.cfg.Logger.Warn("dropping a malformed receipt", "err", err)
			d.metrics.dropped.Inc()
			return
		}
		d.onReceipt(ctx, &r)
	case KindTask:
		d.onTask(m.Body)
	default:
		d.cfg.Logger.Warn("dropping a message of unknown kind", "kind", m.Kind)
		d.metrics.dropped.Inc()
	}
}

func (d *Daemon) onTask(body json.RawMessage) {
	var t Task
	if len(body) > 64<<10 || wire.DecodeStrict(body, (*taskJSON)(&t), "task") != nil || !wire.ValidID(t.ID) || !t.Received.IsZero() {
		d.metrics.dropped.Inc()
		return
	}
	t.Received = d.cfg.Clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range d.tasks {
		if o.ID == t.ID {
			return // delivered twice
		}
	}
	d.tasks = append(d.tasks, t)
	if len(d.tasks) > 1000 {
		d.tasks = d.tasks[len(d.tasks)-1000:]
	}
}

// taskJSON is a task as the signer sends it (received is the daemon's).
type taskJSON Task

// Tasks lists the dapp tasks received, oldest first (never nil).
func (d *Daemon) Tasks() []Task {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Task{}, d.tasks...)
}

// onReceipt applies a signer's receipt. Receipts arrive at least once and in
// any order, so each is applied only to the attempt it answers.
func (d *Daemon) onReceipt(ctx context.Context, r *wire.Receipt) {
	if d.sigs.deliver(r) {
		return // a signature's answer
	}
	id := r.ID
	if i := strings.LastIndexByte(id, '.'); i > 0 {
		id = id[:i]
	}
	d.mu.Lock()
	j, inflight := d.inflight[id]
	if inflight && r.ID != proposalID(j) {
		inflight = false // an answer to an older attempt
	}
	if inflight && r.Status != wire.StatusPending {
		delete(d.inflight, id)
		d.sendable.Broadcast()
	}
	now := d.cfg.Clock()
	switch {
	case !inflight:
		d.mu.Unlock()
		if r.Status == wire.StatusMined && d.cfg.Chain == nil {
			d.markMined(id) // with a chain, followMining reads the receipt (and whether it reverted)
		}
		return
	case r.Status == wire.StatusSigned || r.Status == wire.StatusMined:
		if !d.nonceSet || j.nonce+1 > d.nonce {
			d.nonce, d.nonceSet = j.nonce+1, true
		}
		d.spends.add(now, &j.tx)
	case r.Nonce != nil && r.State != nil:
		// The signer's own state when it refused: receipts arrive in order,
		// so it already counts everything signed before.
		d.nonce, d.nonceSet = uint64(*r.Nonce), true
		d.spends.adopt(now, &j.tx, r.State)
	}
	d.mu.Unlock()

	switch {
	case r.Status == wire.StatusPending:
		d.recs.update(id, func(rec *Record) { rec.Message = "waiting for the user: " + r.Message })
	case r.Status == wire.StatusSigned || r.Status == wire.StatusMined:
		d.recs.update(id, func(rec *Record) {
			rec.Status, rec.TxHash, rec.Code, rec.Message, rec.Hint = StatusSigned, r.TxHash, "", "", ""
			rec.Timings.SignedMs = ms(now.Sub(j.sent))
			rec.signedAt = now
		})
		d.metrics.requests.WithLabelValues(StatusSigned).Inc()
		d.metrics.signed.Observe(now.Sub(j.sent).Seconds())
		switch {
		case d.cfg.Chain != nil && r.TxHash != nil:
			go d.followMining(ctx, id, *r.TxHash, now)
		case r.Status == wire.StatusMined:
			d.markMined(id)
		}
	case (r.Code == wire.StaleState || r.Code == wire.NonceMismatch) && j.attempts < d.cfg.MaxAttempts:
		d.cfg.Logger.Info("re-proving against the signer's state", "id", id, "code", r.Code, "attempt", j.attempts)
		j.queued = now
		d.recs.update(id, func(rec *Record) { rec.Status, rec.Code, rec.Message = StatusQueued, r.Code, "re-proving: "+r.Message })
		go func() {
			select {
			case d.jobs <- j:
			case <-ctx.Done():
			}
		}()
	default:
		tx := j.tx
		hint := d.hint(ctx, r.Code, &tx, now)
		d.recs.update(id, func(rec *Record) {
			rec.Status, rec.Code, rec.Message, rec.Hint = StatusRejected, r.Code, r.Message, hint
		})
		d.metrics.requests.WithLabelValues("signer_rejected").Inc()
		d.cfg.Logger.Warn("signer refused", "id", id, "code", r.Code, "message", r.Message)
	}
}

func proposalID(j *job) string { return j.id + "." + strconv.Itoa(j.attempts) }

func (d *Daemon) markMined(id string) {
	now := d.cfg.Clock()
	d.recs.update(id, func(rec *Record) {
		if rec.Status == StatusMined {
			return
		}
		rec.Status = StatusMined
		if !rec.signedAt.IsZero() {
			rec.Timings.MinedMs = ms(now.Sub(rec.signedAt))
		}
	})
	d.metrics.requests.WithLabelValues(StatusMined).Inc()
}

// followMining polls the chain until the transaction is mined.
func (d *Daemon) followMining(ctx context.Context, id string, hash wire.Hash32, signedAt time.Time) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.MinedWait)
	defer cancel()
	delay := 20 * time.Millisecond
	for {
		if ok, reverted, err := d.cfg.Chain.Mined(ctx, hash); err == nil && ok {
			if reverted {
				d.recs.update(id, func(rec *Record) {
					rec.Code, rec.Message = CodeReverted, "the transaction was mined but reverted on chain: it paid its fee and changed nothing else"
				})
			}
			d.markMined(id)
			return
		}
		select {
		case <-ctx.Done():
			d.cfg.Logger.Warn("transaction not mined in time", "id", id, "tx", hash)
			return
		case <-time.After(delay):
		}
		if delay < time.Second {
			delay *= 2
		}
	}
}
