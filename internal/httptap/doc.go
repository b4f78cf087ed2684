// Package httptap lets the HTTP adapters (autolog/openai, autolog/gemini) see what passes
// through a transport without changing it: a request body is read and handed on again, and a
// response body is fed, as the caller reads it, to a Sink that ends exactly once (at the end
// of the body, on a read error, or when the caller closes it).
//
// # Bodies
//
// ReadRequestBody reads a request body up to RequestReadLimit (the payload cap, at least
// 64 KB), and WithBody and WithFailingBody give a copy of the request the same bytes (then
// the unread rest), or the same failure, again: the caller's request is never changed.
//
// # Sinks
//
// Wrap puts a Sink behind a response body. BufferSink keeps a non-streamed body for its
// span; Stream keeps the bytes of a streamed one with arrival marks, so that the export
// goroutine can split it into chunk events later. A mark is made only on a read holding a
// line break and at most once a millisecond, so a caller reading in tiny pieces does not
// grow the bookkeeping.
package httptap
