//go:build !unix

package main

import (
	"errors"
	"time"
)

// processCPU needs getrusage, which only Unix systems have.
func processCPU() (time.Duration, error) {
	return 0, errors.New("pairbench: process CPU time needs getrusage (a Unix system)")
}
