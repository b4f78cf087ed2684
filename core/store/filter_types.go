package store

import "fmt"

// FieldKind says what a filter or order-by key refers to.
type FieldKind int

// Field kinds of the filter grammar.
const (
	// FieldAttribute is a trace attribute: "status", "timestamp_ms", "execution_time_ms",
	// "end_time_ms", "name" (the trace name), "request_id" (the trace id) or
	// "client_request_id".
	FieldAttribute FieldKind = iota
	// FieldTag is a trace tag: tag.KEY.
	FieldTag
	// FieldMetadata is a trace metadata entry: metadata.KEY.
	FieldMetadata
	// FieldSpan is a property of any span of the trace: "name", "type", "status" or
	// "content" (its inputs, outputs and attributes, for full-text search).
	FieldSpan
	// FieldSpanAttribute is an attribute of any span of the trace: span.attributes.KEY.
	FieldSpanAttribute
	// FieldFeedback is the value of a valid feedback of the trace: feedback.NAME.
	FieldFeedback
	// FieldExpectation is the value of a valid expectation of the trace: expectation.NAME.
	FieldExpectation
)

// Span fields.
const (
	SpanName    = "name"
	SpanType    = "type"
	SpanStatus  = "status"
	SpanContent = "content"
)

// Canonical attribute names.
const (
	AttrStatus          = "status"
	AttrTimestampMS     = "timestamp_ms"
	AttrExecutionTimeMS = "execution_time_ms"
	AttrEndTimeMS       = "end_time_ms"
	AttrName            = "name"
	AttrRequestID       = "request_id"
	AttrClientRequestID = "client_request_id"
	// AttrText is full-text search over the inputs and outputs of the trace's spans.
	AttrText = "text"
)

// MetadataSourceRun is the metadata key run_id reads: the MLflow run a trace belongs to.
const MetadataSourceRun = "mlflow.sourceRun"

// Field is a key of the filter grammar.
type Field struct {
	Kind FieldKind
	// Name is the canonical attribute name, the tag or metadata key, or "name"/"type" for spans.
	Name string
}

// IsNumeric reports whether the field compares as a number.
func (f Field) IsNumeric() bool {
	return f.Kind == FieldAttribute && (f.Name == AttrTimestampMS || f.Name == AttrExecutionTimeMS || f.Name == AttrEndTimeMS)
}

// IsAssessment reports whether the field is a feedback or expectation value.
func (f Field) IsAssessment() bool { return f.Kind == FieldFeedback || f.Kind == FieldExpectation }

// IsText reports whether the field is searched as text (LIKE, ILIKE, RLIKE only).
func (f Field) IsText() bool {
	return f.Kind == FieldAttribute && f.Name == AttrText || f.Kind == FieldSpan && f.Name == SpanContent
}

// String renders the field as it would be written in a filter.
func (f Field) String() string {
	switch f.Kind {
	case FieldTag:
		return "tag.`" + f.Name + "`"
	case FieldMetadata:
		return "metadata.`" + f.Name + "`"
	case FieldSpan:
		return "span." + f.Name
	case FieldSpanAttribute:
		return "span.attributes.`" + f.Name + "`"
	case FieldFeedback:
		return "feedback.`" + f.Name + "`"
	case FieldExpectation:
		return "expectation.`" + f.Name + "`"
	case FieldAttribute:
		if f.Name == AttrText {
			return "trace.text"
		}
	}
	return f.Name
}

// Op is a comparison operator: "=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "RLIKE",
// "IN", "NOT IN".
type Op string

// Operators of the filter grammar.
const (
	OpEq    Op = "="
	OpNe    Op = "!="
	OpLt    Op = "<"
	OpLe    Op = "<="
	OpGt    Op = ">"
	OpGe    Op = ">="
	OpLike  Op = "LIKE"
	OpILike Op = "ILIKE"
	// OpRLike matches a regular expression (Go's RE2 syntax) anywhere in the value.
	OpRLike Op = "RLIKE"
	OpIn    Op = "IN"
	OpNotIn Op = "NOT IN"
)

// Value is a literal of the filter grammar: a string, or a number for numeric fields (an
// integer in Num, or, written with a decimal point, Float with IsFloat set).
type Value struct {
	Str     string
	Num     int64
	IsNum   bool
	Float   float64
	IsFloat bool
}

// Clause is one comparison; a filter is clauses joined by AND.
type Clause struct {
	Field Field
	Op    Op
	// Values has one element, or several for IN and NOT IN.
	Values []Value
	// Pos is the byte offset of the clause in the filter string.
	Pos int
}

// OrderBy is one sort key of a search.
type OrderBy struct {
	Field Field
	Desc  bool
}

// FilterError is a malformed filter or order-by expression.
type FilterError struct {
	// What names what was malformed: "filter" (the default when empty) or "order-by".
	What string
	// Input is the filter or expression as given.
	Input string
	// Pos is the byte offset where the problem was found.
	Pos int
	// Msg says what was expected and what was found.
	Msg string
}

func (e *FilterError) Error() string {
	what := e.What
	if what == "" {
		what = "filter"
	}
	return fmt.Sprintf("invalid %s %q at position %d: %s", what, e.Input, e.Pos, e.Msg)
}
