package fakeopenai

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/internal/httprr"
)

// shape is a JSON text's keys, in order and nested, without the values: two chunks of the
// same shape have the same fields in the same order.
func shape(t *testing.T, js string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	var b strings.Builder
	inObject := []bool{}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			b.WriteString(v.String())
			switch v {
			case '{':
				inObject = append(inObject, true)
				expectKey = true
			case '[':
				inObject = append(inObject, false)
			case '}', ']':
				inObject = inObject[:len(inObject)-1]
				expectKey = len(inObject) > 0 && inObject[len(inObject)-1]
			}
			continue
		case string:
			if expectKey {
				b.WriteString(v + ":")
				expectKey = false
				continue
			}
		}
		if len(inObject) > 0 && inObject[len(inObject)-1] {
			b.WriteString("_,")
			expectKey = true
		} else {
			b.WriteString("_,")
		}
	}
	return b.String()
}

// sseData returns the data of each event of an SSE body, checking the framing: "data: ..."
// events, each ended by a blank line.
func sseData(t *testing.T, body []byte) []string {
	t.Helper()
	require.True(t, bytes.HasSuffix(body, []byte("\n\n")), "the body ends with a blank line")
	var out []string
	for _, e := range strings.Split(strings.TrimSuffix(string(body), "\n\n"), "\n\n") {
		data, ok := strings.CutPrefix(e, "data: ")
		require.True(t, ok, "event %q", e)
		require.NotContains(t, data, "\n")
		out = append(out, data)
	}
	return out
}

// The fake's content streams have the framing and the chunk shapes of a real one: the
// stream with usage that langchaingo recorded from the API for its TestWithStreaming.
func TestStreamMatchesRealRecording(t *testing.T) {
	dir, err := httprr.LangchaingoDir()
	require.NoError(t, err)
	exs, err := httprr.ReadFile(filepath.Join(dir, "llms", "openai", "testdata", "TestWithStreaming.httprr"))
	require.NoError(t, err)
	require.Len(t, exs, 1)
	require.Contains(t, string(exs[0].RequestBody), `"include_usage":true`)
	real := sseData(t, exs[0].ResponseBody)

	rec := httptest.NewRecorder()
	u := NewUsage(19, 3)
	WriteStream(rec, "seed", 1755695198, []string{"Sure", "!"}, &u)
	assert.Equal(t, exs[0].Response.Header.Get("Content-Type"), rec.Header().Get("Content-Type"))
	fake := sseData(t, rec.Body.Bytes())

	require.Equal(t, "[DONE]", real[len(real)-1])
	require.Equal(t, "[DONE]", fake[len(fake)-1])
	// The role chunk, a content chunk, the finish chunk, the usage chunk.
	for _, pair := range [][2]string{
		{real[0], fake[0]},
		{real[1], fake[1]},
		{real[len(real)-3], fake[len(fake)-3]},
		{real[len(real)-2], fake[len(fake)-2]},
	} {
		assert.Equal(t, shape(t, pair[0]), shape(t, pair[1]), "real %s\nfake %s", pair[0], pair[1])
	}

	// A tool-call stream shares the framing and the fields around the choices (no stream of
	// tool calls is among the real recordings here: the deltas follow the API's published
	// streams, see WriteToolCallStream).
	rec = httptest.NewRecorder()
	WriteToolCallStream(rec, "seed", 1755695198, toolCalls(), &u)
	tools := sseData(t, rec.Body.Bytes())
	require.Equal(t, "[DONE]", tools[len(tools)-1])
	assert.Equal(t, shape(t, real[len(real)-3]), shape(t, tools[len(tools)-3]), "the finish chunk")
	assert.Equal(t, shape(t, real[len(real)-2]), shape(t, tools[len(tools)-2]), "the usage chunk")
	outer := func(js string) string {
		s := shape(t, js)
		return s[:strings.Index(s, "choices:")] + s[strings.LastIndex(s, "]"):]
	}
	for _, c := range tools[:len(tools)-2] {
		assert.Equal(t, outer(real[1]), outer(c))
	}
}
