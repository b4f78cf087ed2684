package chattools

import (
	"testing"

	"github.com/tidwall/gjson"
)

func TestList(t *testing.T) {
	var l List
	if l.JSON() != "" || l.Len() != 0 {
		t.Fatalf("empty list %q", l.JSON())
	}
	l.Add("get_weather", gjson.Parse(`"Current \"weather\""`), gjson.Parse(`{ "type": "object" }`))
	l.Add("noop", gjson.Parse(`7`), gjson.Result{})
	l.Add("bad", gjson.Result{}, gjson.Result{Type: gjson.JSON, Raw: `{"a":`})
	want := `[{"type":"function","function":{"name":"get_weather","description":"Current \"weather\"","parameters":{"type":"object"}}},` +
		`{"type":"function","function":{"name":"noop"}},{"type":"function","function":{"name":"bad"}}]`
	if got := l.JSON(); got != want || l.Len() != 3 {
		t.Errorf("JSON() = %s (%d tools)\nwant %s", got, l.Len(), want)
	}
}

func TestCollect(t *testing.T) {
	add := func(l *List, tool gjson.Result) {
		if n := tool.Get("name"); n.Type == gjson.String {
			l.Add(n.Str, tool.Get("description"), tool.Get("schema"))
		}
	}
	if got := Collect(gjson.Parse(`{"name":"x"}`), add); got != "" {
		t.Errorf("not an array: %q", got)
	}
	if got := Collect(gjson.Parse(`[{"name":7}]`), add); got != "" {
		t.Errorf("no tool: %q", got)
	}
	want := `[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}}]`
	if got := Collect(gjson.Parse(`[{"name":"a","schema":{"type":"object"}},{}]`), add); got != want {
		t.Errorf("Collect = %s, want %s", got, want)
	}
}
