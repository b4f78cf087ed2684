package openai

// SetMaxStreamBytes lowers the bound on how much of a stream is kept, for tests; it returns
// a function that puts it back.
func SetMaxStreamBytes(n int) (restore func()) {
	old := maxStreamBytes
	maxStreamBytes = n
	return func() { maxStreamBytes = old }
}
