// Package otlpjson decodes OTLP/HTTP JSON trace exports. The OTLP JSON encoding is protobuf's
// JSON mapping with one exception: trace and span ids are hex strings, not base64, so
// protojson alone misreads them. Decode turns them into what protojson expects first.
package otlpjson

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// Decode reads an ExportTraceServiceRequest in OTLP's JSON encoding. Unknown fields are
// ignored, as OTLP receivers must.
func Decode(body []byte) (*coltracepb.ExportTraceServiceRequest, error) {
	// Numbers are kept as written: a sender that writes nanosecond times as JSON numbers
	// would lose precision through float64.
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("otlp json: data after the export object")
	}
	if err := walkIDs(doc, hexToBase64); err != nil {
		return nil, err
	}
	fixed, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	req := &coltracepb.ExportTraceServiceRequest{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(fixed, req); err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	return req, nil
}

// Encode writes req in OTLP's JSON encoding (hex ids), as an OTLP/HTTP JSON client sends it.
func Encode(req *coltracepb.ExportTraceServiceRequest) ([]byte, error) {
	b, err := protojson.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("otlp json: %w", err)
	}
	if err := walkIDs(doc, base64ToHex); err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

// idKeys are the id fields of spans and links, in both spellings protojson accepts.
var idKeys = []string{"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"}

// walkIDs applies convert to every span and link of doc.
func walkIDs(doc map[string]any, convert func(map[string]any) error) error {
	for _, rs := range list(doc, "resourceSpans", "resource_spans") {
		for _, ss := range list(rs, "scopeSpans", "scope_spans") {
			for _, span := range list(ss, "spans") {
				if err := convert(span); err != nil {
					return err
				}
				for _, link := range list(span, "links") {
					if err := convert(link); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func base64ToHex(m map[string]any) error {
	for _, k := range idKeys {
		s, ok := m[k].(string)
		if !ok || s == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("otlp json: %s %q is not base64", k, s)
		}
		m[k] = hex.EncodeToString(b)
	}
	return nil
}

// list returns the objects of the array under the first of keys that m has.
func list(m map[string]any, keys ...string) []map[string]any {
	for _, k := range keys {
		arr, ok := m[k].([]any)
		if !ok {
			continue
		}
		out := make([]map[string]any, 0, len(arr))
		for _, v := range arr {
			if o, ok := v.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

func hexToBase64(m map[string]any) error {
	for _, k := range idKeys {
		s, ok := m[k].(string)
		if !ok || s == "" {
			continue
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			return fmt.Errorf("otlp json: %s %q is not hex", k, s)
		}
		m[k] = base64.StdEncoding.EncodeToString(b)
	}
	return nil
}
