package otlpreceiver

import (
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// grpcStatus maps an HTTP refusal to the gRPC code a collector would send.
func grpcStatus(httpStatus int) error {
	switch {
	case httpStatus == http.StatusTooManyRequests, httpStatus == http.StatusServiceUnavailable:
		return status.Error(codes.Unavailable, "refused by the test")
	case httpStatus >= 500:
		return status.Error(codes.Internal, "refused by the test")
	}
	return status.Error(codes.InvalidArgument, "refused by the test")
}
