package httptap

import (
	"github.com/tidwall/gjson"

	"github.com/agentlens/agentlens/internal/jsontext"
)

// SDKErrorName names an HTTP error status as the Stainless-generated SDKs of OpenAI and
// Anthropic (Python, Node) name the error they raise for it: 400 BadRequestError, 401
// AuthenticationError, 403 PermissionDeniedError, 404 NotFoundError, 409 ConflictError, 422
// UnprocessableEntityError, 429 RateLimitError, 5xx InternalServerError, others
// APIStatusError. An adapter whose SDK names more statuses (Anthropic's 529
// OverloadedError) checks those first.
func SDKErrorName(status int) string {
	switch {
	case status == 400:
		return "BadRequestError"
	case status == 401:
		return "AuthenticationError"
	case status == 403:
		return "PermissionDeniedError"
	case status == 404:
		return "NotFoundError"
	case status == 409:
		return "ConflictError"
	case status == 422:
		return "UnprocessableEntityError"
	case status == 429:
		return "RateLimitError"
	case status >= 500:
		return "InternalServerError"
	}
	return "APIStatusError"
}

// ErrorObject returns the "error" member of a JSON error body ({"error": {...}}, OpenAI's
// and Anthropic's), and whether the body is one.
func ErrorObject(body string) (gjson.Result, bool) {
	obj, ok := jsontext.Object(body)
	if !ok {
		return gjson.Result{}, false
	}
	v := jsontext.Member(obj, "error")
	return v, v.IsObject()
}
