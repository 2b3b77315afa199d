package ledger

// Reset forgets every spend and seen id and sets the next nonce: the
// signer's way out when its stored ledger failed the integrity check and
// the user chose to start over (the next sync with the chain moves the
// nonce forward again).
func (l *Ledger) Reset(nonce uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nonce = nonce
	l.spends = nil
	l.seen = map[string]struct{}{}
	l.order = nil
	l.version++
}
