//go:build unix

package main

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the whole process has used so far, user and system, every
// goroutine counted: the caller's, the export pipeline's, the loopback server's and the
// collector's.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
