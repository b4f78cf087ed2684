package gemini

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func splitAll(pieces []string, max int) (elems []string, complete bool) {
	a := newArraySplitter(max, func(e string) { elems = append(elems, e) })
	for _, p := range pieces {
		a.Write([]byte(p))
	}
	return elems, a.complete()
}

func TestArraySplitter(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		want     []string
		complete bool
	}{
		{"Gemini's framing", "[{\"a\": 1}\n,\r\n{\"b\": [1, {\"c\": \"]\"}]}\n]", []string{`{"a": 1}`, `{"b": [1, {"c": "]"}]}`}, true},
		{"strings with brackets, commas and escapes", `[{"t":"a,]}\"["}, {"u":"\\"}]`, []string{`{"t":"a,]}\"["}`, `{"u":"\\"}`}, true},
		{"scalars", `[1, "x", true ,null]`, []string{"1", `"x"`, "true", "null"}, true},
		{"empty", " [ ] ", nil, true},
		{"cut off", `[{"a":1},{"b":`, []string{`{"a":1}`}, false},
		{"not an array", `{"error":{}}`, nil, false},
		{"garbage after the end", `[{"a":1}] x`, []string{`{"a":1}`}, false},
	}
	for _, c := range cases {
		// Whole, and one byte at a time: the result must not depend on how it is cut.
		for _, pieces := range [][]string{{c.in}, strings.Split(c.in, "")} {
			got, complete := splitAll(pieces, 1<<20)
			if !reflect.DeepEqual(got, c.want) || complete != c.complete {
				t.Errorf("%s (%d pieces): %q %v, want %q %v", c.name, len(pieces), got, complete, c.want, c.complete)
			}
		}
	}
}

func TestArraySplitterBound(t *testing.T) {
	got, complete := splitAll([]string{`[{"a":"` + strings.Repeat("x", 100) + `"},{"b":1}]`}, 50)
	if !reflect.DeepEqual(got, []string{`{"b":1}`}) || !complete {
		t.Errorf("%q %v: the element over the bound should be dropped alone", got, complete)
	}
}

func TestStreamAssembler(t *testing.T) {
	var a streamAssembler
	for _, c := range []string{
		`{"candidates":[{"content":{"role":"model","parts":[{"text":"Let me think","thought":true}]}}],"modelVersion":"gemini-2.5-flash"}`,
		`{"candidates":[{"content":{"role":"model","parts":[{"text":" harder.","thought":true,"thoughtSignature":"c2ln"}]}}]}`,
		`{"candidates":[{"content":{"role":"model","parts":[{"text":"Calling"},{"functionCall":{"id":"f1","name":"lookup","args":{"q":"x"}}}]}}]}`,
		`{"candidates":[{"content":{"role":"model","parts":[{"text":" done"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"thoughtsTokenCount":5,"totalTokenCount":12},"responseId":"r1"}`,
	} {
		if err := a.add(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.add(`not json`); err == nil {
		t.Error("a malformed chunk was taken")
	}
	b, err := json.Marshal(a.response())
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"candidates":[{"content":{"parts":[{"text":"Let me think harder.","thought":true,"thoughtSignature":"c2ln"},{"text":"Calling"},{"functionCall":{"id":"f1","name":"lookup","args":{"q":"x"}}},{"text":" done"}],"role":"model"},"finishReason":"STOP","index":0}],"modelVersion":"gemini-2.5-flash","responseId":"r1","usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"thoughtsTokenCount":5,"totalTokenCount":12}}`
	if string(b) != want {
		t.Errorf("assembled:\n got %s\nwant %s", b, want)
	}
	if a.text() != "Calling done" {
		t.Errorf("text %q", a.text())
	}
}

func TestUsage(t *testing.T) {
	cases := []struct {
		in        string
		in_, out_ int64
		total     int64
		ok        bool
	}{
		{`{"promptTokenCount":8,"candidatesTokenCount":7,"thoughtsTokenCount":20,"totalTokenCount":35}`, 8, 27, 35, true},
		{`{"promptTokenCount":8,"candidatesTokenCount":7}`, 8, 7, 15, true},
		{`{"promptTokenCount":"12","totalTokenCount":"12"}`, 12, 0, 12, true},
		{`{"promptTokenCount":12,"toolUsePromptTokenCount":4,"cachedContentTokenCount":6,"candidatesTokenCount":1,"totalTokenCount":17}`, 12, 1, 17, true},
		{`{"promptTokenCount":1.5}`, 0, 0, 0, false},
		{`{}`, 0, 0, 0, false},
		{`[]`, 0, 0, 0, false},
	}
	for _, c := range cases {
		u, ok := usage(parse(c.in))
		if ok != c.ok || u.InputTokens != c.in_ || u.OutputTokens != c.out_ || u.TotalTokens != c.total {
			t.Errorf("%s: %+v %v", c.in, u, ok)
		}
	}
}
