package otlp

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
)

// newResource describes the program as OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES say,
// with the options over them.
func newResource(c *config, getenv func(string) string) *resourcepb.Resource {
	attrs := map[string]string{}
	for _, pair := range strings.Split(getenv(EnvResourceAttributes), ",") {
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			continue // the specification drops malformed pairs
		}
		if dv, err := url.QueryUnescape(strings.TrimSpace(v)); err == nil {
			v = dv
		}
		attrs[k] = v
	}
	for k, v := range c.resource {
		attrs[k] = v
	}
	switch {
	case c.service != "":
		attrs["service.name"] = c.service
	case strings.TrimSpace(getenv(EnvServiceName)) != "":
		attrs["service.name"] = strings.TrimSpace(getenv(EnvServiceName))
	case attrs["service.name"] == "":
		exe, _ := os.Executable()
		attrs["service.name"] = "unknown_service:" + filepath.Base(exe)
	}
	attrs["telemetry.sdk.name"] = "agentlens"
	attrs["telemetry.sdk.language"] = "go"
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	res := &resourcepb.Resource{Attributes: make([]*commonpb.KeyValue, len(keys))}
	for i, k := range keys {
		res.Attributes[i] = stringKV(k, attrs[k])
	}
	return res
}
