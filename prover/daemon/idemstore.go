package daemon

import "github.com/leash-wallet/leash/wire"

// IdempotencyFile is the file in Config.DataDir that keeps the keys.
const IdempotencyFile = "idempotency.jsonl"

// CompactSlack is how many lines beyond twice the live keys the file may grow.
const CompactSlack = 64

// StatusInterrupted: the daemon stopped before the request was final.
const StatusInterrupted = "interrupted"

// CodeInterrupted is the code of an interrupted record.
const CodeInterrupted wire.Code = "interrupted"

// ErrIdempotencyStore matches a damaged or foreign key file.
var ErrIdempotencyStore = &wire.Error{Code: "idempotency_store_damaged"}
