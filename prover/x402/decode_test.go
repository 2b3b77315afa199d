package x402_test

import (
	"context"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/leash-wallet/leash/prover/x402"
	"github.com/leash-wallet/leash/wire"
)

// The 402 answer of the reference server (@x402/express 2.27.0), as
// captured from tests/x402/server.mjs on the devnet.
const referenceRequired = `{"x402Version":2,"error":"Payment required","resource":{"url":"http://127.0.0.1:41481/paid","description":"A paid answer","mimeType":"application/json"},"accepts":[{"scheme":"exact","network":"eip155:1337","amount":"10000","asset":"0x5fc8d32690cc91d4c39d9d3abcbd16989f875707","payTo":"0x90F79bf6EB2c4f870365E785982E1f101E93b906","maxTimeoutSeconds":300,"extra":{"name":"Devnet USD Coin","version":"2"}}]}`

const referenceSettlement = `{"success":true,"payer":"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC","transaction":"0xf099fd44163e20bc7a0e10122d206ae3716301e93b37b16e696fe9c048e84019","network":"eip155:1337"}`

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestDecodeReference(t *testing.T) {
	pr, err := x402.DecodePaymentRequired(b64(referenceRequired))
	if err != nil {
		t.Fatal(err)
	}
	r := pr.Requirements[0]
	if r.Scheme != "exact" || r.Network != "eip155:1337" || r.Amount != "10000" || r.MaxTimeoutSeconds != 300 || pr.ResourceInfo.URL != "http://127.0.0.1:41481/paid" {
		t.Fatalf("%+v %+v", r, pr.ResourceInfo)
	}
	s, err := x402.DecodeSettlement(b64(referenceSettlement))
	if err != nil || !s.Success || s.Network != "eip155:1337" || !strings.HasPrefix(s.Transaction, "0xf099") {
		t.Fatalf("%+v %v", s, err)
	}
}

// Every malformed PAYMENT-REQUIRED is refused as malformed, whatever its
// defect, before any requirement is looked at.
func TestDecodePaymentRequiredRefuses(t *testing.T) {
	ref := referenceRequired
	replace := func(old, new string) string {
		if !strings.Contains(ref, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(ref, old, new, 1)
	}
	many := `{"x402Version":2,"resource":{"url":"u"},"accepts":[` + strings.TrimSuffix(strings.Repeat(`{"scheme":"exact","network":"eip155:1","amount":"1","asset":"a","payTo":"p","maxTimeoutSeconds":1},`, 17), ",") + `]}`
	docs := map[string]string{
		"duplicate key":               replace(`"amount":"10000"`, `"amount":"10000","amount":"1"`),
		"duplicate top-level key":     replace(`"x402Version":2`, `"x402Version":2,"x402Version":2`),
		"key in another case":         replace(`"payTo"`, `"PayTo"`),
		"unicode-folded key":          replace(`"scheme"`, `"ſcheme"`),
		"unknown field":               replace(`"scheme":"exact"`, `"scheme":"exact","memo":"x"`),
		"unknown top-level field":     replace(`"x402Version":2`, `"x402Version":2,"note":1`),
		"null extra":                  replace(`"extra":{"name":"Devnet USD Coin","version":"2"}`, `"extra":null`),
		"extra not an object":         replace(`"extra":{"name":"Devnet USD Coin","version":"2"}`, `"extra":[1]`),
		"null resource":               replace(`"resource":{"url":"http://127.0.0.1:41481/paid","description":"A paid answer","mimeType":"application/json"}`, `"resource":null`),
		"resource without url":        replace(`"url":"http://127.0.0.1:41481/paid",`, ``),
		"version 1":                   replace(`"x402Version":2`, `"x402Version":1`),
		"version 3":                   replace(`"x402Version":2`, `"x402Version":3`),
		"no accepts":                  replace(`"accepts":[`, `"accepts":[],"x":[`),
		"17 requirements":             many,
		"missing amount":              replace(`"amount":"10000",`, ``),
		"missing maxTimeoutSeconds":   replace(`,"maxTimeoutSeconds":300`, ``),
		"amount as a number":          replace(`"amount":"10000"`, `"amount":10000`),
		"maxTimeoutSeconds 0":         replace(`"maxTimeoutSeconds":300`, `"maxTimeoutSeconds":0`),
		"maxTimeoutSeconds negative":  replace(`"maxTimeoutSeconds":300`, `"maxTimeoutSeconds":-300`),
		"maxTimeoutSeconds fraction":  replace(`"maxTimeoutSeconds":300`, `"maxTimeoutSeconds":300.5`),
		"maxTimeoutSeconds exponent":  replace(`"maxTimeoutSeconds":300`, `"maxTimeoutSeconds":3e2`),
		"maxTimeoutSeconds as string": replace(`"maxTimeoutSeconds":300`, `"maxTimeoutSeconds":"300"`),
		"empty scheme":                replace(`"scheme":"exact"`, `"scheme":""`),
		"lone surrogate":              replace(`"A paid answer"`, `"\ud800"`),
		"trailing data":               ref + `{}`,
		"not JSON":                    "402",
		"long error":                  replace(`"Payment required"`, `"`+strings.Repeat("e", 2000)+`"`),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			if _, err := x402.DecodePaymentRequired(b64(doc)); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
	// Pad the document with spaces until its base64 needs padding and
	// holds a '+' or '/', so that both variants below really differ.
	// (base64 of ASCII holds '+' or '/' only where a byte like '?' or '~'
	// sits at a position 2 mod 3.)
	padded := strings.Replace(ref, "A paid answer", "A paid answer???", 1)
	for i := 0; i < 3 && (!strings.HasSuffix(b64(padded), "=") || !strings.ContainsAny(b64(padded), "+/")); i++ {
		padded = " " + padded
	}
	if h := b64(padded); !strings.HasSuffix(h, "=") || !strings.ContainsAny(h, "+/") {
		t.Fatal("no padded fixture with '+' or '/'")
	}
	headers := map[string]string{
		"url-safe base64": strings.NewReplacer("+", "-", "/", "_").Replace(b64(padded)),
		"unpadded":        strings.TrimRight(b64(padded), "="),
		"not base64":      "{" + ref,
		"oversized":       b64(strings.Repeat(" ", x402.MaxHeaderBytes) + ref),
	}
	for name, h := range headers {
		t.Run(name, func(t *testing.T) {
			if _, err := x402.DecodePaymentRequired(h); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

func TestDecodeSettlementRefuses(t *testing.T) {
	for name, doc := range map[string]string{
		"missing success":     `{"transaction":"0x","network":"eip155:1"}`,
		"missing transaction": `{"success":true,"network":"eip155:1"}`,
		"null payer":          `{"success":true,"payer":null,"transaction":"0x","network":"eip155:1"}`,
		"unknown field":       `{"success":true,"transaction":"0x","network":"eip155:1","tx":"0x"}`,
		"success as string":   `{"success":"true","transaction":"0x","network":"eip155:1"}`,
		"duplicate success":   `{"success":false,"success":true,"transaction":"0x","network":"eip155:1"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := x402.DecodeSettlement(b64(doc)); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

// FuzzDecodePaymentRequired: no input panics the decoder or the payment
// builder; what decodes respects the bounds, and a payment built from it
// goes only to an allowed payee, at most the cap.
func FuzzDecodePaymentRequired(f *testing.F) {
	f.Add(referenceRequired)
	f.Add(`{"x402Version":2,"resource":{"url":"u"},"accepts":[{"scheme":"exact","network":"eip155:1337","amount":"1","asset":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875707","payTo":"0x90F79bf6EB2c4f870365E785982E1f101E93b906","maxTimeoutSeconds":1,"extra":{"name":"n","version":"v","assetTransferMethod":"eip3009"}}],"extensions":{}}`)
	f.Add(`{"x402Version":2,"resource":{"url":"u","tags":["a"]},"accepts":[{"scheme":"upto","network":"solana:x","amount":"1","asset":"a","payTo":"p","maxTimeoutSeconds":1}]}`)
	s := newKeySigner(f)
	l := limits()
	l.Assets[0].Budget = nil
	c := newClient(f, s, l)
	f.Fuzz(func(t *testing.T, doc string) {
		pr, err := x402.DecodePaymentRequired(b64(doc))
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("code %s", wire.CodeOf(err))
			}
			return
		}
		if len(pr.Accepts) == 0 || len(pr.Accepts) > x402.MaxAccepts || len(pr.Requirements) != len(pr.Accepts) {
			t.Fatalf("%d accepts", len(pr.Accepts))
		}
		p, err := c.Authorize(context.Background(), pr)
		if err != nil {
			return
		}
		if p.Authorization.To != payee || p.Authorization.Value.Cmp(big.NewInt(50_000)) > 0 || p.Authorization.Value.Sign() <= 0 {
			t.Fatalf("paid %s to %s", p.Authorization.Value, p.Authorization.To)
		}
		if p.Authorization.ValidBefore > uint64(time.Now().Add(x402.DefaultMaxValidity+time.Minute).Unix()) {
			t.Fatal("validity over the limit")
		}
	})
}

func FuzzDecodeSettlement(f *testing.F) {
	f.Add(referenceSettlement)
	f.Add(`{"success":false,"errorReason":"x","transaction":"","network":"eip155:1","extensions":{},"extra":{},"amount":"1"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := x402.DecodeSettlement(b64(doc))
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("code %s", wire.CodeOf(err))
			}
			return
		}
		if len(s.Transaction) > x402.MaxTextBytes || len(s.Network) > x402.MaxTextBytes {
			t.Fatal("unbounded field")
		}
	})
}
