package store

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"sync"

	"modernc.org/sqlite"
)

// rlikeFunction is the SQL function RLIKE clauses call: agentlens_rlike(pattern, value) is 1
// when the regular expression (Go's RE2 syntax, checked when the filter was parsed) matches
// anywhere in value.
const rlikeFunction = "agentlens_rlike"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(rlikeFunction, 2, rlike)
}

// patterns caches compiled patterns, as the function runs once a row with the same one; it
// starts afresh beyond maxPatterns, so that a long-running reader's cache stays small.
var patterns struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

const maxPatterns = 64

func compiled(pattern string) (*regexp.Regexp, error) {
	patterns.Lock()
	defer patterns.Unlock()
	if re, ok := patterns.m[pattern]; ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	if patterns.m == nil || len(patterns.m) >= maxPatterns {
		patterns.m = map[string]*regexp.Regexp{}
	}
	patterns.m[pattern] = re
	return re, nil
}

func rlike(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	pattern, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("%s: pattern %v is not text", rlikeFunction, args[0])
	}
	var value string
	switch v := args[1].(type) {
	case nil:
		return int64(0), nil
	case string:
		value = v
	case []byte:
		value = string(v)
	default:
		value = fmt.Sprint(v)
	}
	re, err := compiled(pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rlikeFunction, err)
	}
	if re.MatchString(value) {
		return int64(1), nil
	}
	return int64(0), nil
}
