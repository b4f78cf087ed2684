package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/spantypes"
)

func TestListSessions(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	add := func(id, exp, session string, ms int64) {
		tr := handMadeTrace(id, 1)
		tr.Info.ExperimentID, tr.Info.TimestampMS = exp, ms
		if session != "" {
			tr.Info.Metadata[spantypes.MetaSession] = session
		}
		if err := st.Export(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	add("tr-1", "0", "chat-a", 1000)
	add("tr-2", "0", "chat-a", 3000)
	add("tr-3", "0", "it's b", 2000)
	add("tr-4", "5", "chat-c", 4000)
	add("tr-5", "0", "", 5000)
	add("tr-6", "0", `back\'slash`, 500)

	got, err := st.ListSessions(ctx, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Session{
		{ID: "chat-c", Traces: 1, FirstMS: 4000, LastMS: 4000},
		{ID: "chat-a", Traces: 2, FirstMS: 1000, LastMS: 3000},
		{ID: "it's b", Traces: 1, FirstMS: 2000, LastMS: 2000},
		{ID: `back\'slash`, Traces: 1, FirstMS: 500, LastMS: 500},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("all sessions:\ngot  %+v\nwant %+v", got, want)
	}
	got, _ = st.ListSessions(ctx, []string{"0"}, 1)
	if !reflect.DeepEqual(got, want[1:2]) {
		t.Errorf("experiment 0, limit 1: got %+v", got)
	}

	// SessionFilter quotes the id so that an apostrophe cannot end the string early.
	res, err := st.SearchTraces(ctx, store.SearchOptions{Filter: store.SessionFilter("it's b")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Traces) != 1 || res.Traces[0].TraceID != "tr-3" {
		t.Errorf("SessionFilter(it's b) found %+v", res.Traces)
	}
	res, err = st.SearchTraces(ctx, store.SearchOptions{Filter: store.SessionFilter(`back\'slash`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Traces) != 1 || res.Traces[0].TraceID != "tr-6" {
		t.Errorf("SessionFilter with a backslash found %+v", res.Traces)
	}
}

func TestListExperiments(t *testing.T) {
	st, _ := openTemp(t)
	ctx := context.Background()
	if _, err := st.EnsureExperiment(ctx, "evals"); err != nil {
		t.Fatal(err)
	}
	tr := handMadeTrace("tr-x", 1)
	tr.Info.ExperimentID = "10"
	if err := st.Export(ctx, tr); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListExperiments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Experiment{{ID: "0", Name: "Default"}, {ID: "1", Name: "evals"}, {ID: "10", Name: "experiment 10"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
