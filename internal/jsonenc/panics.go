package jsonenc

import (
	"fmt"
	"reflect"
)

// panicError carries the description of a recovered panic.
type panicError struct{ msg string }

func (e panicError) Error() string { return e.msg }

// describePanic renders a recovered panic value without ever formatting a
// composite value (which could recurse forever on a cycle).
func describePanic(r any) string {
	switch r := r.(type) {
	case nil:
		return "nil"
	case string:
		return r
	case error, fmt.Stringer:
		// fmt recovers panics raised by Error and String methods.
		return fmt.Sprint(r)
	}
	switch reflect.ValueOf(r).Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		return fmt.Sprint(r)
	}
	return "value of type " + typeString(r)
}

// callError returns err.Error(), or a panicError if it panics.
func callError(err error) (s string, perr error) {
	done := false
	defer func() {
		if !done {
			perr = panicError{describePanic(recover())}
		}
	}()
	s = err.Error()
	done = true
	return s, nil
}

// errorText is err.Error() that cannot panic.
func errorText(err error) string {
	s, perr := callError(err)
	if perr != nil {
		return "<panic calling Error for type " + typeString(err) + ": " + perr.Error() + ">"
	}
	return s
}
