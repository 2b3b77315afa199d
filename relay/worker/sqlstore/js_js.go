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

// NewJSDB is DB over a Durable Object's ctx.storage.sql, whose exec is
// synchronous. txn is the glue's wrapper around ctx.storage.transactionSync
// that rolls back when the callback returns an error message (Go cannot
// throw into JavaScript): txn(fn) returns null, or the error's message.
func NewJSDB(sql, txn js.Value) DB { return &jsDB{sql: sql, txn: txn} }

type jsDB struct {
	sql js.Value
	txn js.Value
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

func (d *jsDB) Exec(query string, args ...any) ([][]any, error) {
	jargs := make([]any, 1, len(args)+1)
	jargs[0] = query
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			jargs = append(jargs, BytesToJS(v).Get("buffer"))
		case int64:
			if v > 1<<53 || v < -(1<<53) {
				return nil, fmt.Errorf("sql: integer %d does not fit a JavaScript number", v)
			}
			jargs = append(jargs, float64(v))
		case string:
			jargs = append(jargs, v)
		default:
			return nil, fmt.Errorf("sql: unsupported argument %T", a)
		}
	}
	var rows js.Value
	if err := Catch(func() { rows = d.sql.Call("exec", jargs...).Call("raw").Call("toArray") }); err != nil {
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
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		if err := fn(); err != nil {
			return err.Error()
		}
		return nil
	})
	defer cb.Release()
	var res js.Value
	if err := Catch(func() { res = d.txn.Invoke(cb) }); err != nil {
		return err
	}
	if res.Type() == js.TypeString {
		return errors.New(res.String())
	}
	return nil
}
