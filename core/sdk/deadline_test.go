package sdk

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// An attempt's context behaves as context.WithTimeout's: done at its deadline, with its
// parent, and once the attempt ended; contexts derived from it follow it.
func TestDeadlinesBehaveAsWithTimeout(t *testing.T) {
	type key struct{}
	parent, cancelParent := context.WithCancelCause(context.WithValue(context.Background(), key{}, "v"))
	defer cancelParent(nil)
	d := newDeadlines(parent)
	defer d.close()

	t.Run("deadline", func(t *testing.T) {
		ctx := d.start(20 * time.Millisecond)
		defer d.end(ctx)
		child, cancelChild := context.WithCancel(ctx)
		defer cancelChild()
		dl, ok := ctx.Deadline()
		require.True(t, ok)
		require.WithinDuration(t, time.Now().Add(20*time.Millisecond), dl, 15*time.Millisecond)
		require.Nil(t, ctx.Err())
		require.Equal(t, "v", ctx.Value(key{}))
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the attempt did not time out")
		}
		require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		require.ErrorIs(t, context.Cause(ctx), context.DeadlineExceeded)
		select {
		case <-child.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("a context derived from the attempt was not canceled with it")
		}
	})
	t.Run("ended", func(t *testing.T) {
		ctx := d.start(time.Hour)
		done := ctx.Done()
		require.Nil(t, ctx.Err())
		d.end(ctx)
		<-done
		require.ErrorIs(t, ctx.Err(), context.Canceled)
		// The next attempt starts afresh.
		next := d.start(time.Hour)
		defer d.end(next)
		require.Nil(t, next.Err())
	})
	t.Run("deadline without Done", func(t *testing.T) {
		ctx := d.start(time.Millisecond)
		defer d.end(ctx)
		time.Sleep(5 * time.Millisecond)
		require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		<-ctx.Done()
	})
	t.Run("a late firing spares the next attempt", func(t *testing.T) {
		first := d.start(time.Millisecond)
		first.Done()                     // sets the timer
		time.Sleep(5 * time.Millisecond) // it fires, or is about to
		d.end(first)
		next := d.start(time.Hour)
		defer d.end(next)
		d.expire() // as a firing meant for the first attempt would, run late
		require.Nil(t, next.Err())
	})
	t.Run("parent", func(t *testing.T) {
		ctx := d.start(time.Hour)
		defer d.end(ctx)
		done := ctx.Done()
		cause := errors.New("shutting down")
		cancelParent(cause)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the attempt did not end with its parent")
		}
		require.ErrorIs(t, ctx.Err(), context.Canceled)
		require.Equal(t, cause, context.Cause(ctx))
		later := d.start(time.Hour)
		defer d.end(later)
		require.ErrorIs(t, later.Err(), context.Canceled, "an attempt started after the parent ended")
		require.Equal(t, cause, context.Cause(later))
	})
}

func BenchmarkAttemptContext(b *testing.B) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("WithTimeout", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			ctx, end := context.WithTimeout(parent, 30*time.Second)
			_ = ctx.Err()
			end()
		}
	})
	b.Run("deadlines", func(b *testing.B) {
		d := newDeadlines(parent)
		defer d.close()
		b.ReportAllocs()
		for range b.N {
			ctx := d.start(30 * time.Second)
			_ = ctx.Err()
			d.end(ctx)
		}
	})
}
