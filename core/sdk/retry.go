package sdk

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryableError marks an export failure that may succeed later: the endpoint was
// unreachable, overloaded (HTTP 429, gRPC RESOURCE_EXHAUSTED) or failing (5xx, UNAVAILABLE).
// The pipeline retries the export with backoff; any other error fails the traces at once.
type RetryableError struct {
	Err error
	// After is how long the endpoint asked to be left alone (Retry-After), zero when it
	// did not say.
	After time.Duration
}

// Retryable wraps err as a RetryableError; after is the delay the endpoint asked for, or 0.
// A nil err stays nil.
func Retryable(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err, After: after}
}

func (e *RetryableError) Error() string {
	if e.After > 0 {
		return fmt.Sprintf("%v (retry after %v)", e.Err, e.After)
	}
	return e.Err.Error()
}

func (e *RetryableError) Unwrap() error { return e.Err }

// RetryPolicy is how the pipeline retries a destination's retryable failures: delays grow
// from Initial, doubling with jitter, up to Max (an endpoint's Retry-After wins when it
// asks for longer); after MaxElapsed of failures the traces of the attempt count as failed.
type RetryPolicy struct {
	Initial, Max, MaxElapsed time.Duration
}

// DefaultRetryPolicy retries for up to five minutes, so that an endpoint restarting or
// briefly overloaded loses nothing; traces finished meanwhile wait in the destination's
// queue (bounded by WithQueueSize) and beyond it are dropped and counted.
var DefaultRetryPolicy = RetryPolicy{Initial: 100 * time.Millisecond, Max: 5 * time.Second, MaxElapsed: 5 * time.Minute}

// DefaultExportTimeout bounds one export attempt to one destination.
const DefaultExportTimeout = 30 * time.Second

// DefaultShutdownTimeout bounds Shutdown when its ctx has no deadline.
const DefaultShutdownTimeout = 30 * time.Second

// WithShutdownTimeout bounds Shutdown when its ctx has no deadline, and the background
// shutdown of a configuration that Configure replaced (default 30s). What is still
// undelivered then is counted as dropped or failed, never waited for.
func WithShutdownTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.shutdownTimeout = d
		}
	})
}

// WithRetry sets how failed exports are retried (default DefaultRetryPolicy). Zero fields
// keep their defaults; a negative MaxElapsed turns retries off.
func WithRetry(p RetryPolicy) Option {
	return optionFunc(func(c *config) {
		if p.Initial > 0 {
			c.retry.Initial = p.Initial
		}
		if p.Max > 0 {
			c.retry.Max = p.Max
		}
		if p.MaxElapsed != 0 {
			c.retry.MaxElapsed = p.MaxElapsed
		}
	})
}

// WithExportTimeout bounds each export attempt to a destination (default 30s); an attempt
// that takes longer is cancelled and retried.
func WithExportTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.exportTimeout = d
		}
	})
}

// attempt runs export until it succeeds, fails for good, or the policy gives up; each
// attempt gets its own timeout. It calls retried before every retry. Waiting ends early
// when ctx does (Shutdown past its deadline). The attempts' contexts come from d, whose
// parent is ctx, or, with a nil d, from context.WithTimeout.
func (p RetryPolicy) attempt(ctx context.Context, d *deadlines, timeout time.Duration, retried func(error), export func(context.Context) error) error {
	var start time.Time // of the first attempt
	delay := p.Initial
	for {
		var err error
		var timedOut bool
		if d != nil {
			actx := d.start(timeout)
			if start.IsZero() {
				start = actx.deadline.Add(-timeout)
			}
			if err = export(actx); err != nil {
				timedOut = actx.Err() == context.DeadlineExceeded && ctx.Err() == nil
			}
			d.end(actx)
		} else {
			if start.IsZero() {
				start = time.Now()
			}
			actx, cancel := context.WithTimeout(ctx, timeout)
			err = export(actx)
			timedOut = actx.Err() == context.DeadlineExceeded && ctx.Err() == nil
			cancel()
		}
		if err == nil {
			return nil
		}
		var re *RetryableError
		retryable := errors.As(err, &re) || timedOut
		if !retryable || p.MaxElapsed < 0 || ctx.Err() != nil {
			return err
		}
		wait := delay/2 + rand.N(delay/2+1) // jitter keeps many programs from retrying in step
		if re != nil && re.After > wait {
			wait = re.After
		}
		if time.Since(start)+wait > p.MaxElapsed {
			return fmt.Errorf("gave up after %v: %w", time.Since(start).Round(time.Millisecond), err)
		}
		retried(err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (while waiting to retry: %v)", err, ctx.Err())
		case <-t.C:
		}
		delay = min(delay*2, p.Max)
	}
}
