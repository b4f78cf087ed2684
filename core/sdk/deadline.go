package sdk

import (
	"context"
	"sync"
	"time"
)

// deadlines makes the contexts of one goroutine's export attempts (a sink's loop, which
// makes one at a time): each is its parent with a deadline, done when the deadline passes,
// when the parent is done, or when the attempt ends. context.WithTimeout does the same with a
// new timer and a registration with the parent for every attempt, which cost about a
// microsecond: a tenth of what a small trace costs in all when a destination takes traces one
// at a time. Here one timer and one registration with the parent serve every attempt, and the
// timer is set only for an attempt whose Done channel is asked for: Err compares the clock
// with the deadline itself.
type deadlines struct {
	parent context.Context
	timer  *time.Timer
	stop   func() bool // ends the registration with the parent

	mu      sync.Mutex
	current *attemptContext // the attempt running, if any
}

func newDeadlines(parent context.Context) *deadlines {
	d := &deadlines{parent: parent}
	d.timer = time.AfterFunc(time.Hour, d.expire)
	d.timer.Stop()
	d.stop = context.AfterFunc(parent, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.current != nil {
			d.current.cancel(parent.Err())
		}
	})
	return d
}

// close releases the timer and the registration with the parent.
func (d *deadlines) close() {
	d.timer.Stop()
	d.stop()
}

// start returns the context of an attempt that may run for timeout. end ends it: afterwards
// the context is done, with context.Canceled, as WithTimeout's is after its cancel function.
// Attempts must not overlap.
func (d *deadlines) start(timeout time.Duration) *attemptContext {
	c := &attemptContext{d: d, deadline: time.Now().Add(timeout)}
	d.mu.Lock()
	d.current = c
	if err := d.parent.Err(); err != nil {
		c.cancel(err)
	}
	d.mu.Unlock()
	return c
}

func (d *deadlines) end(c *attemptContext) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c.armed {
		d.timer.Stop()
	}
	c.cancel(context.Canceled)
	d.current = nil
}

// expire ends the running attempt when its deadline has passed. A firing meant for an attempt
// that ended just before it finds a later attempt, whose deadline is still ahead, or none.
func (d *deadlines) expire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.current; c != nil && !time.Now().Before(c.deadline) {
		c.cancel(context.DeadlineExceeded)
	}
}

// attemptContext is the context of one export attempt. Its Done channel is made when first
// asked for: a destination that never waits on it costs none.
type attemptContext struct {
	d        *deadlines
	deadline time.Time
	done     chan struct{} // guarded by d.mu
	err      error         // guarded by d.mu
	after    []func()      // guarded by d.mu: what AfterFunc registered
	armed    bool          // guarded by d.mu: the timer is set for the deadline
}

// watch makes sure that something notices the deadline: the timer is set for it. d.mu is
// held.
func (c *attemptContext) watch() {
	if !c.armed && c.err == nil {
		c.armed = true
		c.d.timer.Reset(time.Until(c.deadline))
	}
}

// cancel ends c with err, unless it ended already; d.mu is held.
func (c *attemptContext) cancel(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	for _, f := range c.after {
		if f != nil {
			go f()
		}
	}
	c.after = nil
}

func (c *attemptContext) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *attemptContext) Done() <-chan struct{} {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
		c.watch()
	}
	return c.done
}

func (c *attemptContext) Err() error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.cancel(context.DeadlineExceeded)
	}
	return c.err
}

// Value looks keys up in the parent. context.Cause finds the parent's cancellation state
// there: the parent's cause once the parent is canceled, else none, and then Cause returns
// Err.
func (c *attemptContext) Value(key any) any { return c.d.parent.Value(key) }

// AfterFunc arranges for f to run in its own goroutine once c is done, as context.AfterFunc
// does; contexts derived from c (context.WithCancel) use it to learn that c is done without
// a goroutine of their own waiting on Done.
func (c *attemptContext) AfterFunc(f func()) (stop func() bool) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	c.after = append(c.after, f)
	c.watch()
	i := len(c.after) - 1
	return func() bool {
		c.d.mu.Lock()
		defer c.d.mu.Unlock()
		if c.err != nil || c.after[i] == nil {
			return false
		}
		c.after[i] = nil
		return true
	}
}
