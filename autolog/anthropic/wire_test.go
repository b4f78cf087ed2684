package anthropic_test

import "strconv"

// The Messages API answers the tests replay, in Anthropic's wire format: field order and
// framing as in langchaingo's real recordings (generated here, not recorded).

const model = "claude-sonnet-4-5-20250929"

// usageJSON is a usage object as the API writes it.
func usageJSON(in, cacheCreation, cacheRead, out int) string {
	return `{"input_tokens":` + strconv.Itoa(in) + `,"cache_creation_input_tokens":` + strconv.Itoa(cacheCreation) +
		`,"cache_read_input_tokens":` + strconv.Itoa(cacheRead) + `,"cache_creation":{"ephemeral_5m_input_tokens":` + strconv.Itoa(cacheCreation) +
		`,"ephemeral_1h_input_tokens":0},"output_tokens":` + strconv.Itoa(out) + `,"service_tier":"standard"}`
}

// message is a non-streamed response.
func message(id, content, stop, usage string) string {
	return `{"id":"` + id + `","type":"message","role":"assistant","model":"` + model + `","content":` + content +
		`,"stop_reason":"` + stop + `","stop_sequence":null,"usage":` + usage + `}`
}

// The events of a stream.
func messageStart(id string, in, cacheCreation, cacheRead int) string {
	return `{"type":"message_start","message":{"id":"` + id + `","type":"message","role":"assistant","model":"` + model +
		`","content":[],"stop_reason":null,"stop_sequence":null,"usage":` + usageJSON(in, cacheCreation, cacheRead, 1) + `}}`
}

func blockStart(i int, block string) string {
	return `{"type":"content_block_start","index":` + strconv.Itoa(i) + `,"content_block":` + block + `}`
}

func delta(i int, d string) string {
	return `{"type":"content_block_delta","index":` + strconv.Itoa(i) + `,"delta":` + d + `}`
}

func textDelta(i int, text string) string {
	return delta(i, `{"type":"text_delta","text":`+strconv.Quote(text)+`}`)
}

func blockStop(i int) string { return `{"type":"content_block_stop","index":` + strconv.Itoa(i) + `}` }

func messageDelta(stop string, in, cacheCreation, cacheRead, out int) string {
	return `{"type":"message_delta","delta":{"stop_reason":"` + stop + `","stop_sequence":null},"usage":{"input_tokens":` + strconv.Itoa(in) +
		`,"cache_creation_input_tokens":` + strconv.Itoa(cacheCreation) + `,"cache_read_input_tokens":` + strconv.Itoa(cacheRead) +
		`,"output_tokens":` + strconv.Itoa(out) + `}}`
}

const (
	ping        = `{"type": "ping"}`
	messageStop = `{"type":"message_stop"}`
)

// weatherTool is the tool the tool-use tests offer, as the SDK sends it, and as MLflow's
// chat tools record it.
const (
	weatherToolMLflow = `[{"type":"function","function":{"name":"get_weather","description":"The current weather of a city.",` +
		`"parameters":{"type":"object","properties":{"city":{"type":"string","description":"The city's name"}},"required":["city"]}}}]`
)
