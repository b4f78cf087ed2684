package otlpingest_test

import (
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/core/sdk/otlp"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/otlpingest"
	"github.com/agentlens/agentlens/internal/otlpjson"
)

// FuzzDecode feeds untrusted bodies (anyone on the machine may POST to the receiver) as
// protobuf and as JSON: no panic, and every trace decoded must serialize as the store
// writes it.
func FuzzDecode(f *testing.F) {
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: otlp.ResourceSpans(nil, sampleTrace())}
	pb, _ := proto.Marshal(req)
	js, _ := otlpjson.Encode(req)
	f.Add(pb, false)
	f.Add(js, true)
	f.Add([]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[{"key":"x","value":{"doubleValue":"NaN"}}]}]}]}]}`), true)
	f.Fuzz(func(t *testing.T, body []byte, asJSON bool) {
		ct := otlpingest.ContentTypeProtobuf
		if asJSON {
			ct = otlpingest.ContentTypeJSON
		}
		traces, err := otlpingest.Decode(body, ct, "")
		if err != nil {
			return
		}
		for _, tr := range traces {
			var back tracedata.Trace
			if err := back.UnmarshalJSON(tr.AppendJSON(nil)); err != nil {
				t.Fatalf("decoded trace does not round-trip its JSON: %v", err)
			}
		}
	})
}
