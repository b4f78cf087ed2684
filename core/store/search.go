package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/spantypes"
)

// SearchOptions selects and orders traces.
type SearchOptions struct {
	// ExperimentIDs limits the search to these experiments; empty means all.
	ExperimentIDs []string
	// Filter is an MLflow filter string (see the package documentation); empty matches all.
	Filter string
	// OrderBy lists sort keys such as "timestamp_ms DESC" (the default) or "execution_time_ms".
	OrderBy []string
	// MaxResults caps the page size; 0 means DefaultMaxResults.
	MaxResults int
	// PageToken continues a search from the NextPageToken of the previous page.
	PageToken string
}

// Search page sizes.
const (
	DefaultMaxResults = 100
	MaxMaxResults     = 50000
)

// SearchResult is one page of a search.
type SearchResult struct {
	// Traces holds the info (tags and metadata included) of the matching traces; read the
	// spans with GetTrace.
	Traces []tracedata.TraceInfo
	// NextPageToken continues the search; empty on the last page.
	NextPageToken string
}

// SearchTraces finds traces. A malformed filter or order-by is a *FilterError.
func (s *Store) SearchTraces(ctx context.Context, o SearchOptions) (SearchResult, error) {
	clauses, err := ParseFilter(o.Filter)
	if err != nil {
		return SearchResult{}, err
	}
	orderExprs := o.OrderBy
	if len(orderExprs) == 0 {
		orderExprs = []string{"timestamp_ms DESC"}
	}
	order, err := ParseOrderBy(orderExprs)
	if err != nil {
		return SearchResult{}, err
	}
	limit := o.MaxResults
	switch {
	case limit == 0:
		limit = DefaultMaxResults
	case limit < 0 || limit > MaxMaxResults:
		return SearchResult{}, fmt.Errorf("agentlens: max results %d is outside 1..%d", limit, MaxMaxResults)
	}
	fingerprint := searchFingerprint(o.ExperimentIDs, o.Filter, orderExprs)
	offset, err := decodePageToken(o.PageToken, fingerprint)
	if err != nil {
		return SearchResult{}, err
	}

	if s.noAssessments {
		for _, c := range clauses {
			if c.Field.IsAssessment() {
				return SearchResult{}, fmt.Errorf("agentlens: store %s predates assessments (schema version 1) and is open read-only: %s matches nothing until a program that writes traces opens it once", s.path, c.Field)
			}
		}
	}
	query, args, err := s.searchSQL(ctx, o.ExperimentIDs, clauses, order, limit+1, offset) // one more tells whether another page follows
	if err != nil {
		return SearchResult{}, fmt.Errorf("agentlens: store %s: search: %w", s.path, err)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return SearchResult{}, fmt.Errorf("agentlens: store %s: search: %w", s.path, err)
	}
	defer rows.Close()
	var res SearchResult
	for rows.Next() {
		var info tracedata.TraceInfo
		if err := rows.Scan(infoDest(&info)...); err != nil {
			return SearchResult{}, err
		}
		res.Traces = append(res.Traces, info)
	}
	if err := rows.Err(); err != nil {
		return SearchResult{}, fmt.Errorf("agentlens: store %s: search: %w", s.path, err)
	}
	if len(res.Traces) > limit {
		res.Traces = res.Traces[:limit]
		res.NextPageToken = encodePageToken(offset+limit, fingerprint)
	}
	infos := make([]*tracedata.TraceInfo, len(res.Traces))
	for i := range res.Traces {
		infos[i] = &res.Traces[i]
	}
	if err := s.loadPairs(ctx, infos); err != nil {
		return SearchResult{}, err
	}
	return res, nil
}

// searchSQL builds the query of a search: the traces of experiments (all when empty) that
// match clauses, in order, limit of them from offset.
func (s *Store) searchSQL(ctx context.Context, experiments []string, clauses []Clause, order []OrderBy, limit, offset int) (string, []any, error) {
	var b sqlBuilder
	driver, err := s.drivingClause(ctx, clauses, order)
	if err != nil {
		return "", nil, err
	}
	if driver >= 0 {
		// Read the (key, value, time) index of the driving clause in time order: the page
		// is found after reading about as many index entries as it holds.
		table, key := pairTarget(clauses[driver])
		b.sql.WriteString(`SELECT ` + prefixed(infoColumns, "t.") + ` FROM ` + table +
			` d CROSS JOIN traces t ON t.trace_id = d.trace_id WHERE d.key = ? AND `)
		b.args = append(b.args, key)
		b.compare("d.value", clauses[driver])
		b.correlated = true
	} else {
		b.sql.WriteString(`SELECT ` + prefixed(infoColumns, "t.") + ` FROM traces t WHERE 1`)
	}
	if len(experiments) > 0 {
		b.sql.WriteString(` AND t.experiment_id IN (` + placeholders(len(experiments)) + `)`)
		for _, e := range experiments {
			b.args = append(b.args, e)
		}
	}
	for i, c := range clauses {
		if i == driver {
			continue
		}
		b.sql.WriteString(" AND ")
		if driver >= 0 && c.Field.Kind == FieldAttribute && c.Field.Name == AttrTimestampMS {
			// The driving index holds the start time too: bound the range read from it.
			b.compare("d.timestamp_ms", c)
			continue
		}
		b.clause(c)
	}
	b.sql.WriteString(" ORDER BY ")
	byTime := false
	for i, ob := range order {
		switch {
		case i == 0 && driver >= 0:
			b.sql.WriteString("d.timestamp_ms")
		case ob.Field.Kind == FieldTag || ob.Field.Kind == FieldMetadata:
			table, _ := pairTarget(Clause{Field: ob.Field})
			b.sql.WriteString(`(SELECT p.value FROM ` + table + ` p WHERE p.trace_id = t.trace_id AND p.key = ?)`)
			b.args = append(b.args, ob.Field.Name)
		default:
			b.sql.WriteString(orderColumn(ob.Field))
		}
		byTime = byTime || ob.Field.Kind == FieldAttribute && ob.Field.Name == AttrTimestampMS
		if ob.Desc {
			b.sql.WriteString(" DESC")
		}
		if _, key := pairTarget(Clause{Field: ob.Field}); key != "" {
			// A trace without the tag (or name) sorts last both ways, as in MLflow. Only
			// these keys can be missing: the others keep their index order.
			b.sql.WriteString(" NULLS LAST")
		}
		b.sql.WriteString(", ")
	}
	// Ties break as MLflow's store breaks them: newest first, then by id.
	if !byTime {
		b.sql.WriteString("t.timestamp_ms DESC, ")
	}
	b.sql.WriteString("t.trace_id LIMIT ? OFFSET ?")
	b.args = append(b.args, limit, offset)
	return b.sql.String(), b.args, nil
}

func prefixed(columns, prefix string) string {
	parts := strings.Split(columns, ", ")
	for i := range parts {
		parts[i] = prefix + parts[i]
	}
	return strings.Join(parts, ", ")
}

type sqlBuilder struct {
	sql  strings.Builder
	args []any
	// correlated writes tag and metadata clauses as per-row probes, for a query that
	// already walks the traces in order.
	correlated bool
}

// drivingClause picks the clause a search can read in time order from an index: an equality
// on a tag, metadata entry or the trace name, when the search is ordered by time first. Of
// several, the one matching the fewest traces (counted up to a cap) wins. -1 means none.
func (s *Store) drivingClause(ctx context.Context, clauses []Clause, order []OrderBy) (int, error) {
	if len(order) == 0 || order[0].Field.Kind != FieldAttribute || order[0].Field.Name != AttrTimestampMS {
		return -1, nil
	}
	best, bestCount := -1, 0
	for i, c := range clauses {
		table, key := pairTarget(c)
		if key == "" || c.Op != OpEq {
			continue
		}
		if best < 0 && !hasAnotherCandidate(clauses[i+1:]) {
			return i, nil
		}
		const limit = 2000
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` WHERE key = ? AND value = ? LIMIT `+
			strconv.Itoa(limit)+`)`, key, c.Values[0].Str).Scan(&n)
		if err != nil {
			return -1, err
		}
		if best < 0 || n < bestCount {
			best, bestCount = i, n
		}
	}
	return best, nil
}

func hasAnotherCandidate(clauses []Clause) bool {
	for _, c := range clauses {
		if _, key := pairTarget(c); key != "" && c.Op == OpEq {
			return true
		}
	}
	return false
}

// pairTarget returns the table and key a tag, metadata or name clause reads, or "" keys.
func pairTarget(c Clause) (table, key string) {
	switch {
	case c.Field.Kind == FieldTag:
		return "trace_tags", c.Field.Name
	case c.Field.Kind == FieldMetadata:
		return "trace_metadata", c.Field.Name
	case c.Field.Kind == FieldAttribute && c.Field.Name == AttrName:
		return "trace_tags", spantypes.TagTraceName
	}
	return "", ""
}

// clause writes one filter clause as SQL. Tag, metadata, name and span clauses hold when some
// row of the trace matches, as in MLflow: tag.k != 'v' matches traces whose tag k is set to
// something else.
func (b *sqlBuilder) clause(c Clause) {
	if table, key := pairTarget(c); key != "" {
		// An equality reads the (key, value) index; any other operator would read every row
		// of the key first, so it is probed trace by trace as the search walks them in order
		// and stops at the page size.
		if b.correlated || (c.Op != OpEq && c.Op != OpIn) {
			b.sql.WriteString(`EXISTS (SELECT 1 FROM ` + table + ` p WHERE p.trace_id = t.trace_id AND p.key = ? AND `)
		} else {
			// IN (subquery) lets SQLite start from the (key, value) index when that is selective.
			b.sql.WriteString(`t.trace_id IN (SELECT p.trace_id FROM ` + table + ` p WHERE p.key = ? AND `)
		}
		b.args = append(b.args, key)
		b.compare("p.value", c)
		b.sql.WriteString(")")
		return
	}
	switch {
	case c.Field.Kind == FieldSpan && (c.Field.Name == SpanName || c.Field.Name == SpanType):
		b.sql.WriteString(`EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND `)
		b.compare("s."+c.Field.Name, c)
		b.sql.WriteString(")")
		return
	case c.Field.Kind == FieldSpan || c.Field.Kind == FieldSpanAttribute || c.Field.IsText():
		b.spanJSONClause(c)
		return
	case c.Field.IsAssessment():
		b.assessmentClause(c)
		return
	}
	b.compare(attributeColumn(c.Field.Name), c)
}

// assessmentClause writes a feedback.NAME or expectation.NAME clause: it holds when a valid
// assessment of that kind and name matches, read from the (kind, name, value) index.
func (b *sqlBuilder) assessmentClause(c Clause) {
	kind := kindFeedback
	if c.Field.Kind == FieldExpectation {
		kind = kindExpectation
	}
	if b.correlated {
		b.sql.WriteString(`EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = t.trace_id AND `)
	} else {
		b.sql.WriteString(`t.trace_id IN (SELECT a.trace_id FROM assessments a WHERE `)
	}
	b.sql.WriteString(`a.kind = ? AND a.name = ? AND a.valid = 1 AND `)
	b.args = append(b.args, kind, c.Field.Name)
	v := c.Values[0]
	switch c.Op {
	case OpEq, OpNe:
		not := ""
		if c.Op == OpNe {
			not = "NOT "
		}
		if v.IsNum {
			b.sql.WriteString(`a.num IS NOT NULL AND ` + not + `(a.num = ?)`)
			b.args = append(b.args, v.arg())
		} else {
			// A string matches a string value, or any value by its JSON text: 'true', '4'.
			b.sql.WriteString(`a.value IS NOT NULL AND ` + not + `(` + attributeText("a.value") + ` = ? OR a.value = ?)`)
			b.args = append(b.args, v.Str, v.Str)
		}
	case OpLt, OpLe, OpGt, OpGe:
		b.sql.WriteString(`a.num ` + string(c.Op) + ` ?`)
		b.args = append(b.args, v.arg())
	default:
		b.compare(attributeText("a.value"), c)
	}
	b.sql.WriteString(")")
}

// spanJSONClause writes a clause on what only the spans' JSON holds (status, attributes,
// inputs and outputs): it holds when some span of the trace matches. These read every span
// of the traces the other clauses leave, so they are slower than the indexed keys.
func (b *sqlBuilder) spanJSONClause(c Clause) {
	b.sql.WriteString(`EXISTS (SELECT 1 FROM trace_data td, json_each(td.spans) j`)
	switch {
	case c.Field.Kind == FieldSpan && c.Field.Name == SpanStatus:
		b.sql.WriteString(` WHERE td.trace_id = t.trace_id AND `)
		b.compare(`json_extract(j.value, '$.status.code')`, c)
	case c.Field.Kind == FieldSpanAttribute:
		b.sql.WriteString(`, json_each(j.value, '$.attributes') a WHERE td.trace_id = t.trace_id AND a.key = ? AND `)
		b.args = append(b.args, c.Field.Name)
		b.compare(attributeText("a.value"), c)
	default: // span.content: every attribute; trace.text: inputs and outputs
		b.sql.WriteString(`, json_each(j.value, '$.attributes') a WHERE td.trace_id = t.trace_id AND `)
		if c.Field.IsText() && c.Field.Kind == FieldAttribute {
			b.sql.WriteString(`a.key IN ('` + spantypes.KeySpanInputs + `', '` + spantypes.KeySpanOutputs + `') AND `)
		}
		b.compare(attributeText("a.value"), c)
	}
	b.sql.WriteString(")")
}

// attributeText is the SQL for an attribute's value as text: span attributes hold JSON
// text, so a JSON string ("TOOL") compares as its contents (TOOL), anything else as its JSON.
func attributeText(v string) string {
	return `(CASE WHEN json_valid(` + v + `) AND json_type(` + v + `) = 'text' THEN json_extract(` + v + `, '$') ELSE ` + v + ` END)`
}

// compare writes "column op value(s)". LIKE is case-sensitive (the connection sets
// case_sensitive_like); ILIKE compares lower-cased.
func (b *sqlBuilder) compare(column string, c Clause) {
	switch c.Op {
	case OpIn, OpNotIn:
		b.sql.WriteString(column + " " + string(c.Op) + " (" + placeholders(len(c.Values)) + ")")
		for _, v := range c.Values {
			b.args = append(b.args, v.arg())
		}
	case OpILike:
		b.sql.WriteString("lower(" + column + ") LIKE lower(?)")
		b.args = append(b.args, c.Values[0].arg())
	case OpRLike:
		b.sql.WriteString(rlikeFunction + "(?, " + column + ")")
		b.args = append(b.args, c.Values[0].arg())
	default:
		b.sql.WriteString(column + " " + string(c.Op) + " ?")
		b.args = append(b.args, c.Values[0].arg())
	}
}

func (v Value) arg() any {
	if v.IsFloat {
		return v.Float
	}
	if v.IsNum {
		return v.Num
	}
	return v.Str
}

func attributeColumn(name string) string {
	switch name {
	case AttrStatus:
		return "t.state"
	case AttrTimestampMS:
		return "t.timestamp_ms"
	case AttrExecutionTimeMS:
		return "t.execution_time_ms"
	case AttrEndTimeMS:
		return "(t.timestamp_ms + t.execution_time_ms)"
	case AttrRequestID:
		return "t.trace_id"
	case AttrClientRequestID:
		return "t.client_request_id"
	}
	return "t." + name
}

func orderColumn(f Field) string {
	if f.Kind == FieldAttribute && f.Name == AttrName {
		return `(SELECT value FROM trace_tags p WHERE p.trace_id = t.trace_id AND p.key = '` + spantypes.TagTraceName + `')`
	}
	return attributeColumn(f.Name)
}

// Page tokens are opaque: an offset bound to the search it came from.

func searchFingerprint(experiments []string, filter string, order []string) [8]byte {
	h := sha256.New()
	for _, part := range [][]string{experiments, {filter}, order} {
		for _, s := range part {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	var fp [8]byte
	copy(fp[:], h.Sum(nil))
	return fp
}

func encodePageToken(offset int, fp [8]byte) string {
	var buf [16]byte
	copy(buf[:8], fp[:])
	binary.BigEndian.PutUint64(buf[8:], uint64(offset))
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// ErrInvalidPageToken is returned (wrapped) for a page token that is malformed or belongs to
// another search.
var ErrInvalidPageToken = errors.New("invalid page token")

func decodePageToken(token string, fp [8]byte) (int, error) {
	if token == "" {
		return 0, nil
	}
	buf, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(buf) != 16 {
		return 0, fmt.Errorf("agentlens: %w %q", ErrInvalidPageToken, token)
	}
	if [8]byte(buf[:8]) != fp {
		return 0, fmt.Errorf("agentlens: %w %q: it belongs to another search (filter, order or experiments changed)", ErrInvalidPageToken, token)
	}
	off := binary.BigEndian.Uint64(buf[8:])
	if off > 1<<40 {
		return 0, fmt.Errorf("agentlens: %w %q", ErrInvalidPageToken, token)
	}
	return int(off), nil
}
