// Package httpguard is the front door of Leash's local HTTP servers (the
// agent-host API and the MCP Streamable HTTP endpoint): it refuses what a
// web page or a rebinding DNS name could send them, before any handler runs.
//
// What it refuses, in this order, each with a stable code:
//   - a Host that is not a loopback name (localhost, 127.0.0.0/8, ::1) or an
//     allowed host: DNS rebinding, where evil.example resolves to 127.0.0.1
//     and a page on it talks to the server as its own origin
//     (403 host_not_allowed);
//   - an Origin that is neither the server's own (http://<Host>) nor an
//     allowed origin, and a browser's Sec-Fetch-Site of cross-site or
//     same-site on anything but a top-level GET navigation: a page open on
//     the agent's machine that POSTs to 127.0.0.1 (403 origin_not_allowed);
//   - with a token configured, a request without `Authorization: Bearer
//     <token>` (compared in constant time), except the open paths
//     (401 unauthorized);
//   - a request with a body whose Content-Type is not application/json: the
//     "simple" requests (text/plain, form posts) a browser sends cross-origin
//     without a preflight (415 unsupported_media_type).
//
// Security notes: these checks protect the agent's local API from the rest
// of the agent's machine's browser, not from the agent host itself (which
// Leash assumes may be compromised); the user's funds are protected by the
// signer, which verifies every proposal. The token is a defence in depth
// for hosts where other local users or processes are not trusted.
package httpguard
