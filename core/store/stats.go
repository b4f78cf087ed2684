package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/agentlens/agentlens/spantypes"
)

// StatsOptions selects the traces TraceStats summarizes and how it groups them.
type StatsOptions struct {
	// ExperimentIDs limits the statistics to these experiments; empty means all.
	ExperimentIDs []string
	// Filter is an MLflow filter string, as in SearchOptions; empty matches all.
	Filter string
	// GroupBy is one of (see ParseGroupBy):
	//
	//	""             one group of every matching trace
	//	name           the trace name (tag mlflow.traceName)
	//	tag.KEY        the value of a tag
	//	metadata.KEY   the value of a metadata entry
	//	span_type      the types of the trace's spans: a trace counts once in the group of
	//	               each span type it contains
	//	model          the models its spans called (span attribute mlflow.llm.model): a
	//	               trace counts once in the group of each model, with all its tokens
	//	               and cost; reads the spans' JSON
	//	minute, hour, day
	//	               the UTC time bucket the trace started in
	GroupBy string
}

// StatsResult holds the statistics of TraceStats, one StatsGroup per group.
type StatsResult struct {
	// GroupBy is the grouping, as given in StatsOptions.
	GroupBy string
	// Groups are ordered by key (time buckets oldest first); the group of the traces
	// without the key (Missing) comes last. No matching trace means no group.
	Groups []StatsGroup
}

// StatsGroup summarizes the traces of one group. Its JSON form (snake_case names, the
// bucket start left out: the key holds it) is what the CLI's --output json and the MCP
// server's trace_stats tool print.
type StatsGroup struct {
	// Key is the group's value: the name, tag or metadata value, or span type; for a time
	// bucket its start in UTC as RFC 3339 ("2026-01-02T03:00:00Z"). Empty for the single
	// group of an ungrouped call.
	Key string `json:"key"`
	// Missing marks the group of the traces that have no value for the grouping (no name,
	// no such tag or metadata key, no span, no model).
	Missing bool `json:"missing,omitempty"`
	// BucketStart is the start of a time bucket; zero for other groupings.
	BucketStart time.Time `json:"-"`

	// Traces counts the group's traces; Errors those in state ERROR.
	Traces int64 `json:"traces"`
	Errors int64 `json:"errors"`
	// ErrorRate is Errors / Traces.
	ErrorRate float64 `json:"error_rate"`
	// P50MS, P95MS and P99MS are percentiles of the traces' execution_time_ms.
	P50MS int64 `json:"p50_ms"`
	P95MS int64 `json:"p95_ms"`
	P99MS int64 `json:"p99_ms"`

	// TracesWithTokens counts the traces that carry a token usage (metadata
	// mlflow.trace.tokenUsage holding a JSON object); the sums are over those alone, and a
	// trace without one adds nothing to them.
	TracesWithTokens int64 `json:"traces_with_tokens"`
	InputTokens      int64 `json:"input_tokens"`
	OutputTokens     int64 `json:"output_tokens"`
	TotalTokens      int64 `json:"total_tokens"`

	// TracesWithCost counts the traces that carry a cost (metadata mlflow.trace.cost
	// holding a JSON object, in US dollars); the sums are over those alone, as for tokens.
	// Grouped by model, a trace's whole cost counts in each model's group, as its tokens do.
	TracesWithCost int64   `json:"traces_with_cost"`
	InputCost      float64 `json:"input_cost"`
	OutputCost     float64 `json:"output_cost"`
	TotalCost      float64 `json:"total_cost"`
}

// GroupBy kinds, as ParseGroupBy returns them.
const (
	GroupNone     = ""
	GroupName     = "name"
	GroupTag      = "tag"
	GroupMetadata = "metadata"
	GroupSpanType = "span_type"
	GroupModel    = "model"
	GroupMinute   = "minute"
	GroupHour     = "hour"
	GroupDay      = "day"
)

// ParseGroupBy checks a StatsOptions.GroupBy value and splits it into its kind (one of the
// Group constants) and, for tag.KEY and metadata.KEY, the key. The words are
// case-insensitive ("tags." and "request_metadata." are accepted, as in filters); the key
// is case-sensitive.
func ParseGroupBy(groupBy string) (kind, key string, err error) {
	g := strings.TrimSpace(groupBy)
	if prefix, rest, ok := strings.Cut(g, "."); ok {
		switch filterLower(prefix) {
		case "tag", "tags":
			kind = GroupTag
		case "metadata", "request_metadata":
			kind = GroupMetadata
		case "span":
			if filterLower(rest) == "type" {
				return GroupSpanType, "", nil
			}
		}
		if kind != "" {
			if rest == "" {
				return "", "", fmt.Errorf("agentlens: group-by %q: a key must follow %q", groupBy, prefix+".")
			}
			return kind, rest, nil
		}
	}
	switch filterLower(g) {
	case "":
		return GroupNone, "", nil
	case "name":
		return GroupName, "", nil
	case "span_type", "span.type":
		return GroupSpanType, "", nil
	case "model":
		return GroupModel, "", nil
	case "minute":
		return GroupMinute, "", nil
	case "hour":
		return GroupHour, "", nil
	case "day":
		return GroupDay, "", nil
	}
	return "", "", fmt.Errorf("agentlens: group-by %q: expected name, tag.KEY, metadata.KEY, span_type, model, minute, hour or day", groupBy)
}

var bucketWidth = map[string]int64{GroupMinute: 60_000, GroupHour: 3_600_000, GroupDay: 86_400_000}

// TraceStats computes, in one SQL query over the store, the statistics of the traces that
// match o.Filter (the grammar of SearchTraces), grouped by o.GroupBy: counts, errors,
// latency percentiles, token sums and cost sums. A malformed filter is a *FilterError; no matching
// trace gives no group and no error.
//
// Percentiles are exact, by the nearest-rank method over the rows of the group: the p-th
// percentile of n traces is the execution_time_ms at 1-based position ceil(p*n/100) of the
// group sorted by execution_time_ms. It is always a duration some trace of the group took.
// Every trace counts, whatever its state (in-progress ones with the time recorded so far).
func (s *Store) TraceStats(ctx context.Context, o StatsOptions) (StatsResult, error) {
	kind, key, err := ParseGroupBy(o.GroupBy)
	if err != nil {
		return StatsResult{}, err
	}
	clauses, err := ParseFilter(o.Filter)
	if err != nil {
		return StatsResult{}, err
	}
	if s.noAssessments {
		for _, c := range clauses {
			if c.Field.IsAssessment() {
				return StatsResult{}, fmt.Errorf("agentlens: store %s predates assessments (schema version 1) and is open read-only: %s matches nothing until a program that writes traces opens it once", s.path, c.Field)
			}
		}
	}
	query, args := statsSQL(o.ExperimentIDs, clauses, kind, key)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return StatsResult{}, fmt.Errorf("agentlens: store %s: stats: %w", s.path, err)
	}
	defer rows.Close()
	res := StatsResult{GroupBy: o.GroupBy}
	for rows.Next() {
		var (
			g     any
			group StatsGroup
			p     [3]sql.NullInt64
		)
		if err := rows.Scan(&g, &group.Traces, &group.Errors, &p[0], &p[1], &p[2],
			&group.TracesWithTokens, &group.InputTokens, &group.OutputTokens, &group.TotalTokens,
			&group.TracesWithCost, &group.InputCost, &group.OutputCost, &group.TotalCost); err != nil {
			return StatsResult{}, fmt.Errorf("agentlens: store %s: stats: %w", s.path, err)
		}
		group.P50MS, group.P95MS, group.P99MS = p[0].Int64, p[1].Int64, p[2].Int64
		if group.Traces > 0 {
			group.ErrorRate = float64(group.Errors) / float64(group.Traces)
		}
		switch v := g.(type) {
		case nil:
			group.Missing = kind != GroupNone
		case int64:
			group.BucketStart = time.UnixMilli(v).UTC()
			group.Key = group.BucketStart.Format(time.RFC3339)
		case string:
			group.Key = v
		case []byte:
			group.Key = string(v)
		default:
			group.Key = fmt.Sprint(v)
		}
		res.Groups = append(res.Groups, group)
	}
	if err := rows.Err(); err != nil {
		return StatsResult{}, fmt.Errorf("agentlens: store %s: stats: %w", s.path, err)
	}
	return res, nil
}

// statsSQL builds the query of TraceStats. The matching traces (m: one row per trace, or per
// trace and span type) are numbered within their group by duration (r), and each group's
// percentile is the duration at its nearest rank.
func statsSQL(experiments []string, clauses []Clause, kind, key string) (string, []any) {
	var b sqlBuilder
	group, join, distinct := "NULL", "", ""
	switch kind {
	case GroupName, GroupTag, GroupMetadata:
		table := "trace_tags"
		if kind == GroupMetadata {
			table = "trace_metadata"
		}
		if kind == GroupName {
			key = spantypes.TagTraceName
		}
		group, join = "gk.value", ` LEFT JOIN `+table+` gk ON gk.trace_id = t.trace_id AND gk.key = ?`
		b.args = append(b.args, key)
	case GroupSpanType:
		// A trace with spans of several types counts once in each type's group.
		group, join, distinct = "gs.type", ` LEFT JOIN spans gs ON gs.trace_id = t.trace_id`, "DISTINCT "
	case GroupModel:
		// The distinct models of the trace's spans as a JSON array, one row each (a NULL
		// row for none): the spans' JSON is read for the matching traces only.
		group, join = "gm.value", ` LEFT JOIN json_each((SELECT json_group_array(DISTINCT `+attributeText("a.value")+
			`) FROM trace_data td, json_each(td.spans) j, json_each(j.value, '$.attributes') a `+
			`WHERE td.trace_id = t.trace_id AND a.key = ?)) gm`
		b.args = append(b.args, spantypes.KeyLLMModel)
	case GroupMinute, GroupHour, GroupDay:
		w := strconv.FormatInt(bucketWidth[kind], 10)
		// Floor division, so that a time before 1970 falls in the bucket it is in.
		group = `(t.timestamp_ms - ((t.timestamp_ms % ` + w + `) + ` + w + `) % ` + w + `)`
	}
	// A usage or cost that is not a JSON object counts as none; CASE keeps json_type off
	// invalid JSON.
	b.sql.WriteString(`WITH m AS (SELECT ` + distinct + `t.trace_id, t.execution_time_ms AS ms, t.state = 'ERROR' AS err, ` +
		group + ` AS g, ` + jsonObject("u.value") + ` AS usage, ` + jsonObject("c.value") + ` AS cost FROM traces t` +
		join + ` LEFT JOIN trace_metadata u ON u.trace_id = t.trace_id AND u.key = ?` +
		` LEFT JOIN trace_metadata c ON c.trace_id = t.trace_id AND c.key = ? WHERE 1`)
	b.args = append(b.args, spantypes.MetaTokenUsage, spantypes.MetaCost)
	if len(experiments) > 0 {
		b.sql.WriteString(` AND t.experiment_id IN (` + placeholders(len(experiments)) + `)`)
		for _, e := range experiments {
			b.args = append(b.args, e)
		}
	}
	for _, c := range clauses {
		b.sql.WriteString(" AND ")
		b.clause(c)
	}
	b.sql.WriteString(`), r AS (SELECT ms, err, g, usage, cost, ` +
		`row_number() OVER (PARTITION BY g ORDER BY ms) AS rn, count(*) OVER (PARTITION BY g) AS n FROM m) ` +
		`SELECT g, count(*), sum(err), ` +
		nearestRank(50) + `, ` + nearestRank(95) + `, ` + nearestRank(99) + `, ` +
		figureSums("usage", "tokens", "INTEGER", "0") + `, ` + figureSums("cost", "cost", "REAL", "0.0") + ` ` +
		`FROM r GROUP BY g ORDER BY g IS NULL, g`)
	return b.sql.String(), b.args
}

// figureSums is the SQL of the count of col's non-NULL objects and the sums of their
// input_X, output_X and total_X figures, cast to typ, zero written zero; an object without
// a total counts its input and output.
func figureSums(col, x, typ, zero string) string {
	field := func(name string) string { return `json_extract(` + col + `, '$.` + name + `_` + x + `')` }
	sum := func(v string) string { return `coalesce(sum(CAST(` + v + ` AS ` + typ + `)), ` + zero + `)` }
	return `count(` + col + `), ` + sum(field("input")) + `, ` + sum(field("output")) + `, ` +
		sum(`coalesce(`+field("total")+`, coalesce(`+field("input")+`, 0) + coalesce(`+field("output")+`, 0))`)
}

// jsonObject is the SQL of col when it holds a JSON object, else NULL.
func jsonObject(col string) string {
	return `CASE WHEN json_valid(` + col + `) THEN CASE WHEN json_type(` + col + `) = 'object' THEN ` + col + ` END END`
}

// nearestRank is the SQL aggregate of the p-th percentile of ms in a group of n rows
// numbered rn by ms: the row at rank ceil(p*n/100), in integer arithmetic.
func nearestRank(p int) string {
	return `max(CASE WHEN rn = (` + strconv.Itoa(p) + ` * n + 99) / 100 THEN ms END)`
}
