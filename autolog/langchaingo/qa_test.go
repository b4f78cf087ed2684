package langchaingo_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/documentloaders"
	"github.com/tmc/langchaingo/memory"
	"github.com/tmc/langchaingo/prompts"
	"github.com/tmc/langchaingo/schema"
	"github.com/tmc/langchaingo/textsplitter"

	lcg "github.com/agentlens/agentlens/autolog/langchaingo"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/httprr"
	"github.com/agentlens/agentlens/spantypes"
	"github.com/agentlens/agentlens/tracetest"
)

// fooRetriever returns the documents langchaingo's RetrievalQA recordings were made with.
type fooRetriever struct{}

func (fooRetriever) GetRelevantDocuments(context.Context, string) ([]schema.Document, error) {
	return []schema.Document{{PageContent: "foo is 34"}, {PageContent: "bar is 1"}}, nil
}

func TestRetrievalQAWrappers(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestRetrievalQA.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, withCallback(h))
	prompt := prompts.NewPromptTemplate("answer this question {{.question}} with this context {{.context}}", []string{"question", "context"})
	stuff := chains.NewStuffDocuments(chains.NewLLMChain(llm, prompt, chains.WithCallback(h)))
	qa := chains.NewRetrievalQA(lcg.WrapChain(stuff), lcg.WrapRetriever(fooRetriever{}))

	out, err := chains.Run(context.Background(), lcg.WrapChain(qa), "what is foo? ")
	require.NoError(t, err)
	assert.Equal(t, recordedChat(t, exs[0]).Content, out)

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN RetrievalQA OK\n"+
		"  RETRIEVER fooRetriever OK\n"+
		"  CHAIN StuffDocuments OK\n"+
		"    CHAIN LLMChain OK\n"+
		"      CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	r := spansOfType(tr, spantypes.Retriever)[0]
	assert.JSONEq(t, `"what is foo? "`, string(r.Inputs()))
	assert.JSONEq(t, `[{"page_content":"foo is 34","metadata":{}},{"page_content":"bar is 1","metadata":{}}]`, string(r.Outputs()))
	assertModelSpan(t, modelSpans(tr)[0], exs[0])
	assert.JSONEq(t, `{"query":"what is foo? "}`, string(tr.RootSpan().Inputs()))
	assert.Zero(t, rp.Unused())
}

func TestStuffDocumentsWrapper(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestStuffDocuments.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, withCallback(h))
	prompt := prompts.NewPromptTemplate("Write {{.context}}", []string{"context"})
	chain := lcg.WrapChain(chains.NewStuffDocuments(chains.NewLLMChain(llm, prompt, chains.WithCallback(h))))

	out, err := chains.Call(context.Background(), chain, map[string]any{
		"input_documents": []schema.Document{{PageContent: "foo"}, {PageContent: "bar"}, {PageContent: "baz"}},
	})
	require.NoError(t, err)
	assert.Equal(t, recordedChat(t, exs[0]).Content, out["text"])

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN StuffDocuments OK\n"+
		"  CHAIN LLMChain OK\n"+
		"    CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	assertModelSpan(t, modelSpans(tr)[0], exs[0])
	var in map[string]any
	require.NoError(t, json.Unmarshal(spansOfType(tr, spantypes.Chain)[1].Inputs(), &in))
	assert.Equal(t, "foo\n\nbar\n\nbaz", in["context"])
}

func TestLLMMathWrapper(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestLLMMath.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, withCallback(h))
	math := chains.NewLLMMathChain(llm)
	math.LLMChain.CallbacksHandler = h

	out, err := chains.Run(context.Background(), lcg.WrapChain(math), "what is forty plus three? take that then multiply it by ten thousand divided by 7324.3")
	require.NoError(t, err)
	assert.Contains(t, out, "58.708")

	tr := rec.LastTrace()
	assert.Equal(t, "CHAIN LLMMathChain OK\n"+
		"  CHAIN LLMChain OK\n"+
		"    CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr))
	assertModelSpan(t, modelSpans(tr)[0], exs[0])
	// LLMMathChain returns its LLMChain's outputs with the answer added.
	assert.JSONEq(t, `{"answer":`+string(must(json.Marshal(out)))+`,"text":`+string(must(json.Marshal(recordedChat(t, exs[0]).Content)))+`}`, string(tr.RootSpan().Outputs()))
}

// A conversation with memory: one trace per turn, the second turn's prompt holding the first.
func TestConversationWithMemoryHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestConversation.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, withCallback(h))
	c := chains.NewConversation(llm, memory.NewConversationBuffer())
	c.CallbacksHandler = h
	ctx := context.Background()

	_, err := chains.Run(ctx, c, "Hi! I'm Jim")
	require.NoError(t, err)
	res, err := chains.Run(ctx, c, "What is my name?")
	require.NoError(t, err)
	assert.Contains(t, res, "Jim")

	trs := rec.Traces()
	require.Len(t, trs, 2)
	for i, tr := range trs {
		assert.Equal(t, "CHAIN LLMChain OK\n"+
			"  CHAT_MODEL GenerateContent OK\n", tracetest.Tree(tr), "turn %d", i)
		assertModelSpan(t, modelSpans(tr)[0], exs[i])
	}
	assert.JSONEq(t, `{"input":"What is my name?"}`, string(trs[1].RootSpan().Inputs()))
	assert.Contains(t, string(modelSpans(trs[1])[0].Inputs()), "Hi! I'm Jim")
}

// mouseStory is the document langchaingo's QA recordings split and asked about.
func mouseStory(t *testing.T) []schema.Document {
	t.Helper()
	f, err := os.Open(lcgFile(t, "chains/testdata/mouse_story.txt"))
	require.NoError(t, err)
	defer f.Close()
	docs, err := documentloaders.NewText(f).LoadAndSplit(context.Background(), textsplitter.NewRecursiveCharacter())
	require.NoError(t, err)
	return docs
}

// exchangeFor finds the recorded exchange whose request carries the model span's messages.
func exchangeFor(t *testing.T, s *tracedata.Span, exs []httprr.Exchange) httprr.Exchange {
	t.Helper()
	var in struct {
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	require.NoError(t, json.Unmarshal(s.Inputs(), &in))
	require.NotEmpty(t, in.Messages)
	var found []httprr.Exchange
	for _, ex := range exs {
		var req struct {
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		if json.Unmarshal(ex.RequestBody, &req) == nil && len(req.Messages) == len(in.Messages) && req.Messages[0].Content == in.Messages[0].Content {
			found = append(found, ex)
		}
	}
	require.Len(t, found, 1, "recorded exchanges with the messages of span %s", s.SpanID)
	return found[0]
}

// Map-reduce runs its map calls concurrently on one context. With the handler alone the
// LLM spans cannot be told apart: each lands under the chain (never under a sibling), and
// ends matched among concurrent siblings are marked. Wrapping the model makes every span
// exact.
func TestMapReduceQA(t *testing.T) {
	for _, wrapModel := range []bool{false, true} {
		name := "handler"
		if wrapModel {
			name = "wrapped model"
		}
		t.Run(name, func(t *testing.T) {
			rec := tracetest.Capture(t)
			rp, exs := recording(t, "chains/testdata/TestMapReduceQA.httprr")
			h := lcg.NewHandler()
			llm := newLLM(t, rp, withCallback(h))
			qa := chains.LoadMapReduceQA(llm)
			if wrapModel {
				qa = chains.LoadMapReduceQA(lcg.WrapModel(llm))
			}
			out, err := chains.Predict(context.Background(), lcg.WrapChain(qa), map[string]any{
				"input_documents": mouseStory(t),
				"question":        "What is the name of the lion?",
			})
			require.NoError(t, err)
			assert.Contains(t, out, "Leo")

			trs := rec.Traces()
			require.Len(t, trs, 1, "every call inside the chain's trace")
			tr := trs[0]
			assertOneTrace(t, tr)
			var want strings.Builder
			want.WriteString("CHAIN MapReduceDocuments OK\n")
			for range exs {
				if wrapModel {
					want.WriteString("  CHAT_MODEL openai.LLM OK\n")
				} else {
					want.WriteString("  CHAT_MODEL GenerateContent OK\n")
				}
			}
			assert.Equal(t, want.String(), tracetest.Tree(tr))
			m := modelSpans(tr)
			require.Len(t, m, len(exs))
			exact := 0
			for _, s := range m {
				if s.Attribute(lcg.KeyAmbiguous) != nil {
					continue
				}
				exact++
				assertModelSpan(t, s, exchangeFor(t, s, exs))
			}
			if wrapModel {
				assert.Equal(t, len(exs), exact, "wrapped calls are all exact")
			}
			assert.Zero(t, rp.Unused())
		})
	}
}

// Refine runs its LLMChains one after the other: exact through the handler.
func TestRefineQAHandler(t *testing.T) {
	rec := tracetest.Capture(t)
	rp, exs := recording(t, "chains/testdata/TestRefineQA.httprr")
	h := lcg.NewHandler()
	llm := newLLM(t, rp, withCallback(h))
	qa := chains.LoadRefineQA(llm)
	qa.LLMChain.CallbacksHandler = h
	qa.RefineLLMChain.CallbacksHandler = h

	out, err := chains.Call(context.Background(), lcg.WrapChain(qa), map[string]any{
		"input_documents": mouseStory(t),
		"question":        "What is the name of the lion?",
	})
	require.NoError(t, err)
	require.IsType(t, "", out["text"])

	tr := rec.LastTrace()
	var want strings.Builder
	want.WriteString("CHAIN RefineDocuments OK\n")
	for range exs {
		want.WriteString("  CHAIN LLMChain OK\n    CHAT_MODEL GenerateContent OK\n")
	}
	assert.Equal(t, want.String(), tracetest.Tree(tr))
	for i, s := range modelSpans(tr) {
		assertModelSpan(t, s, exs[i])
		assert.Nil(t, s.Attribute(lcg.KeyAmbiguous))
	}
	assert.Zero(t, rp.Unused())
}
