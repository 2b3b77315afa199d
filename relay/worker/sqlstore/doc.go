// Package sqlstore is the relay's durable queue (a core.Store) on the
// synchronous SQL of a Cloudflare Durable Object (ctx.storage.sql.exec),
// reached through the small DB interface so that the package itself stays
// pure Go.
//
// # Guarantees
//
//   - Commit applies a whole batch in one transaction (DB.Txn): appends, ack
//     deletions and expiries land together or not at all. A Durable
//     Object's output gate holds every message the object sends after the
//     write until the write is durable, so the hub's SENDACK "stored" still
//     means durable.
//   - Sequence numbers and ack points are stored as 8-byte big-endian blobs,
//     which SQLite orders like the unsigned integers they are, so the full
//     uint64 range round-trips exactly (a JavaScript number would not).
//   - Reads see only committed rows: the object runs one event at a time
//     and the hub commits from one goroutine.
//   - Rows read back are checked (sizes, types); a corrupt row is an error,
//     which the hub treats as a store failure, never a silent skip.
//
// # Security notes
//
// The store holds only what the relay sees anyway: channel ids, roles,
// sequence numbers, message ids, expiry times and sealed envelopes. Every
// value is bound as a parameter; no SQL text is built from input.
package sqlstore
