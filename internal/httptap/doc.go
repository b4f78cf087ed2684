// Package httptap lets the HTTP adapters (autolog/openai, autolog/gemini) see what passes
// through a transport without changing it: a request body is read and handed on again, and a
// response body is fed, as the caller reads it, to a Sink that ends exactly once (at the end
// of the body, on a read error, or when the caller closes it).
//
// # Bodies
//
// ReadRequestBody, WithBody and WithFailingBody read a request body and give the request
// (or its copy) the same bytes, or the same failure, again.
//
// # Sinks
//
// Wrap puts a Sink behind a response body. BufferSink keeps a non-streamed body for its
// span; Stream keeps the bytes of a streamed one with the time each piece arrived, so that
// the export goroutine can split it into chunk events later.
package httptap
