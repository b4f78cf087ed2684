package store

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file parses MLflow's search_traces filter grammar:
//
//	filter  := "" | clause (AND clause)*
//	clause  := key op value | key (IN | NOT IN) "(" value ("," value)* ")"
//	key     := attr | prefix "." name
//	attr    := ident | "`" any-but-backtick+ "`"
//	prefix  := attributes | attribute | trace | tag | tags | metadata | request_metadata | span
//	         | feedback | expectation
//	name    := ident ("." ident)* | "`" any-but-backtick+ "`" | "string"
//	ident   := [A-Za-z0-9_-]+
//	op      := = | != | < | <= | > | >= | LIKE | ILIKE | RLIKE
//	value   := 'string' | "string" | number
//
// As in MLflow, a tag or metadata key is everything after the first dot
// (tags.mlflow.traceName); backticks or double quotes take any other key. Keywords,
// prefixes, attribute names and span fields are case-insensitive; tag and metadata keys are
// case-sensitive. RLIKE takes a regular expression in Go's RE2 syntax, matched anywhere in
// the value.
//
// feedback.NAME and expectation.NAME compare the value of the trace's valid (not
// overridden) assessments of that name: = and != take a quoted string, matched against a
// string value or the value's JSON text ('true', '4', '{"a":1}'), or a number, compared as
// one; LIKE, ILIKE and RLIKE match a string value's text or any other value's JSON text;
// feedback also takes < <= > >= with a number, against numeric values only.

// ParseFilter parses an MLflow trace search filter: comparisons joined by AND
// (case-insensitive keyword). An empty or all-space filter gives no clauses.
//
// Errors are *FilterError values whose Pos is the byte offset of the offending
// token, or len(filter) when the filter ends too early.
func ParseFilter(filter string) ([]Clause, error) {
	p := &filterParser{in: filter, end: "end of filter", keyWant: "a key (" + filterKeyList + ")"}
	p.skipSpace()
	if p.eof() {
		return nil, nil
	}
	var clauses []Clause
	for {
		c, err := p.clause()
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, c)
		p.skipSpace()
		if p.eof() {
			return clauses, nil
		}
		pos := p.pos
		if isKeyByte(p.in[pos]) {
			switch w := p.word(); filterUpper(w) {
			case "AND":
				p.skipSpace()
				continue
			case "OR":
				return nil, p.errorf(pos, "expected AND, found %s: only AND is supported", quoteFilterToken(w))
			}
		}
		return nil, p.errorf(pos, "expected AND, found %s", p.found(pos))
	}
}

// ParseOrderBy parses order-by expressions such as "timestamp_ms DESC", "name",
// "execution_time_ms asc", "tags.env", "run_id". Attributes, tags and metadata can be
// ordered by (traces without the tag or metadata key sort last, in both directions); spans
// cannot.
//
// Errors are *FilterError values whose Input is the offending expression.
func ParseOrderBy(exprs []string) ([]OrderBy, error) {
	if len(exprs) == 0 {
		return nil, nil
	}
	out := make([]OrderBy, 0, len(exprs))
	for _, expr := range exprs {
		ob, err := parseOrderByExpr(expr)
		if err != nil {
			err.What = "order-by"
			return nil, err
		}
		out = append(out, ob)
	}
	return out, nil
}

func parseOrderByExpr(expr string) (OrderBy, *FilterError) {
	p := &filterParser{in: expr, end: "end of expression", keyWant: "an attribute (" + filterAttrList + ")"}
	p.skipSpace()
	start := p.pos
	f, err := p.key()
	if err != nil {
		return OrderBy{}, err
	}
	if f.Kind == FieldSpan || f.Kind == FieldSpanAttribute || f.IsText() || f.IsAssessment() {
		what := "spans"
		if f.IsAssessment() {
			what = "assessments"
		}
		return OrderBy{}, p.errorf(start, "expected an attribute (%s), tag.KEY or metadata.KEY, found %s: %s cannot be ordered by", filterAttrList, quoteFilterToken(expr[start:p.pos]), what)
	}
	ob := OrderBy{Field: f}
	p.skipSpace()
	if p.eof() {
		return ob, nil
	}
	pos := p.pos
	if isKeyByte(p.in[pos]) {
		switch filterUpper(p.word()) {
		case "ASC":
		case "DESC":
			ob.Desc = true
		default:
			p.pos = pos
		}
	}
	if p.pos == pos {
		return OrderBy{}, p.errorf(pos, "expected ASC, DESC or end of expression, found %s", p.found(pos))
	}
	p.skipSpace()
	if !p.eof() {
		return OrderBy{}, p.errorf(p.pos, "expected end of expression, found %s", p.found(p.pos))
	}
	return ob, nil
}

const (
	filterAttrList   = "status, timestamp_ms, execution_time_ms, end_time_ms, name, request_id, client_request_id, run_id"
	filterKeyList    = "an attribute, trace.text, tag.KEY, metadata.KEY, span.name, span.type, span.status, span.content, span.attributes.KEY, feedback.NAME or expectation.NAME"
	filterOpList     = "=, !=, <, <=, >, >=, LIKE, ILIKE, RLIKE, IN, NOT IN"
	filterNumOpList  = "=, !=, <, <=, >, >=, IN, NOT IN"
	filterStrOpList  = "=, !=, LIKE, ILIKE, RLIKE, IN, NOT IN"
	filterTextOpList = "LIKE, ILIKE, RLIKE"
	filterFbOpList   = "=, !=, <, <=, >, >=, LIKE, ILIKE, RLIKE"
	filterExpOpList  = "=, !=, LIKE, ILIKE, RLIKE"
	filterStatusList = "OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED"
	filterMaxFound   = 40 // bytes of a token quoted in an error message
)

// attributeNames maps attribute names and aliases (lower-cased) to canonical names.
var attributeNames = map[string]string{
	"status":            AttrStatus,
	"state":             AttrStatus,
	"timestamp_ms":      AttrTimestampMS,
	"timestamp":         AttrTimestampMS,
	"execution_time_ms": AttrExecutionTimeMS,
	"execution_time":    AttrExecutionTimeMS,
	"end_time_ms":       AttrEndTimeMS,
	"end_time":          AttrEndTimeMS,
	"name":              AttrName,
	"request_id":        AttrRequestID,
	"trace_id":          AttrRequestID,
	"client_request_id": AttrClientRequestID,
	"text":              AttrText,
}

// spanFieldNames maps span field names (lower-cased) to canonical names.
var spanFieldNames = map[string]string{
	"name":      SpanName,
	"type":      SpanType,
	"span_type": SpanType,
	"status":    SpanStatus,
	"content":   SpanContent,
}

const spanFieldList = "name, type, status, content, attributes.KEY"

var spanStatusValues = map[string]bool{"OK": true, "ERROR": true, "UNSET": true}

var statusValues = map[string]bool{"OK": true, "ERROR": true, "IN_PROGRESS": true, "STATE_UNSPECIFIED": true}

// filterParser is a cursor over a filter or order-by expression.
type filterParser struct {
	in      string
	pos     int
	end     string // how the end of input is named in messages
	keyWant string // what a key is described as in "expected ..." messages
}

func (p *filterParser) errorf(pos int, format string, args ...any) *FilterError {
	if pos < 0 {
		pos = 0
	}
	if pos > len(p.in) {
		pos = len(p.in)
	}
	return &FilterError{Input: p.in, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *filterParser) eof() bool { return p.pos >= len(p.in) }

func (p *filterParser) skipSpace() {
	for p.pos < len(p.in) && isFilterSpace(p.in[p.pos]) {
		p.pos++
	}
}

// word consumes a run of identifier bytes at the cursor.
func (p *filterParser) word() string {
	start := p.pos
	for p.pos < len(p.in) && isKeyByte(p.in[p.pos]) {
		p.pos++
	}
	return p.in[start:p.pos]
}

// found describes the token at pos for an error message: "end of filter" or the quoted token text.
func (p *filterParser) found(pos int) string {
	if pos >= len(p.in) {
		return p.end
	}
	s := p.in[pos:]
	n := 0
	switch c := s[0]; {
	case isKeyByte(c):
		for n < len(s) && isKeyByte(s[n]) {
			n++
		}
	case isOpByte(c):
		for n < len(s) && isOpByte(s[n]) {
			n++
		}
	case c == '\'' || c == '"':
		if _, next, ok := scanQuoted(p.in, pos); ok {
			n = next - pos
		} else {
			n = len(s)
		}
	case c == '`':
		if i := strings.IndexByte(s[1:], '`'); i >= 0 {
			n = i + 2
		} else {
			n = len(s)
		}
	default:
		_, n = utf8.DecodeRuneInString(s)
	}
	return quoteFilterToken(s[:n])
}

// quoteFilterToken quotes a token for an error message, shortening a long one.
func quoteFilterToken(tok string) string {
	if len(tok) > filterMaxFound {
		cut := filterMaxFound
		for cut > 0 && !utf8.RuneStart(tok[cut]) {
			cut--
		}
		tok = tok[:cut] + "..."
	}
	return strconv.Quote(tok)
}

// clause parses key op value(s).
func (p *filterParser) clause() (Clause, *FilterError) {
	start := p.pos
	f, err := p.key()
	if err != nil {
		return Clause{}, err
	}
	p.skipSpace()
	opPos := p.pos
	op, err := p.op()
	if err != nil {
		return Clause{}, err
	}
	if !filterOpAllowed(f, op) {
		kind, ops := "string", filterStrOpList
		switch {
		case f.IsNumeric():
			kind, ops = "numeric", filterNumOpList
		case f.IsText():
			kind, ops = "full-text", filterTextOpList
		case f.Kind == FieldFeedback:
			kind, ops = "feedback", filterFbOpList
		case f.Kind == FieldExpectation:
			kind, ops = "expectation", filterExpOpList
		}
		return Clause{}, p.errorf(opPos, "expected an operator for %s field %s (%s), found %s", kind, f, ops, quoteFilterToken(p.in[opPos:p.pos]))
	}
	c := Clause{Field: f, Op: op, Pos: start}
	p.skipSpace()
	if op != OpIn && op != OpNotIn {
		v, err := p.value(f, op)
		if err != nil {
			return Clause{}, err
		}
		c.Values = []Value{v}
		return c, nil
	}
	if p.eof() || p.in[p.pos] != '(' {
		return Clause{}, p.errorf(p.pos, "expected \"(\" after %s, found %s", op, p.found(p.pos))
	}
	p.pos++
	p.skipSpace()
	if !p.eof() && p.in[p.pos] == ')' {
		return Clause{}, p.errorf(p.pos, "expected %s, found \")\": the value list of %s must not be empty", filterValueWant(f), op)
	}
	for {
		v, err := p.value(f, op)
		if err != nil {
			return Clause{}, err
		}
		c.Values = append(c.Values, v)
		p.skipSpace()
		if !p.eof() {
			switch p.in[p.pos] {
			case ',':
				p.pos++
				p.skipSpace()
				continue
			case ')':
				p.pos++
				return c, nil
			}
		}
		return Clause{}, p.errorf(p.pos, "expected \",\" or \")\", found %s", p.found(p.pos))
	}
}

// key parses a filter key at the cursor.
func (p *filterParser) key() (Field, *FilterError) {
	start := p.pos
	if p.eof() {
		return Field{}, p.errorf(start, "expected %s, found %s", p.keyWant, p.end)
	}
	c := p.in[start]
	if c == '`' {
		name, err := p.backticked()
		if err != nil {
			return Field{}, err
		}
		return p.attribute(name, start)
	}
	if !isKeyByte(c) {
		return Field{}, p.errorf(start, "expected %s, found %s", p.keyWant, p.found(start))
	}
	w := p.word()
	if p.eof() || p.in[p.pos] != '.' {
		if u := filterUpper(w); u == "AND" || u == "OR" {
			return Field{}, p.errorf(start, "expected %s, found %s", p.keyWant, quoteFilterToken(w))
		}
		return p.attribute(w, start)
	}
	var kind FieldKind
	switch filterLower(w) {
	case "attributes", "attribute", "trace":
		kind = FieldAttribute
	case "tag", "tags":
		kind = FieldTag
	case "metadata", "request_metadata":
		kind = FieldMetadata
	case "span":
		kind = FieldSpan
	case "feedback":
		kind = FieldFeedback
	case "expectation":
		kind = FieldExpectation
	default:
		return Field{}, p.errorf(start, "unknown key prefix %s; valid: attributes, attribute, trace, tag, tags, metadata, request_metadata, span, feedback, expectation", quoteFilterToken(w))
	}
	p.pos++ // the dot
	namePos := p.pos
	assessment := kind == FieldFeedback || kind == FieldExpectation
	name, err := p.keyName(w+".", kind == FieldTag || kind == FieldMetadata || assessment)
	if err != nil {
		return Field{}, err
	}
	if assessment && strings.Contains(name, ".") {
		return Field{}, p.errorf(namePos, "assessment name %s contains a \".\", which assessment names never do", quoteFilterToken(name))
	}
	switch kind {
	case FieldAttribute:
		return p.attribute(name, namePos)
	case FieldSpan:
		lower := filterLower(name)
		if canon, ok := spanFieldNames[lower]; ok {
			return Field{Kind: FieldSpan, Name: canon}, nil
		}
		if lower == "attributes" {
			if p.eof() || p.in[p.pos] != '.' {
				return Field{}, p.errorf(p.pos, "expected \".\" and a key after span.attributes, found %s", p.found(p.pos))
			}
			p.pos++
			key, err := p.keyName("span.attributes.", true)
			if err != nil {
				return Field{}, err
			}
			return Field{Kind: FieldSpanAttribute, Name: key}, nil
		}
		return Field{}, p.errorf(namePos, "unknown span field %s; valid: %s", quoteFilterToken(name), spanFieldList)
	}
	return Field{Kind: kind, Name: name}, nil
}

// keyName parses the key after a prefix (after names it in errors): backticked or double
// quoted, else a run of identifier bytes, joined across dots when dotted.
func (p *filterParser) keyName(after string, dotted bool) (string, *FilterError) {
	namePos := p.pos
	switch {
	case !p.eof() && p.in[p.pos] == '`':
		return p.backticked()
	case !p.eof() && p.in[p.pos] == '"' && dotted:
		s, next, ok := scanQuoted(p.in, p.pos)
		if !ok {
			return "", p.errorf(len(p.in), "unterminated double-quoted key starting at position %d", p.pos)
		}
		if s == "" {
			return "", p.errorf(p.pos, "expected a key inside the quotes, found %q", `""`)
		}
		p.pos = next
		return s, nil
	case !p.eof() && isKeyByte(p.in[p.pos]):
		p.word()
		// The key is everything after the first dot, as MLflow reads it.
		for dotted && !p.eof() && p.in[p.pos] == '.' && p.pos+1 < len(p.in) && isKeyByte(p.in[p.pos+1]) {
			p.pos++
			p.word()
		}
		return p.in[namePos:p.pos], nil
	}
	return "", p.errorf(namePos, "expected a key after %s, found %s", quoteFilterToken(after), p.found(namePos))
}

func (p *filterParser) attribute(name string, pos int) (Field, *FilterError) {
	if filterLower(name) == "run_id" {
		return Field{Kind: FieldMetadata, Name: MetadataSourceRun}, nil
	}
	if canon, ok := attributeNames[filterLower(name)]; ok {
		return Field{Kind: FieldAttribute, Name: canon}, nil
	}
	return Field{}, p.errorf(pos, "unknown attribute %s; valid: %s", quoteFilterToken(name), filterAttrList)
}

// backticked consumes a backtick-quoted key at the cursor and returns its contents.
func (p *filterParser) backticked() (string, *FilterError) {
	start := p.pos
	i := strings.IndexByte(p.in[start+1:], '`')
	if i < 0 {
		return "", p.errorf(len(p.in), "unterminated backtick-quoted key starting at position %d", start)
	}
	if i == 0 {
		return "", p.errorf(start, "expected a key inside the backticks, found \"``\"")
	}
	p.pos = start + 1 + i + 1
	return p.in[start+1 : start+1+i], nil
}

// op parses an operator at the cursor.
func (p *filterParser) op() (Op, *FilterError) {
	start := p.pos
	if !p.eof() {
		c := p.in[start]
		switch {
		case isOpByte(c):
			for p.pos < len(p.in) && isOpByte(p.in[p.pos]) {
				p.pos++
			}
			switch op := Op(p.in[start:p.pos]); op {
			case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
				return op, nil
			}
		case isKeyByte(c):
			switch filterUpper(p.word()) {
			case "LIKE":
				return OpLike, nil
			case "ILIKE":
				return OpILike, nil
			case "RLIKE":
				return OpRLike, nil
			case "IN":
				return OpIn, nil
			case "NOT":
				p.skipSpace()
				pos := p.pos
				if !p.eof() && isKeyByte(p.in[pos]) && filterUpper(p.word()) == "IN" {
					return OpNotIn, nil
				}
				return "", p.errorf(pos, "expected IN after NOT, found %s", p.found(pos))
			}
		}
	}
	p.pos = start
	return "", p.errorf(start, "expected an operator (%s), found %s", filterOpList, p.found(start))
}

func filterOpAllowed(f Field, op Op) bool {
	if f.IsAssessment() {
		switch op {
		case OpEq, OpNe, OpLike, OpILike, OpRLike:
			return true
		case OpLt, OpLe, OpGt, OpGe:
			return f.Kind == FieldFeedback
		}
		return false
	}
	if f.IsText() {
		return op == OpLike || op == OpILike || op == OpRLike
	}
	switch op {
	case OpEq, OpNe, OpIn, OpNotIn:
		return true
	case OpLt, OpLe, OpGt, OpGe:
		return f.IsNumeric()
	case OpLike, OpILike, OpRLike:
		return !f.IsNumeric()
	}
	return false
}

func filterValueWant(f Field) string {
	if f.IsNumeric() {
		return "a number"
	}
	return "a quoted string"
}

// value parses one literal for field f at the cursor.
func (p *filterParser) value(f Field, op Op) (Value, *FilterError) {
	start := p.pos
	want := filterValueWant(f)
	numericOp := op == OpLt || op == OpLe || op == OpGt || op == OpGe
	if f.IsAssessment() {
		want = "a quoted string or a number"
		if numericOp {
			want = "a number"
		}
	}
	if p.eof() {
		return Value{}, p.errorf(start, "expected %s, found %s", want, p.end)
	}
	c := p.in[start]
	if f.IsAssessment() && c != '\'' && c != '"' {
		if op == OpLike || op == OpILike || op == OpRLike {
			return Value{}, p.errorf(start, "expected a quoted string, found %s", p.found(start))
		}
		return p.number(start)
	}
	if f.IsAssessment() && numericOp {
		return Value{}, p.errorf(start, "expected a number, found %s: < <= > >= compare numeric feedback", p.found(start))
	}
	if c == '\'' || c == '"' {
		s, next, ok := scanQuoted(p.in, start)
		if !ok {
			return Value{}, p.errorf(len(p.in), "unterminated string starting at position %d", start)
		}
		if f.IsNumeric() {
			return Value{}, p.errorf(start, "expected a number, found %s", p.found(start))
		}
		if op == OpRLike {
			if _, err := regexp.Compile(s); err != nil {
				return Value{}, p.errorf(start, "invalid regular expression %s: %v", quoteFilterToken(s), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
		}
		p.pos = next
		if op != OpLike && op != OpILike && op != OpRLike {
			switch {
			case f.Kind == FieldAttribute && f.Name == AttrStatus:
				u := filterUpper(s)
				if !statusValues[u] {
					return Value{}, p.errorf(start, "invalid status %s; valid: %s", quoteFilterToken(s), filterStatusList)
				}
				s = u
			case f.Kind == FieldSpan && f.Name == SpanStatus:
				u := filterUpper(s)
				if !spanStatusValues[u] {
					return Value{}, p.errorf(start, "invalid span status %s; valid: OK, ERROR, UNSET", quoteFilterToken(s))
				}
				s = u
			}
		}
		return Value{Str: s}, nil
	}
	if !f.IsNumeric() {
		return Value{}, p.errorf(start, "expected a quoted string, found %s", p.found(start))
	}
	return p.number(start)
}

// number parses a number literal at start.
func (p *filterParser) number(start int) (Value, *FilterError) {
	for p.pos < len(p.in) && (isKeyByte(p.in[p.pos]) || p.in[p.pos] == '.' || p.in[p.pos] == '+') {
		p.pos++
	}
	tok := p.in[start:p.pos]
	if tok == "" {
		return Value{}, p.errorf(start, "expected a number, found %s", p.found(start))
	}
	if strings.Contains(tok, ".") {
		if !isDecimalFraction(tok) {
			p.pos = start
			return Value{}, p.errorf(start, "expected a number, found %s", quoteFilterToken(tok))
		}
		x, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			p.pos = start
			return Value{}, p.errorf(start, "expected a number, found %s", quoteFilterToken(tok))
		}
		return Value{Float: x, IsFloat: true, IsNum: true}, nil
	}
	if !isDecimal(tok) {
		p.pos = start
		return Value{}, p.errorf(start, "expected a number, found %s", quoteFilterToken(tok))
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		p.pos = start
		return Value{}, p.errorf(start, "expected a number, found %s: out of the 64-bit integer range", quoteFilterToken(tok))
	}
	return Value{Num: n, IsNum: true}, nil
}

// isDecimalFraction reports whether s is digits, a point and digits, with an optional minus
// sign: "99.5", "-0.25" (not "1.", ".5" or "1e3").
func isDecimalFraction(s string) bool {
	whole, frac, ok := strings.Cut(s, ".")
	return ok && isDecimal(whole) && frac != "" && isDecimal(frac) && frac[0] != '-'
}

// scanQuoted scans the quoted string starting at in[start] (a ' or ").
// Inside it a doubled quote or a backslash-escaped quote stands for the quote,
// and a doubled backslash for one backslash; any other backslash is kept as is.
// It returns the unescaped contents and the offset just past the closing quote.
func scanQuoted(in string, start int) (s string, next int, ok bool) {
	q := in[start]
	var b strings.Builder
	for i := start + 1; i < len(in); {
		c := in[i]
		switch {
		case c == '\\' && i+1 < len(in) && (in[i+1] == q || in[i+1] == '\\'):
			b.WriteByte(in[i+1])
			i += 2
		case c == q && i+1 < len(in) && in[i+1] == q:
			b.WriteByte(q)
			i += 2
		case c == q:
			return b.String(), i + 1, true
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", len(in), false
}

func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isFilterSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isOpByte(c byte) bool { return c == '=' || c == '!' || c == '<' || c == '>' }

// filterUpper upper-cases ASCII letters only, so that no non-ASCII letter can fold into a keyword.
func filterUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// filterLower lower-cases ASCII letters only.
func filterLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}
