//go:build race

package jsonenc

// raceEnabled is set under the race detector, which makes sync.Pool drop
// what is put in it now and then, so pooled code allocates.
const raceEnabled = true
