package anthropic

import (
	"net/http"
	"strings"
)

// spanName is MLflow's name for the span of a Messages API call: the Python SDK's class and
// method (Messages.create), streamed or not.
const spanName = "Messages.create"

// traced reports whether a request is a Messages API call: POST to a path ending in
// /v1/messages, on any host (a proxy may put a prefix before it), with or without a query
// (the SDK's beta messages add ?beta=true). count_tokens, message batches, models and files
// end otherwise and pass through untraced.
func traced(req *http.Request) bool {
	return req.Method == http.MethodPost && req.URL != nil && strings.HasSuffix(req.URL.Path, "/v1/messages")
}
