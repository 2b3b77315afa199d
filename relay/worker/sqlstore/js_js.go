//go:build js && wasm

package sqlstore

import (
	"errors"
	"fmt"
	"syscall/js"
)

var (
	jsUint8Array  = js.Global().Get("Uint8Array")
	jsArrayBuffer = js.Global().Get("ArrayBuffer")
)

// NewJSDB is DB over a Durable Object's synchronous SQL, through the glue's
// helper object db (see relay/worker/src/index.mjs):
//
//	db.run(query, ...args)  runs a statement, returns nothing
//	db.all(query, ...args)  returns the rows as arrays (cursor.raw().toArray())
//	db.txn(fn)              ctx.storage.transactionSync(fn), rolled back when fn
//	                        returns an error message; returns null or the message
//
// Blob arguments are passed as Uint8Arrays (the glue binds their buffers).
// Every JavaScript object handed to Go costs a finalizer, so the bridge
// keeps them few: statements without rows return nothing, the transaction
// callback is made once, and Shared blobs are converted once.
func NewJSDB(db js.Value) DB {
	d := &jsDB{run: db.Get("run"), all: db.Get("all"), txn: db.Get("txn"), shared: map[string]js.Value{}, queries: map[string]js.Value{}}
	d.txnFn = js.FuncOf(func(js.Value, []js.Value) any {
		if err := d.fn(); err != nil {
			return err.Error()
		}
		return nil
	})
	return d
}

type jsDB struct {
	run    js.Value
	all    js.Value
	txn    js.Value
	txnFn  js.Func
	fn     func() error
	shared map[string]js.Value
	// queries holds each statement's text as a JavaScript string, so that
	// it is not decoded from Go memory on every call (the store has a
	// handful of fixed statements).
	queries map[string]js.Value
}

// Catch runs f and turns a JavaScript exception into an error.
func Catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = errors.New(je.Error())
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

// BytesToJS copies b into a new Uint8Array.
func BytesToJS(b []byte) js.Value {
	u := jsUint8Array.New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

func (d *jsDB) args(query string, args []any) ([]any, error) {
	q, ok := d.queries[query]
	if !ok {
		q = js.ValueOf(query)
		if len(d.queries) < 64 {
			d.queries[query] = q
		}
	}
	out := make([]any, 1, len(args)+1)
	out[0] = q
	for _, a := range args {
		switch v := a.(type) {
		case Shared:
			u, ok := d.shared[string(v)]
			if !ok {
				if len(d.shared) >= 64 {
					clear(d.shared)
				}
				u = BytesToJS(v)
				d.shared[string(v)] = u
			}
			out = append(out, u)
		case []byte:
			out = append(out, BytesToJS(v))
		case int64:
			if v > 1<<53 || v < -(1<<53) {
				return nil, fmt.Errorf("sql: integer %d does not fit a JavaScript number", v)
			}
			out = append(out, float64(v))
		case string:
			out = append(out, v)
		default:
			return nil, fmt.Errorf("sql: unsupported argument %T", a)
		}
	}
	return out, nil
}

func (d *jsDB) Exec(query string, args ...any) ([][]any, error) {
	jargs, err := d.args(query, args)
	if err != nil {
		return nil, err
	}
	if !returnsRows(query) {
		return nil, Catch(func() { d.run.Invoke(jargs...) })
	}
	var rows js.Value
	if err := Catch(func() { rows = d.all.Invoke(jargs...) }); err != nil {
		return nil, err
	}
	n := rows.Length()
	out := make([][]any, n)
	for i := range n {
		r := rows.Index(i)
		m := r.Length()
		row := make([]any, m)
		for j := range m {
			v := r.Index(j)
			switch v.Type() {
			case js.TypeNull, js.TypeUndefined:
			case js.TypeNumber:
				row[j] = v.Float()
			case js.TypeString:
				row[j] = v.String()
			case js.TypeObject:
				if !v.InstanceOf(jsArrayBuffer) {
					return nil, fmt.Errorf("sql: unexpected column value")
				}
				u := jsUint8Array.New(v)
				b := make([]byte, u.Length())
				js.CopyBytesToGo(b, u)
				row[j] = b
			default:
				return nil, fmt.Errorf("sql: unexpected column type %s", v.Type())
			}
		}
		out[i] = row
	}
	return out, nil
}

func (d *jsDB) Txn(fn func() error) error {
	if d.fn != nil {
		return errors.New("sql: nested transaction")
	}
	d.fn = fn
	defer func() { d.fn = nil }()
	var res js.Value
	if err := Catch(func() { res = d.txn.Invoke(d.txnFn) }); err != nil {
		return err
	}
	if res.Type() == js.TypeString {
		return errors.New(res.String())
	}
	return nil
}
