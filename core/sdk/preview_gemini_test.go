package sdk

import "testing"

func TestGeminiPreviews(t *testing.T) {
	requests := []struct{ name, in, want string }{
		{"last user content, last text part",
			`{"contents":[{"role":"user","parts":[{"text":"first"}]},{"role":"model","parts":[{"text":"reply"}]},{"role":"user","parts":[{"inlineData":{"mimeType":"image/png","data":"AAAA"}},{"text":"what is this?"},{"text":"be brief"}]}],"systemInstruction":{"parts":[{"text":"sys"}]}}`,
			"be brief"},
		{"contents without roles",
			`{"contents":[{"parts":[{"text":"only one"}]}]}`, "only one"},
		{"a function response is the last user content: no text, the JSON itself is not shown either",
			`{"contents":[{"role":"user","parts":[{"text":"weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"w","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"w","response":{"t":1}}}]}]}`,
			`{"contents":[{"role":"user","parts":[{"text":"weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"w","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"w","response":{"t":1}}}]}]}`},
		{"not Gemini's shape: the JSON", `{"contents":"x"}`, `{"contents":"x"}`},
	}
	for _, c := range requests {
		if got := RequestPreview(c.in); got != c.want {
			t.Errorf("%s: request preview %q, want %q", c.name, got, c.want)
		}
	}
	responses := []struct{ name, in, want string }{
		{"first candidate's text parts joined, thoughts left out",
			`{"candidates":[{"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"Hello"},{"text":", world"}]}},{"content":{"role":"model","parts":[{"text":"other"}]}}]}`,
			"Hello, world"},
		{"a function call: the JSON",
			`{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"w","args":{}}}]}}]}`,
			`{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"w","args":{}}}]}}]}`},
		{"a blocked prompt: the JSON",
			`{"promptFeedback":{"blockReason":"SAFETY"}}`, `{"promptFeedback":{"blockReason":"SAFETY"}}`},
	}
	for _, c := range responses {
		if got := ResponsePreview(c.in); got != c.want {
			t.Errorf("%s: response preview %q, want %q", c.name, got, c.want)
		}
	}
}
