package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func fStr(s string) Value { return Value{Str: s} }
func fNum(n int64) Value  { return Value{Num: n, IsNum: true} }

func fAttr(name string) Field { return Field{Kind: FieldAttribute, Name: name} }
func fTag(key string) Field   { return Field{Kind: FieldTag, Name: key} }
func fMeta(key string) Field  { return Field{Kind: FieldMetadata, Name: key} }
func fSpan(name string) Field { return Field{Kind: FieldSpan, Name: name} }

func fClause(f Field, op Op, pos int, vals ...Value) Clause {
	return Clause{Field: f, Op: op, Values: vals, Pos: pos}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		want   []Clause
	}{
		// Empty filters.
		{"empty", "", nil},
		{"blank", " \t\r\n ", nil},

		// Attributes, aliases and prefixes.
		{"status", "status = 'OK'", []Clause{fClause(fAttr(AttrStatus), OpEq, 0, fStr("OK"))}},
		{"state alias lower value", "state = 'ok'", []Clause{fClause(fAttr(AttrStatus), OpEq, 0, fStr("OK"))}},
		{"attributes prefix", "attributes.status != 'error'", []Clause{fClause(fAttr(AttrStatus), OpNe, 0, fStr("ERROR"))}},
		{"attribute prefix", "attribute.state = 'In_Progress'", []Clause{fClause(fAttr(AttrStatus), OpEq, 0, fStr("IN_PROGRESS"))}},
		{"trace prefix", "trace.status = 'state_unspecified'", []Clause{fClause(fAttr(AttrStatus), OpEq, 0, fStr("STATE_UNSPECIFIED"))}},
		{"upper-case attribute and prefix", "ATTRIBUTES.STATUS = 'Ok'", []Clause{fClause(fAttr(AttrStatus), OpEq, 0, fStr("OK"))}},
		{"status LIKE keeps pattern", "status LIKE 'o%'", []Clause{fClause(fAttr(AttrStatus), OpLike, 0, fStr("o%"))}},
		{"status ILIKE keeps pattern", "status ILIKE '%Err%'", []Clause{fClause(fAttr(AttrStatus), OpILike, 0, fStr("%Err%"))}},
		{"status IN", "status IN ('ok', 'Error')", []Clause{fClause(fAttr(AttrStatus), OpIn, 0, fStr("OK"), fStr("ERROR"))}},
		{"status NOT IN", "status NOT IN ('in_progress')", []Clause{fClause(fAttr(AttrStatus), OpNotIn, 0, fStr("IN_PROGRESS"))}},
		{"timestamp_ms", "timestamp_ms > 1700000000000", []Clause{fClause(fAttr(AttrTimestampMS), OpGt, 0, fNum(1700000000000))}},
		{"timestamp alias", "timestamp >= -5", []Clause{fClause(fAttr(AttrTimestampMS), OpGe, 0, fNum(-5))}},
		{"prefixed timestamp_ms", "attributes.timestamp_ms = 5", []Clause{fClause(fAttr(AttrTimestampMS), OpEq, 0, fNum(5))}},
		{"timestamp_ms !=", "trace.timestamp != -1", []Clause{fClause(fAttr(AttrTimestampMS), OpNe, 0, fNum(-1))}},
		{"execution_time_ms", "execution_time_ms < 100", []Clause{fClause(fAttr(AttrExecutionTimeMS), OpLt, 0, fNum(100))}},
		{"execution_time alias", "execution_time <= 0", []Clause{fClause(fAttr(AttrExecutionTimeMS), OpLe, 0, fNum(0))}},
		{"int64 extremes", "timestamp_ms IN (9223372036854775807, -9223372036854775808, 007)",
			[]Clause{fClause(fAttr(AttrTimestampMS), OpIn, 0, fNum(9223372036854775807), fNum(-9223372036854775808), fNum(7))}},
		{"numeric NOT IN", "execution_time_ms NOT IN (1, -2, 3)", []Clause{fClause(fAttr(AttrExecutionTimeMS), OpNotIn, 0, fNum(1), fNum(-2), fNum(3))}},
		{"name", "name = 'chat'", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("chat"))}},
		{"name LIKE", "name LIKE '%bot%'", []Clause{fClause(fAttr(AttrName), OpLike, 0, fStr("%bot%"))}},
		{"name ILIKE", "name ILIKE 'A%'", []Clause{fClause(fAttr(AttrName), OpILike, 0, fStr("A%"))}},
		{"request_id", "request_id = 'tr-123'", []Clause{fClause(fAttr(AttrRequestID), OpEq, 0, fStr("tr-123"))}},
		{"trace_id alias IN", "trace_id IN ('a','b')", []Clause{fClause(fAttr(AttrRequestID), OpIn, 0, fStr("a"), fStr("b"))}},
		{"trace.request_id NOT IN", "trace.request_id NOT IN ('x')", []Clause{fClause(fAttr(AttrRequestID), OpNotIn, 0, fStr("x"))}},
		{"backticked attribute", "`timestamp_ms` > 5", []Clause{fClause(fAttr(AttrTimestampMS), OpGt, 0, fNum(5))}},
		{"backticked alias", "`State` = 'ok'", []Clause{fClause(fAttr(AttrStatus), OpEq, 0, fStr("OK"))}},
		{"prefix then backticked attribute", "attributes.`execution_time` = 3", []Clause{fClause(fAttr(AttrExecutionTimeMS), OpEq, 0, fNum(3))}},

		// Tags, metadata and spans.
		{"tag", "tag.env = 'prod'", []Clause{fClause(fTag("env"), OpEq, 0, fStr("prod"))}},
		{"tags", "tags.env != 'prod'", []Clause{fClause(fTag("env"), OpNe, 0, fStr("prod"))}},
		{"upper-case prefix keeps key case", "TAG.Env = 'x'", []Clause{fClause(fTag("Env"), OpEq, 0, fStr("x"))}},
		{"tag key with dash and digits", "tag.my-key_2 = 'x'", []Clause{fClause(fTag("my-key_2"), OpEq, 0, fStr("x"))}},
		{"numeric tag key", "tag.123 = 'x'", []Clause{fClause(fTag("123"), OpEq, 0, fStr("x"))}},
		{"tag key named like an attribute", "tag.status = 'anything'", []Clause{fClause(fTag("status"), OpEq, 0, fStr("anything"))}},
		{"tag key named like a keyword", "tag.AND = 'x'", []Clause{fClause(fTag("AND"), OpEq, 0, fStr("x"))}},
		{"backticked dotted tag", "tag.`mlflow.traceName` = 'x'", []Clause{fClause(fTag("mlflow.traceName"), OpEq, 0, fStr("x"))}},
		{"backticked tag with spaces", "tags.`my key` LIKE 'a%'", []Clause{fClause(fTag("my key"), OpLike, 0, fStr("a%"))}},
		{"backticked tag with equals", "tag.`a=b` = 'c'", []Clause{fClause(fTag("a=b"), OpEq, 0, fStr("c"))}},
		{"backticked tag with quotes", "tag.`it's \"x\"` = 'c'", []Clause{fClause(fTag("it's \"x\""), OpEq, 0, fStr("c"))}},
		{"backticked tag with newline", "tag.`a\nb`='c'", []Clause{fClause(fTag("a\nb"), OpEq, 0, fStr("c"))}},
		{"tag IN", "tag.env IN ('a', 'b', 'c')", []Clause{fClause(fTag("env"), OpIn, 0, fStr("a"), fStr("b"), fStr("c"))}},
		{"tag ILIKE", "tag.env ILIKE '%PROD%'", []Clause{fClause(fTag("env"), OpILike, 0, fStr("%PROD%"))}},
		{"metadata", "metadata.user = 'u1'", []Clause{fClause(fMeta("user"), OpEq, 0, fStr("u1"))}},
		{"request_metadata", "request_metadata.`mlflow.user` != 'u1'", []Clause{fClause(fMeta("mlflow.user"), OpNe, 0, fStr("u1"))}},
		{"upper-case metadata prefix", "METADATA.Session = 's'", []Clause{fClause(fMeta("Session"), OpEq, 0, fStr("s"))}},
		{"span.name", "span.name = 'retrieve'", []Clause{fClause(fSpan("name"), OpEq, 0, fStr("retrieve"))}},
		{"span.type", "span.type = 'LLM'", []Clause{fClause(fSpan("type"), OpEq, 0, fStr("LLM"))}},
		{"span.span_type", "span.span_type IN ('LLM', 'TOOL')", []Clause{fClause(fSpan("type"), OpIn, 0, fStr("LLM"), fStr("TOOL"))}},
		{"upper-case span field", "SPAN.NAME LIKE 'ret%'", []Clause{fClause(fSpan("name"), OpLike, 0, fStr("ret%"))}},
		{"backticked span field", "span.`type` = 'LLM'", []Clause{fClause(fSpan("type"), OpEq, 0, fStr("LLM"))}},

		// Operator keywords are case-insensitive.
		{"like lower", "name like 'a'", []Clause{fClause(fAttr(AttrName), OpLike, 0, fStr("a"))}},
		{"ilike mixed", "name iLiKe 'a'", []Clause{fClause(fAttr(AttrName), OpILike, 0, fStr("a"))}},
		{"in lower", "name in ('a')", []Clause{fClause(fAttr(AttrName), OpIn, 0, fStr("a"))}},
		{"not in lower", "name not in ('a')", []Clause{fClause(fAttr(AttrName), OpNotIn, 0, fStr("a"))}},
		{"NOT IN spaced", "name NoT \t\n In\t('a','b')", []Clause{fClause(fAttr(AttrName), OpNotIn, 0, fStr("a"), fStr("b"))}},
		{"and lower", "name = 'a' and tag.x = 'b'", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("a")), fClause(fTag("x"), OpEq, 15, fStr("b"))}},

		// Strings.
		{"double quotes", `name = "chat"`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("chat"))}},
		{"empty string", "name = ''", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(""))}},
		{"empty double-quoted string", `name = ""`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(""))}},
		{"doubled single quote", "name = 'it''s'", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("it's"))}},
		{"escaped single quote", `name = 'it\'s'`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("it's"))}},
		{"doubled double quote", `name = "say ""hi"""`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(`say "hi"`))}},
		{"escaped double quote", `name = "say \"hi\""`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(`say "hi"`))}},
		{"other quote inside single", `name = 'a"b'`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(`a"b`))}},
		{"other quote inside double", `name = "a'b"`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("a'b"))}},
		{"lone quote string", "name = ''''", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("'"))}},
		{"backslash kept", `name LIKE 'a\%b\_'`, []Clause{fClause(fAttr(AttrName), OpLike, 0, fStr(`a\%b\_`))}},
		{"escaped backslash", `name = 'a\\'`, []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(`a\`))}},
		{"string with spaces and keywords", "name = ' AND x OR ( ) = '", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr(" AND x OR ( ) = "))}},
		{"unicode string", "name = 'héllo, 世界'", []Clause{fClause(fAttr(AttrName), OpEq, 0, fStr("héllo, 世界"))}},

		// Several clauses and whitespace.
		{"four clauses", "status = 'OK' AND timestamp_ms > 5 and tag.a = 'b' AnD name LIKE 'x%'", []Clause{
			fClause(fAttr(AttrStatus), OpEq, 0, fStr("OK")),
			fClause(fAttr(AttrTimestampMS), OpGt, 18, fNum(5)),
			fClause(fTag("a"), OpEq, 39, fStr("b")),
			fClause(fAttr(AttrName), OpLike, 55, fStr("x%")),
		}},
		{"no spaces around operators", "name='a' AND timestamp_ms>=5 AND tag.x!='y' AND execution_time_ms<-1", []Clause{
			fClause(fAttr(AttrName), OpEq, 0, fStr("a")),
			fClause(fAttr(AttrTimestampMS), OpGe, 13, fNum(5)),
			fClause(fTag("x"), OpNe, 33, fStr("y")),
			fClause(fAttr(AttrExecutionTimeMS), OpLt, 48, fNum(-1)),
		}},
		{"string directly followed by AND", "name='a'AND tag.x='b'", []Clause{
			fClause(fAttr(AttrName), OpEq, 0, fStr("a")),
			fClause(fTag("x"), OpEq, 12, fStr("b")),
		}},
		{"tabs", "\tname\t=\t'a'\tAND\ttimestamp_ms\t<\t5\t", []Clause{
			fClause(fAttr(AttrName), OpEq, 1, fStr("a")),
			fClause(fAttr(AttrTimestampMS), OpLt, 16, fNum(5)),
		}},
		{"newlines", "\n name = 'a'\nAND\n\ttag.`k` IN (\n'x',\n'y'\n)\n", []Clause{
			fClause(fAttr(AttrName), OpEq, 2, fStr("a")),
			fClause(fTag("k"), OpIn, 18, fStr("x"), fStr("y")),
		}},
		{"IN without spaces", "name IN('a','b')", []Clause{fClause(fAttr(AttrName), OpIn, 0, fStr("a"), fStr("b"))}},
		{"IN with inner spaces", "name IN ( 'a' , \"b\" )", []Clause{fClause(fAttr(AttrName), OpIn, 0, fStr("a"), fStr("b"))}},
		{"LIKE directly followed by string", "name LIKE'a%'", []Clause{fClause(fAttr(AttrName), OpLike, 0, fStr("a%"))}},
		{"CRLF", "name = 'a'\r\nAND\r\nspan.type = 'LLM'", []Clause{
			fClause(fAttr(AttrName), OpEq, 0, fStr("a")),
			fClause(fSpan("type"), OpEq, 17, fStr("LLM")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFilter(tt.filter)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.filter, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseFilter(%q)\n got %#v\nwant %#v", tt.filter, got, tt.want)
			}
		})
	}
}

const (
	errWantKey    = "expected a key (an attribute, trace.text, tag.KEY, metadata.KEY, span.name, span.type, span.status, span.content, span.attributes.KEY, feedback.NAME or expectation.NAME), found "
	errWantOp     = "expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, RLIKE, IN, NOT IN), found "
	errValidAttrs = "valid: status, timestamp_ms, execution_time_ms, end_time_ms, name, request_id, client_request_id, run_id"
)

func TestParseFilterErrors(t *testing.T) {
	tests := []struct {
		name   string
		filter string
		pos    int
		msg    string // the whole message unless partial
	}{
		{"OR", "status = 'OK' OR name = 'x'", 14, `expected AND, found "OR": only AND is supported`},
		{"lower-case or", "status = 'OK' or name = 'x'", 14, `expected AND, found "or": only AND is supported`},
		{"trailing AND", "status = 'OK' AND", 17, errWantKey + "end of filter"},
		{"trailing AND and space", "status = 'OK' AND  ", 19, errWantKey + "end of filter"},
		{"leading AND", "AND name = 'x'", 0, errWantKey + `"AND"`},
		{"double AND", "status = 'OK' AND AND name='x'", 18, errWantKey + `"AND"`},
		{"OR as a key", "name = 'x' AND OR", 15, errWantKey + `"OR"`},
		{"parenthesis", "(name = 'x')", 0, errWantKey + `"("`},
		{"quoted key", "'name' = 'x'", 0, errWantKey + `"'name'"`},
		{"missing value", "name =", 6, "expected a quoted string, found end of filter"},
		{"missing value before AND", "name = AND tag.a = 'b'", 7, `expected a quoted string, found "AND"`},
		{"missing number", "timestamp_ms >", 14, "expected a number, found end of filter"},
		{"missing operator", "name 'x'", 5, errWantOp + `"'x'"`},
		{"lone key", "name", 4, errWantOp + "end of filter"},
		{"lone key with space", "tag.foo  ", 9, errWantOp + "end of filter"},
		{"double equals", "name == 'x'", 5, errWantOp + `"=="`},
		{"angle brackets", "name <> 'x'", 5, errWantOp + `"<>"`},
		{"=< operator", "timestamp_ms =< 5", 13, errWantOp + `"=<"`},
		{"word operator", "name IS 'x'", 5, errWantOp + `"IS"`},
		{"NOT without IN", "name NOT = 'x'", 9, `expected IN after NOT, found "="`},
		{"NOT LIKE", "name NOT LIKE 'x'", 9, `expected IN after NOT, found "LIKE"`},
		{"NOT at end", "name NOT", 8, "expected IN after NOT, found end of filter"},
		{"unterminated string", "status = 'OK' AND name = 'abc", 29, "unterminated string starting at position 25"},
		{"unterminated string at start", "tag.a = '", 9, "unterminated string starting at position 8"},
		{"string ending in escaped quote", `name = "abc\"`, 13, "unterminated string starting at position 7"},
		{"unterminated string in IN", "name IN ('a', 'b)", 17, "unterminated string starting at position 14"},
		{"unterminated string for numeric", "timestamp_ms = '5", 17, "unterminated string starting at position 15"},
		{"unterminated backtick", "tag.`abc = 'x'", 14, "unterminated backtick-quoted key starting at position 4"},
		{"unterminated backtick attribute", "`status = 'x'", 13, "unterminated backtick-quoted key starting at position 0"},
		{"empty backticks", "tag.`` = 'x'", 4, "expected a key inside the backticks, found \"``\""},
		{"empty IN list", "name IN ()", 9, `expected a quoted string, found ")": the value list of IN must not be empty`},
		{"empty NOT IN list", "timestamp_ms NOT IN ( )", 22, `expected a number, found ")": the value list of NOT IN must not be empty`},
		{"IN without parenthesis", "name IN 'x'", 8, `expected "(" after IN, found "'x'"`},
		{"IN at end", "name NOT IN", 11, `expected "(" after NOT IN, found end of filter`},
		{"IN missing comma", "name IN ('a' 'b')", 13, `expected "," or ")", found "'b'"`},
		{"IN trailing comma", "name IN ('a',)", 13, `expected a quoted string, found ")"`},
		{"IN unclosed", "name IN ('a'", 12, `expected "," or ")", found end of filter`},
		{"IN unclosed after comma", "name IN ('a',", 13, "expected a quoted string, found end of filter"},
		{"IN number for string", "tag.a IN ('a', 2)", 15, `expected a quoted string, found "2"`},
		{"number for string field", "name = 5", 7, `expected a quoted string, found "5"`},
		{"negative number for tag", "tag.x = -5", 8, `expected a quoted string, found "-5"`},
		{"bare word for string field", "name = chat", 7, `expected a quoted string, found "chat"`},
		{"string for numeric field", "timestamp_ms = '5'", 15, `expected a number, found "'5'"`},
		{"double-quoted string for numeric", `execution_time_ms IN (1, "2")`, 25, `expected a number, found "\"2\""`},
		{"plus sign", "timestamp_ms = +5", 15, `expected a number, found "+5"`},
		{"lone minus", "timestamp_ms = -", 15, `expected a number, found "-"`},
		{"double minus", "timestamp_ms = --5", 15, `expected a number, found "--5"`},
		{"number with letters", "timestamp_ms = 5abc AND name = 'x'", 15, `expected a number, found "5abc"`},
		{"number overflow", "timestamp_ms = 99999999999999999999", 15, `expected a number, found "99999999999999999999": out of the 64-bit integer range`},
		{"punctuation for number", "timestamp_ms = (5)", 15, `expected a number, found "("`},
		{"< on a tag", "tag.x < 'a'", 6, "expected an operator for string field tag.`x` (=, !=, LIKE, ILIKE, RLIKE, IN, NOT IN), found \"<\""},
		{">= on name", "status = 'OK' AND name >= 'a'", 23, `expected an operator for string field name (=, !=, LIKE, ILIKE, RLIKE, IN, NOT IN), found ">="`},
		{"<= on span", "span.name <= 'a'", 10, `expected an operator for string field span.name (=, !=, LIKE, ILIKE, RLIKE, IN, NOT IN), found "<="`},
		{"LIKE on numeric", "timestamp_ms LIKE '5'", 13, `expected an operator for numeric field timestamp_ms (=, !=, <, <=, >, >=, IN, NOT IN), found "LIKE"`},
		{"ilike on numeric", "execution_time ilike '5'", 15, `expected an operator for numeric field execution_time_ms (=, !=, <, <=, >, >=, IN, NOT IN), found "ilike"`},
		{"unknown attribute", "foo = 'x'", 0, `unknown attribute "foo"; ` + errValidAttrs},
		{"unknown prefixed attribute", "attributes.foo = 'x'", 11, `unknown attribute "foo"; ` + errValidAttrs},
		{"unknown attribute after AND", "name = 'x' AND run = 'y'", 15, `unknown attribute "run"; ` + errValidAttrs},
		{"backticked whole tag key", "`tag.foo` = 'x'", 0, `unknown attribute "tag.foo"; ` + errValidAttrs},
		{"bare prefix", "tag = 'x'", 0, `unknown attribute "tag"; ` + errValidAttrs},
		{"unknown prefix", "foo.bar = 'x'", 0, `unknown key prefix "foo"; valid: attributes, attribute, trace, tag, tags, metadata, request_metadata, span`},
		{"unknown span field", "span.foo = 'x'", 5, `unknown span field "foo"; valid: name, type, status, content, attributes.KEY`},
		{"unknown span field after AND", "name = 'x' AND span.kind = 'OK'", 20, `unknown span field "kind"; valid: name, type, status, content, attributes.KEY`},
		{"span attributes without a key", "span.attributes = '1'", 15, `expected "." and a key after span.attributes, found " "`},
		{"span attributes with an empty key", "span.attributes. = '1'", 16, `expected a key after "span.attributes.", found " "`},
		{"= on span content", "span.content = 'x'", 13, `expected an operator for full-text field span.content (LIKE, ILIKE, RLIKE), found "="`},
		{"IN on trace text", "trace.text IN ('x')", 11, `expected an operator for full-text field trace.text (LIKE, ILIKE, RLIKE), found "IN"`},
		{"bad span status", "span.status = 'FINE'", 14, `invalid span status "FINE"; valid: OK, ERROR, UNSET`},
		{"bad status", "status = 'bad'", 9, `invalid status "bad"; valid: OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED`},
		{"bad status in IN", "state IN ('OK', 'nope')", 16, `invalid status "nope"; valid: OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED`},
		{"non-ASCII status", "status = 'ſtate_unſpecified'", 9, `invalid status "ſtate_unſpecified"`},
		{"garbage after clause", "name = 'a' garbage", 11, `expected AND, found "garbage"`},
		{"parenthesis after clause", "name = 'a' )", 11, `expected AND, found ")"`},
		{"&& after clause", "name = 'a' && status = 'OK'", 11, `expected AND, found "&"`},
		{"comma after clause", "name = 'a', status = 'OK'", 10, `expected AND, found ","`},
		{"word glued to AND", "name = 'a' ANDstatus = 'OK'", 11, `expected AND, found "ANDstatus"`},
		{"second string", "name = 'a' 'b'", 11, `expected AND, found "'b'"`},
		{"dotted key ending in a dot", "tag.a. = 'x'", 5, errWantOp + `"."`},
		{"unterminated double-quoted key", `tag."a.b = 'x'`, 14, "unterminated double-quoted key starting at position 4"},
		{"empty double-quoted key", `tag."" = 'x'`, 4, `expected a key inside the quotes, found "\"\""`},
		{"RLIKE with a bad pattern", "name RLIKE 'a(b'", 11, "invalid regular expression \"a(b\": missing closing ): `a(b`"},
		{"RLIKE on numeric", "timestamp_ms RLIKE '5'", 13, `expected an operator for numeric field timestamp_ms`},
		{"decimal without digits after the point", "execution_time_ms > 1.", 20, `expected a number, found "1."`},
		{"decimal without a whole part", "execution_time_ms > .5", 20, `expected a number, found ".5"`},
		{"exponent", "execution_time_ms > 1e3", 20, `expected a number, found "1e3"`},
		{"dot after backticked key", "tag.`a`.b = 'x'", 7, errWantOp + `"."`},
		{"missing tag key", "tag. = 'x'", 4, `expected a key after "tag.", found " "`},
		{"tag key at end", "tags.", 5, `expected a key after "tags.", found end of filter`},
		{"non-ASCII bare key", "tag.é = 'x'", 4, `expected a key after "tag.", found "é"`},
		{"quoted tag key", "tag.'a' = 'x'", 4, `expected a key after "tag.", found "'a'"`},
		{"invalid UTF-8", "name = 'a' \xff", 11, `expected AND, found "\xff"`},
		{"long token is shortened", "name = 'a' " + strings.Repeat("x", 100), 11, `expected AND, found "` + strings.Repeat("x", 40) + `..."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFilter(tt.filter)
			if err == nil {
				t.Fatalf("ParseFilter(%q) = %#v, want an error", tt.filter, got)
			}
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseFilter(%q) error %T %v, want *FilterError", tt.filter, err, err)
			}
			if fe.Input != tt.filter {
				t.Errorf("Input = %q, want %q", fe.Input, tt.filter)
			}
			if fe.Pos != tt.pos {
				t.Errorf("ParseFilter(%q): Pos = %d, want %d (%s)", tt.filter, fe.Pos, tt.pos, fe.Msg)
			}
			if !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("ParseFilter(%q): Msg = %q, want it to contain %q", tt.filter, fe.Msg, tt.msg)
			}
			if got != nil {
				t.Errorf("clauses = %#v, want nil on error", got)
			}
		})
	}
}

func TestFilterErrorString(t *testing.T) {
	_, err := ParseFilter("name == 'x'")
	want := `invalid filter "name == 'x'" at position 5: ` + errWantOp + `"=="`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestParseOrderBy(t *testing.T) {
	tests := []struct {
		name  string
		exprs []string
		want  []OrderBy
	}{
		{"nil", nil, nil},
		{"empty", []string{}, nil},
		{"desc", []string{"timestamp_ms DESC"}, []OrderBy{{Field: fAttr(AttrTimestampMS), Desc: true}}},
		{"default asc", []string{"name"}, []OrderBy{{Field: fAttr(AttrName)}}},
		{"tag", []string{"tag.x DESC"}, []OrderBy{{Field: fTag("x"), Desc: true}}},
		{"dotted metadata", []string{"  metadata.mlflow.user"}, []OrderBy{{Field: fMeta("mlflow.user")}}},
		{"run_id", []string{"run_id DESC"}, []OrderBy{{Field: fMeta(MetadataSourceRun), Desc: true}}},
		{"lower asc", []string{"execution_time_ms asc"}, []OrderBy{{Field: fAttr(AttrExecutionTimeMS)}}},
		{"spaces and alias", []string{" \ttimestamp   desc \n"}, []OrderBy{{Field: fAttr(AttrTimestampMS), Desc: true}}},
		{"prefixed mixed case", []string{"attributes.status Desc"}, []OrderBy{{Field: fAttr(AttrStatus), Desc: true}}},
		{"trace prefix and alias", []string{"trace.trace_id"}, []OrderBy{{Field: fAttr(AttrRequestID)}}},
		{"attribute prefix", []string{"attribute.execution_time ASC"}, []OrderBy{{Field: fAttr(AttrExecutionTimeMS)}}},
		{"backticked", []string{"`timestamp_ms` DESC"}, []OrderBy{{Field: fAttr(AttrTimestampMS), Desc: true}}},
		{"state alias", []string{"STATE ASC"}, []OrderBy{{Field: fAttr(AttrStatus)}}},
		{"several", []string{"timestamp_ms DESC", "request_id", "name asc"}, []OrderBy{
			{Field: fAttr(AttrTimestampMS), Desc: true},
			{Field: fAttr(AttrRequestID)},
			{Field: fAttr(AttrName)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrderBy(tt.exprs)
			if err != nil {
				t.Fatalf("ParseOrderBy(%q): %v", tt.exprs, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseOrderBy(%q)\n got %#v\nwant %#v", tt.exprs, got, tt.want)
			}
		})
	}
}

func TestParseOrderByErrors(t *testing.T) {
	const wantAttr = "expected an attribute (status, timestamp_ms, execution_time_ms, end_time_ms, name, request_id, client_request_id, run_id), found "
	tests := []struct {
		name  string
		exprs []string
		input string // the offending expression
		pos   int
		msg   string
	}{
		{"span", []string{"span.name"}, "span.name", 0, "expected an attribute (status, timestamp_ms, execution_time_ms, end_time_ms, name, request_id, client_request_id, run_id), tag.KEY or metadata.KEY, found \"span.name\": spans cannot be ordered by"},
		{"extra word", []string{"timestamp_ms DESC extra"}, "timestamp_ms DESC extra", 18, `expected end of expression, found "extra"`},
		{"two directions", []string{"name ASC DESC"}, "name ASC DESC", 9, `expected end of expression, found "DESC"`},
		{"bad direction", []string{"timestamp_ms up"}, "timestamp_ms up", 13, `expected ASC, DESC or end of expression, found "up"`},
		{"comma", []string{"timestamp_ms, name"}, "timestamp_ms, name", 12, `expected ASC, DESC or end of expression, found ","`},
		{"unknown field", []string{"foo"}, "foo", 0, `unknown attribute "foo"; ` + errValidAttrs},
		{"unknown prefixed field", []string{"attributes.foo DESC"}, "attributes.foo DESC", 11, `unknown attribute "foo"; ` + errValidAttrs},
		{"empty", []string{""}, "", 0, wantAttr + "end of expression"},
		{"blank", []string{"  "}, "  ", 2, wantAttr + "end of expression"},
		{"direction only", []string{"DESC"}, "DESC", 0, `unknown attribute "DESC"`},
		{"quoted", []string{"'name'"}, "'name'", 0, wantAttr + `"'name'"`},
		{"unterminated backtick", []string{"`name"}, "`name", 5, "unterminated backtick-quoted key starting at position 0"},
		{"second bad", []string{"name", "timestamp_ms sideways"}, "timestamp_ms sideways", 13, `expected ASC, DESC or end of expression, found "sideways"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrderBy(tt.exprs)
			if err == nil {
				t.Fatalf("ParseOrderBy(%q) = %#v, want an error", tt.exprs, got)
			}
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseOrderBy(%q) error %T %v, want *FilterError", tt.exprs, err, err)
			}
			if fe.Input != tt.input {
				t.Errorf("Input = %q, want %q", fe.Input, tt.input)
			}
			if fe.Pos != tt.pos {
				t.Errorf("ParseOrderBy(%q): Pos = %d, want %d (%s)", tt.exprs, fe.Pos, tt.pos, fe.Msg)
			}
			if !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("ParseOrderBy(%q): Msg = %q, want it to contain %q", tt.exprs, fe.Msg, tt.msg)
			}
			if got != nil {
				t.Errorf("order = %#v, want nil on error", got)
			}
		})
	}
}
