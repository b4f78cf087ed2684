package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/agentlens/agentlens/core/tracedata"
)

// ErrAssessmentNotFound is returned (wrapped, with the ids) for an assessment id the trace
// does not have.
var ErrAssessmentNotFound = errors.New("assessment not found")

// DefaultMaxAssessmentBytes caps an assessment's value (its JSON text) unless
// WithMaxValueBytes says otherwise.
const DefaultMaxAssessmentBytes = 1 << 20

// Assessment kinds, as the assessments table and the filter prefixes name them.
const (
	kindFeedback    = "feedback"
	kindExpectation = "expectation"
)

// AssessmentOption sets an optional part of a logged assessment.
type AssessmentOption func(*assessmentConfig)

type assessmentConfig struct {
	rationale string
	source    tracedata.AssessmentSource
	spanID    string
	metadata  map[string]string
	err       *tracedata.AssessmentError
	maxBytes  int
}

// WithRationale says why the assessment was given.
func WithRationale(r string) AssessmentOption {
	return func(c *assessmentConfig) { c.rationale = r }
}

// WithSource says who gave the assessment (HUMAN, LLM_JUDGE or CODE, and an id such as a
// user or judge name; "default" when empty, as in MLflow). Feedback defaults to CODE and
// expectations to HUMAN, as MLflow's do.
func WithSource(t tracedata.AssessmentSourceType, id string) AssessmentOption {
	return func(c *assessmentConfig) { c.source = tracedata.AssessmentSource{SourceType: t, SourceID: id} }
}

// WithSpan attaches the assessment to one span of the trace.
func WithSpan(spanID string) AssessmentOption {
	return func(c *assessmentConfig) { c.spanID = spanID }
}

// WithAssessmentMetadata adds string metadata to the assessment.
func WithAssessmentMetadata(m map[string]string) AssessmentOption {
	return func(c *assessmentConfig) { c.metadata = m }
}

// WithFeedbackError records that computing the feedback failed; the value may then be nil.
// Expectations take no error.
func WithFeedbackError(code, message, stackTrace string) AssessmentOption {
	return func(c *assessmentConfig) {
		c.err = &tracedata.AssessmentError{ErrorCode: code, ErrorMessage: message, StackTrace: stackTrace}
	}
}

// WithMaxValueBytes caps the value's JSON text at n bytes (DefaultMaxAssessmentBytes when
// n <= 0); a larger value is an error.
func WithMaxValueBytes(n int) AssessmentOption {
	return func(c *assessmentConfig) { c.maxBytes = n }
}

// LogFeedback attaches a feedback to a stored trace and returns it with its id. value is a
// bool, number, string, or anything that encodes to a JSON object or array (a
// json.RawMessage is taken as JSON text); nil needs WithFeedbackError. Bad input (unknown
// trace or span, an empty name or one with a ".", a NaN or infinite number, a value over the
// cap) is an error, and nothing is written.
func (s *Store) LogFeedback(ctx context.Context, traceID, name string, value any, opts ...AssessmentOption) (tracedata.Assessment, error) {
	return s.logAssessment(ctx, kindFeedback, traceID, name, value, opts)
}

// LogExpectation attaches an expectation (ground truth) to a stored trace; see LogFeedback.
// Its value must not be nil.
func (s *Store) LogExpectation(ctx context.Context, traceID, name string, value any, opts ...AssessmentOption) (tracedata.Assessment, error) {
	return s.logAssessment(ctx, kindExpectation, traceID, name, value, opts)
}

func (s *Store) logAssessment(ctx context.Context, kind, traceID, name string, value any, opts []AssessmentOption) (tracedata.Assessment, error) {
	cfg := assessmentConfig{}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.source.SourceType == "" {
		cfg.source.SourceType = tracedata.SourceCode
		if kind == kindExpectation {
			cfg.source.SourceType = tracedata.SourceHuman
		}
	}
	now := time.Now().UnixMilli()
	a := tracedata.Assessment{
		Name: name, TraceID: traceID, SpanID: cfg.spanID, Source: cfg.source,
		CreateTimeMS: now, LastUpdateTimeMS: now, Rationale: cfg.rationale,
		Metadata: cloneMap(cfg.metadata), Valid: true,
	}
	raw, err := assessmentValue(value, cfg.maxBytes)
	if err != nil {
		return tracedata.Assessment{}, fmt.Errorf("agentlens: %s %q: %w", kind, name, err)
	}
	switch kind {
	case kindFeedback:
		if raw == nil && cfg.err == nil {
			return tracedata.Assessment{}, fmt.Errorf("agentlens: feedback %q needs a value or an error", name)
		}
		a.Feedback = &tracedata.Feedback{Value: raw, Error: cfg.err}
	default:
		if raw == nil {
			return tracedata.Assessment{}, fmt.Errorf("agentlens: expectation %q needs a value", name)
		}
		if cfg.err != nil {
			return tracedata.Assessment{}, fmt.Errorf("agentlens: expectation %q: expectations take no error", name)
		}
		a.Expectation = &tracedata.Expectation{Value: raw}
	}
	if err := checkAssessment(&a); err != nil {
		return tracedata.Assessment{}, err
	}
	id, err := newAssessmentID()
	if err != nil {
		return tracedata.Assessment{}, err
	}
	a.AssessmentID = id
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if err := checkTarget(ctx, tx, traceID, a.SpanID); err != nil {
			return err
		}
		return insertAssessment(ctx, tx, &a, false)
	})
	if err != nil {
		return tracedata.Assessment{}, s.assessmentErr(err)
	}
	return a, nil
}

// AssessmentUpdate changes an assessment: nil fields keep their value.
type AssessmentUpdate struct {
	// Value is the new value (see LogFeedback); nil keeps the old one.
	Value     any
	Rationale *string
	// Metadata replaces the metadata when not nil.
	Metadata map[string]string
	Source   *tracedata.AssessmentSource
	// MaxValueBytes caps the new value (DefaultMaxAssessmentBytes when <= 0).
	MaxValueBytes int
}

// UpdateAssessment changes an assessment and returns the result. A feedback keeps its
// history, as MLflow's override_feedback does: a new feedback (new id, Overrides naming the
// old one) takes the changes, and the old one stays with Valid false, skipped by searches. An
// expectation is changed in place. An overridden feedback cannot be updated again: update
// the one that overrides it.
func (s *Store) UpdateAssessment(ctx context.Context, traceID, assessmentID string, u AssessmentUpdate) (tracedata.Assessment, error) {
	var out tracedata.Assessment
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		old, err := readAssessment(ctx, tx, traceID, assessmentID)
		if err != nil {
			return err
		}
		a := old
		a.Metadata = cloneMap(old.Metadata)
		if u.Value != nil {
			raw, err := assessmentValue(u.Value, u.MaxValueBytes)
			if err != nil {
				return fmt.Errorf("agentlens: assessment %s: %w", assessmentID, err)
			}
			if a.Feedback != nil {
				a.Feedback = &tracedata.Feedback{Value: raw, Error: a.Feedback.Error}
			} else {
				a.Expectation = &tracedata.Expectation{Value: raw}
			}
		}
		if u.Rationale != nil {
			a.Rationale = *u.Rationale
		}
		if u.Metadata != nil {
			a.Metadata = cloneMap(u.Metadata)
		}
		if u.Source != nil {
			a.Source = *u.Source
		}
		a.LastUpdateTimeMS = time.Now().UnixMilli()
		if err := checkAssessment(&a); err != nil {
			return err
		}
		if a.Feedback == nil {
			out = a
			return insertAssessment(ctx, tx, &a, true)
		}
		if !old.Valid {
			return fmt.Errorf("agentlens: feedback %s of trace %q is overridden; update the feedback that overrides it", assessmentID, traceID)
		}
		id, err := newAssessmentID()
		if err != nil {
			return err
		}
		a.AssessmentID, a.Overrides, a.CreateTimeMS, a.Valid = id, old.AssessmentID, a.LastUpdateTimeMS, true
		if _, err := tx.ExecContext(ctx, `UPDATE assessments SET valid = 0 WHERE assessment_id = ?`, old.AssessmentID); err != nil {
			return err
		}
		out = a
		return insertAssessment(ctx, tx, &a, false)
	})
	if err != nil {
		return tracedata.Assessment{}, s.assessmentErr(err)
	}
	return out, nil
}

// GetAssessment reads one assessment of a trace. An unknown trace is an error wrapping
// tracedata.ErrTraceNotFound; an unknown assessment, one wrapping ErrAssessmentNotFound.
func (s *Store) GetAssessment(ctx context.Context, traceID, assessmentID string) (tracedata.Assessment, error) {
	a, err := readAssessment(ctx, s.db, traceID, assessmentID)
	if err != nil {
		return tracedata.Assessment{}, s.assessmentErr(err)
	}
	return a, nil
}

// DeleteAssessment removes an assessment. When it overrode another, that one is valid again,
// as in MLflow.
func (s *Store) DeleteAssessment(ctx context.Context, traceID, assessmentID string) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := readAssessment(ctx, tx, traceID, assessmentID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM assessments WHERE assessment_id = ?`, assessmentID); err != nil {
			return err
		}
		if a.Overrides != "" {
			_, err = tx.ExecContext(ctx, `UPDATE assessments SET valid = 1 WHERE assessment_id = ? AND trace_id = ?`, a.Overrides, traceID)
		}
		return err
	})
	return s.assessmentErr(err)
}

func (s *Store) assessmentErr(err error) error {
	if err == nil || errors.Is(err, tracedata.ErrTraceNotFound) || errors.Is(err, ErrAssessmentNotFound) || strings.HasPrefix(err.Error(), "agentlens: ") {
		return err
	}
	return fmt.Errorf("agentlens: store %s: %w", s.path, err)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readAssessment(ctx context.Context, q querier, traceID, assessmentID string) (tracedata.Assessment, error) {
	var data string
	var valid bool
	err := q.QueryRowContext(ctx, `SELECT data, valid FROM assessments WHERE assessment_id = ? AND trace_id = ?`, assessmentID, traceID).Scan(&data, &valid)
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		if err := q.QueryRowContext(ctx, `SELECT 1 FROM traces WHERE trace_id = ?`, traceID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return tracedata.Assessment{}, fmt.Errorf("agentlens: trace %q: %w", traceID, tracedata.ErrTraceNotFound)
		}
		return tracedata.Assessment{}, fmt.Errorf("agentlens: trace %q has no assessment %q: %w", traceID, assessmentID, ErrAssessmentNotFound)
	}
	if err != nil {
		return tracedata.Assessment{}, err
	}
	return decodeAssessment(data, valid)
}

func decodeAssessment(data string, valid bool) (tracedata.Assessment, error) {
	var a tracedata.Assessment
	if err := json.Unmarshal([]byte(data), &a); err != nil {
		return tracedata.Assessment{}, fmt.Errorf("corrupt assessment: %w", err)
	}
	a.Valid = valid
	return a, nil
}

// insertAssessment writes a (replacing the row of its id when replace is set; else a row
// already there is kept, which is what an export of a trace read back wants).
func insertAssessment(ctx context.Context, tx *sql.Tx, a *tracedata.Assessment, replace bool) error {
	kind := kindExpectation
	if a.Feedback != nil {
		kind = kindFeedback
	}
	var value, num any
	if v := a.Value(); v != nil && !bytes.Equal(v, []byte("null")) {
		value = string(v)
		var f float64
		if v[0] == '-' || v[0] >= '0' && v[0] <= '9' {
			if err := json.Unmarshal(v, &f); err == nil {
				num = f
			}
		}
	}
	verb := `INSERT OR IGNORE`
	if replace {
		verb = `INSERT OR REPLACE`
	}
	_, err := tx.ExecContext(ctx, verb+` INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.AssessmentID, a.TraceID, kind, a.Name, value, num, a.Valid, a.CreateTimeMS, string(a.AppendJSON(nil)))
	return err
}

// checkAssessment checks what does not need the store: the name and the source.
func checkAssessment(a *tracedata.Assessment) error {
	switch {
	case strings.TrimSpace(a.Name) == "":
		return errors.New("agentlens: assessment name is empty")
	case strings.Contains(a.Name, "."):
		return fmt.Errorf("agentlens: assessment name %q contains a \".\", which MLflow does not allow", a.Name)
	}
	switch a.Source.SourceType {
	case tracedata.SourceHuman, tracedata.SourceLLMJudge, tracedata.SourceCode:
	default:
		return fmt.Errorf("agentlens: assessment %q: source type %q is not HUMAN, LLM_JUDGE or CODE", a.Name, a.Source.SourceType)
	}
	if a.Source.SourceID == "" {
		a.Source.SourceID = "default"
	}
	return nil
}

// checkTarget checks that the trace, and the span when given, exist.
func checkTarget(ctx context.Context, tx *sql.Tx, traceID, spanID string) error {
	if err := traceExists(ctx, tx, traceID); err != nil {
		return err
	}
	if spanID == "" {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM spans WHERE trace_id = ? AND span_id = ?`, traceID, spanID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("agentlens: trace %q has no span %q", traceID, spanID)
	}
	return err
}

// assessmentValue encodes value as compact JSON text, nil for nil, refusing NaN, infinities,
// text that is not JSON and values over the cap.
func assessmentValue(value any, maxBytes int) (json.RawMessage, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxAssessmentBytes
	}
	var raw []byte
	switch v := value.(type) {
	case nil:
		return nil, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("value %v is not a finite number", v)
		}
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("value %v is not a finite number", v)
		}
	case json.RawMessage:
		if !json.Valid(v) {
			return nil, errors.New("value is not valid JSON text")
		}
		var buf bytes.Buffer
		_ = json.Compact(&buf, v)
		raw = buf.Bytes()
	}
	if raw == nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // the value is shown as given: "<b>" stays "<b>"
		err := enc.Encode(value)
		raw = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		var unsupported *json.UnsupportedValueError
		if errors.As(err, &unsupported) {
			return nil, fmt.Errorf("value holds %s, which is not a finite number or not JSON", unsupported.Str)
		}
		if err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
	}
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if len(raw) > maxBytes {
		return nil, fmt.Errorf("value is %d bytes of JSON, over the cap of %d", len(raw), maxBytes)
	}
	return raw, nil
}

func newAssessmentID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "a-" + hex.EncodeToString(b[:]), nil
}

func cloneMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// loadAssessments fills the assessments of infos, oldest first.
func (s *Store) loadAssessments(ctx context.Context, infos []*tracedata.TraceInfo) error {
	if s.noAssessments {
		return nil
	}
	byID := make(map[string]*tracedata.TraceInfo, len(infos))
	for _, i := range infos {
		byID[i.TraceID] = i
		i.Assessments = nil
	}
	for start := 0; start < len(infos); start += 500 {
		chunk := infos[start:min(start+500, len(infos))]
		args := make([]any, len(chunk))
		for i, info := range chunk {
			args[i] = info.TraceID
		}
		rows, err := s.db.QueryContext(ctx, `SELECT trace_id, data, valid FROM assessments WHERE trace_id IN (`+placeholders(len(chunk))+`) ORDER BY trace_id, create_time_ms, rowid`, args...)
		if err != nil {
			return fmt.Errorf("agentlens: store %s: %w", s.path, err)
		}
		for rows.Next() {
			var id, data string
			var valid bool
			if err := rows.Scan(&id, &data, &valid); err != nil {
				rows.Close()
				return err
			}
			a, err := decodeAssessment(data, valid)
			if err != nil {
				rows.Close()
				return fmt.Errorf("agentlens: store %s: trace %q: %w", s.path, id, err)
			}
			byID[id].Assessments = append(byID[id].Assessments, a)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}
