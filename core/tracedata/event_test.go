package tracedata

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agentlens/agentlens/spantypes"
)

func TestChunkEventIsCompactUntilExpanded(t *testing.T) {
	e := ChunkEvent("mlflow.chunk.item.3", 42, `{"delta":"hi \"you\""}`)
	assert.Nil(t, e.Attributes, "a chunk event holds its value without a map")
	v, ok := e.Attribute(spantypes.KeyChunkValue)
	require.True(t, ok)
	assert.Equal(t, `{"delta":"hi \"you\""}`, v)

	want := `{"name":"mlflow.chunk.item.3","time_unix_nano":42,"attributes":{"mlflow.chunk.value":"{\"delta\":\"hi \\\"you\\\"\"}"}}`
	got, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
	assert.Equal(t, len(want), e.jsonSize())

	// Decoding gives the expanded form, which is what expanding in place gives too.
	var back Event
	require.NoError(t, json.Unmarshal(got, &back))
	e.ExpandChunks()
	assert.Equal(t, back, e)
	assert.Equal(t, map[string]any{spantypes.KeyChunkValue: `{"delta":"hi \"you\""}`}, e.Attributes)
	e.ExpandChunks() // idempotent
	again, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Equal(t, want, string(again))
}

func TestChunkEventWithoutValue(t *testing.T) {
	e := ChunkEvent("mlflow.chunk.item.0", 1, "")
	_, ok := e.Attribute(spantypes.KeyChunkValue)
	assert.False(t, ok)
	got, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Equal(t, `{"name":"mlflow.chunk.item.0","time_unix_nano":1}`, string(got))
	e.ExpandChunks()
	assert.Nil(t, e.Attributes)
}

func TestCompactChunkEventGivenMoreAttributes(t *testing.T) {
	e := ChunkEvent("mlflow.chunk.item.0", 1, `"x"`)
	e.Attributes = map[string]any{"extra": int64(2)}
	want := `{"name":"mlflow.chunk.item.0","time_unix_nano":1,"attributes":{"extra":2,"mlflow.chunk.value":"\"x\""}}`
	got, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
	assert.Equal(t, len(want), e.jsonSize())
	v, ok := e.Attribute("extra")
	assert.True(t, ok)
	assert.Equal(t, int64(2), v)
	e.ExpandChunks()
	assert.Equal(t, map[string]any{"extra": int64(2), spantypes.KeyChunkValue: `"x"`}, e.Attributes)
}
