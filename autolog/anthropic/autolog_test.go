package anthropic_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	sdk "github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/autolog"
	"github.com/agentlens/agentlens/autolog/anthropic"
	"github.com/agentlens/agentlens/core"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// Autolog wraps http.DefaultTransport, which a client made after it uses; count_tokens and
// other requests pass through untraced; a Middleware over it does not trace twice; undo puts
// http.DefaultTransport back.
func TestAutolog(t *testing.T) {
	require.True(t, slices.Contains(autolog.Registered(), "anthropic"))
	keepInner(t)
	orig := http.DefaultTransport
	rec := tracetest.Capture(t)
	plain := message("msg_01AutologAgentlens", `[{"type":"text","text":"Hi!"}]`, "end_turn", usageJSON(8, 0, 0, 3))
	fake, srv := newFakeAPI(t, answer{body: plain}, answer{body: `{"input_tokens":8}`}, answer{body: plain}, answer{body: `{"data":[]}`})
	replaced := anthropic.Autolog()
	undo := anthropic.Autolog() // again: replaces the options, does not wrap twice
	replaced()                  // the undo of a replaced Autolog changes nothing
	client := sdk.NewClient(option.WithAPIKey(testKey), option.WithBaseURL(srv.URL), option.WithMaxRetries(0))

	_, err := client.Messages.New(context.Background(), question("Hi"))
	require.NoError(t, err)
	tokens, err := client.Messages.CountTokens(context.Background(), sdk.MessageCountTokensParams{
		Model: sdk.Model(model), Messages: []sdk.MessageParam{sdk.NewUserMessage(sdk.NewTextBlock("Hi"))}})
	require.NoError(t, err)
	assert.Equal(t, int64(8), tokens.InputTokens)
	_, err = client.Messages.New(context.Background(), question("Hi"), option.WithMiddleware(anthropic.Middleware()))
	require.NoError(t, err)
	resp, err := http.Get(srv.URL + "/v1/models")
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	paths, _ := fake.received()
	assert.Equal(t, []string{"/v1/messages", "/v1/messages/count_tokens", "/v1/messages", "/v1/models"}, paths)
	trs := rec.Traces()
	require.Len(t, trs, 2, "the two Messages calls, once each")
	for _, tr := range trs {
		assert.Equal(t, oneSpan, tracetest.Tree(tr))
	}
	undo()
	assert.Same(t, orig, http.DefaultTransport, "undo restores http.DefaultTransport")
	_, err = client.Messages.New(context.Background(), question("Hi"))
	require.Error(t, err) // the fake has no answer left; the point is that nothing is traced
	assert.Len(t, rec.Traces(), 2, "the client's transport is switched off after undo")
}

// Content capture off records no prompt, completion or chunk value; Suppress records nothing.
func TestContentOffAndSuppress(t *testing.T) {
	rec := tracetest.Capture(t)
	_, srv := newFakeAPI(t, streamedText(), streamedText())
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient(anthropic.WithCaptureContent(false))))
	read := func(ctx context.Context) string {
		s := client.Messages.NewStreaming(ctx, question("secret question"))
		var acc sdk.Message
		for s.Next() {
			require.NoError(t, acc.Accumulate(s.Current()))
		}
		require.NoError(t, s.Err())
		return acc.Content[0].Text
	}
	assert.Equal(t, "Go keeps errors as values.", read(context.Background()))
	assert.Equal(t, "Go keeps errors as values.", read(core.Suppress(context.Background())))
	trs := rec.Traces()
	require.Len(t, trs, 1, "nothing traced under Suppress")
	s := trs[0].RootSpan()
	assertSpan(t, s, expect{model: model, respModel: model, respID: "msg_01StreamAgentlens", stopReason: "end_turn",
		usage: tokens(125, 14), events: 9, streamed: true})
	js := string(mustJSON(t, trs[0]))
	assert.NotContains(t, js, "secret question")
	assert.NotContains(t, js, "errors as")
	for _, ev := range chunkEvents(s) {
		assert.NotContains(t, ev.Attributes, spantypes.KeyChunkValue)
	}
}

// A stream the caller closes early ends the span OK, marked cancelled; one cut off before
// message_stop ends it ERROR.
func TestStreamCancelledAndCut(t *testing.T) {
	rec := tracetest.Capture(t)
	partial := stream(
		"message_start", messageStart("msg_01CutAgentlens", 5, 0, 0),
		"content_block_start", blockStart(0, `{"type":"text","text":""}`),
		"content_block_delta", textDelta(0, "Go"),
	)
	held := partial
	held.hold = true
	_, srv := newFakeAPI(t, held, partial)
	client := newClient(srv, option.WithHTTPClient(anthropic.HTTPClient()))
	s := client.Messages.NewStreaming(context.Background(), question("Hi"))
	for i := 0; i < 3 && s.Next(); i++ {
	}
	require.NoError(t, s.Close())
	s = client.Messages.NewStreaming(context.Background(), question("Hi"))
	for s.Next() {
	}

	trs := rec.Traces()
	require.Len(t, trs, 2)
	assert.Equal(t, oneSpan, tracetest.Tree(trs[0]))
	assert.Equal(t, "true", string(trs[0].RootSpan().Attribute(spantypes.KeyStreamCancelled)))
	assert.Equal(t, "CHAT_MODEL Messages.create ERROR\n", tracetest.Tree(trs[1]))
	assert.True(t, strings.HasPrefix(trs[1].RootSpan().Status.Message, "IncompleteStream: "), trs[1].RootSpan().Status.Message)
}
