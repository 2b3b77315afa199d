package ext

import (
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

func siwe(domain, addr, uri string) string {
	return domain + " wants you to sign in with your Ethereum account:\n" + addr + "\n\nSign in to the app.\n\nURI: " + uri +
		"\nVersion: 1\nChain ID: 1337\nNonce: 32891756\nIssued At: 2026-12-07T16:25:24Z"
}

// Attack (issue 13, approval honesty): a page asks for the signature of a
// sign-in message written for another site. Signing it would log the
// attacker in there as the user. The domain is checked against the
// browser's origin of the request.
func TestInspectMessageSIWE(t *testing.T) {
	me, _ := wire.ParseAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
	addr := "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
	origin := "http://127.0.0.1:8080"
	cases := []struct {
		name, msg, origin, refuse string
		warn                      []string
	}{
		{"own site", siwe("127.0.0.1:8080", addr, "http://127.0.0.1:8080/login"), origin, "", nil},
		{"own site with scheme", siwe("http://127.0.0.1:8080", addr, "http://127.0.0.1:8080/"), origin, "", nil},
		{"https default port", siwe("app.example", addr, "https://app.example/"), "https://app.example", "", nil},
		{"https explicit default port", siwe("app.example:443", addr, "https://app.example/"), "https://app.example", "", nil},
		{"another site", siwe("bank.example", addr, "https://bank.example/"), origin, RefuseSIWEDomain, nil},
		{"another port", siwe("127.0.0.1:9090", addr, "http://127.0.0.1:9090/"), origin, RefuseSIWEDomain, nil},
		{"another scheme", siwe("https://127.0.0.1:8080", addr, "https://127.0.0.1:8080/"), origin, RefuseSIWEDomain, nil},
		{"userinfo trick", siwe("127.0.0.1:8080@bank.example", addr, "https://bank.example/"), origin, RefuseSIWEDomain, nil},
		{"a subdomain of the asker", siwe("evil.app.example", addr, "https://evil.app.example/"), "https://app.example", RefuseSIWEDomain, nil},
		{"another account", siwe("127.0.0.1:8080", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "http://127.0.0.1:8080/"), origin, RefuseSIWEAccount, nil},
		{"uri elsewhere", siwe("127.0.0.1:8080", addr, "https://bank.example/"), origin, "", []string{WarnSIWEURI}},
		{"header but broken", "bank.example wants you to sign in with your Ethereum account:\nnot an address\n", origin, RefuseSIWEBad, nil},
		{"plain text", "hello leash", origin, "", nil},
	}
	for _, c := range cases {
		v, err := InspectMessage(c.msg, c.origin, me, 1337)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := ""
		if v.Refuse != nil {
			got = v.Refuse.Code
		}
		var warns []string
		for _, w := range v.Warnings {
			warns = append(warns, w.Code)
		}
		if got != c.refuse || strings.Join(warns, ",") != strings.Join(c.warn, ",") {
			t.Errorf("%s: refuse %q warnings %v", c.name, got, warns)
		}
		if v.Text != c.msg {
			t.Errorf("%s: text %q", c.name, v.Text)
		}
	}
	v, _ := InspectMessage(siwe("127.0.0.1:8080", addr, "http://127.0.0.1:8080/"), origin, me, 1)
	if len(v.Warnings) != 1 || v.Warnings[0].Code != WarnSIWEChain || v.SIWE.Nonce != "32891756" || v.SIWE.Statement != "Sign in to the app." {
		t.Fatalf("%+v", v)
	}
	// The hex form of the same message is decoded the same way.
	hexMsg := "0x" + hex.EncodeToString([]byte(siwe("bank.example", addr, "https://bank.example/")))
	if v, _ := InspectMessage(hexMsg, origin, me, 1337); v.Refuse == nil || v.Refuse.Code != RefuseSIWEDomain {
		t.Fatalf("hex form: %+v", v)
	}
	// Binary data is flagged; the two encodings of personal_sign agree.
	if v, _ := InspectMessage("0xdeadbeef00", origin, me, 0); len(v.Warnings) != 1 || v.Warnings[0].Code != WarnBinary || v.Bytes != 5 {
		t.Fatalf("binary %+v", v)
	}
	if b, _ := MessageBytes("0x6869"); string(b) != "hi" {
		t.Fatal(string(b))
	}
	if b, _ := MessageBytes("0x686"); string(b) != "0x686" {
		t.Fatal(string(b))
	}
	if _, err := MessageBytes(strings.Repeat("a", 2*MaxMessage+3)); !errors.Is(err, wire.ErrMalformed) {
		t.Fatal(err)
	}
}

func FuzzInspectMessage(f *testing.F) {
	me, _ := wire.ParseAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
	f.Add(siwe("127.0.0.1:8080", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "http://127.0.0.1:8080/"), "http://127.0.0.1:8080")
	f.Add("0xdeadbeef", "https://app.example")
	f.Add("x wants you to sign in with your Ethereum account:\n\n\n\n\n\n\n", "https://x")
	f.Fuzz(func(t *testing.T, msg, origin string) {
		v, err := InspectMessage(msg, origin, me, 1337)
		if err == nil && v.SIWE != nil && v.Refuse == nil {
			o, _ := url.Parse(origin)
			if !sameSite(v.SIWE, o) {
				t.Fatalf("accepted a sign-in for %s from %s", v.SIWE.Domain, origin)
			}
		}
	})
}
