package otlpingest

import (
	"errors"
	"fmt"
	"mime"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/otlpjson"
)

// Content types OTLP/HTTP uses.
const (
	ContentTypeProtobuf = "application/x-protobuf"
	ContentTypeJSON     = "application/json"
)

// ErrContentType is returned (wrapped) for a body that is neither protobuf nor JSON: the
// receiver answers 415.
var ErrContentType = errors.New("unsupported content type")

// Decode parses an OTLP/HTTP trace export body of the given content type and converts it
// to traces of experimentID ("" is the default experiment).
func Decode(body []byte, contentType, experimentID string) ([]*tracedata.Trace, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%w %q", ErrContentType, contentType)
	}
	req := &coltracepb.ExportTraceServiceRequest{}
	switch mt {
	case ContentTypeProtobuf:
		err = proto.Unmarshal(body, req)
	case ContentTypeJSON:
		req, err = otlpjson.Decode(body) // OTLP's JSON: ids in hex, unknown fields ignored
	default:
		return nil, fmt.Errorf("%w %q: want %s or %s", ErrContentType, mt, ContentTypeProtobuf, ContentTypeJSON)
	}
	if err != nil {
		return nil, fmt.Errorf("malformed OTLP %s body: %w", mt, err)
	}
	return Convert(req, experimentID), nil
}
