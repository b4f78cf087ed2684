package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/agentlens/agentlens/core/store"
	"github.com/agentlens/agentlens/core/tracedata"
	"github.com/agentlens/agentlens/internal/termtext"
)

// The assessment commands follow mlflow traces log-feedback, log-expectation,
// update-assessment and delete-assessment, with the trace id and the assessment's name and
// value as arguments, as agentlens traces tag takes its pairs.

type assessFlags struct {
	rationale  string
	sourceType string
	sourceID   string
	span       string
	metadata   []string
	asJSON     bool
}

func (f *assessFlags) register(c *cobra.Command, feedback bool) {
	fl := c.Flags()
	if feedback {
		fl.StringVar(&f.rationale, "rationale", "", "why the feedback was given (`TEXT`)")
	}
	fl.StringVar(&f.sourceType, "source-type", string(tracedata.SourceHuman), "who gave it: `TYPE` HUMAN, LLM_JUDGE or CODE")
	fl.StringVar(&f.sourceID, "source-id", "", "the source's `ID`, e.g. a user or judge name (default \"default\")")
	fl.StringVar(&f.span, "span", "", "attach it to the span with this `SPAN_ID`")
	fl.StringArrayVar(&f.metadata, "metadata", nil, "`KEY=VALUE` metadata (repeatable)")
	fl.BoolVar(&f.asJSON, "json", false, "print the logged assessment as MLflow's JSON")
}

func (f *assessFlags) options() ([]store.AssessmentOption, error) {
	typ := tracedata.AssessmentSourceType(strings.ToUpper(f.sourceType))
	switch typ {
	case tracedata.SourceHuman, tracedata.SourceLLMJudge, tracedata.SourceCode:
	default:
		return nil, usagef("--source-type %q is not HUMAN, LLM_JUDGE or CODE", f.sourceType)
	}
	opts := []store.AssessmentOption{store.WithSource(typ, f.sourceID), store.WithSpan(f.span), store.WithRationale(f.rationale)}
	if len(f.metadata) > 0 {
		pairs, err := parseTagPairs(f.metadata)
		if err != nil {
			return nil, err
		}
		m := make(map[string]string, len(pairs))
		for _, p := range pairs {
			m[p.key] = p.value
		}
		opts = append(opts, store.WithAssessmentMetadata(m))
	}
	return opts, nil
}

// parseAssessmentValue reads VALUE as JSON (true, 0.9, "text", {"a": 1}, [1, 2]) and
// anything that is not JSON as a string; NaN and infinities, which JSON lacks, are refused
// rather than logged as words.
func parseAssessmentValue(s string) (json.RawMessage, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity":
		return nil, usagef("value %q is not a finite number; to log it as text, quote it as JSON: '\"%s\"'", s, s)
	}
	if json.Valid([]byte(s)) && strings.TrimSpace(s) != "null" {
		return json.RawMessage(s), nil
	}
	b, _ := json.Marshal(s)
	return b, nil
}

func newFeedbackCmd(a *app) *cobra.Command {
	var f assessFlags
	c := &cobra.Command{
		Use:   "feedback ID NAME VALUE",
		Short: "Log feedback on a trace",
		Long: `Log a feedback (an MLflow 3 assessment: a judgement of the trace's outputs) on a trace.
VALUE is read as JSON (true, 0.9, "text", {"score": 4}), and as a string when it is not
JSON; NaN and infinities are refused. NAME must not contain ".". The source defaults to
HUMAN "default". The new assessment's id is printed; --filter 'feedback.NAME = ...' finds
the trace, and traces show, get and assessments print it.`,
		Example: `  agentlens traces feedback tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e correctness true --rationale 'cites the docs'
  agentlens traces feedback tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e relevance 0.9 --source-type LLM_JUDGE --source-id gpt-judge
  agentlens traces feedback tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e tone '"friendly"' --span 00f067aa0ba902b7
  agentlens traces feedback tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e delta -- -0.5   # -- before a negative number
  agentlens traces list --filter "feedback.correctness = 'true'"`,
		Args: exactArgs(3, "a trace ID, a NAME and a VALUE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.logAssessment(cmd.Context(), true, args, &f)
		}),
	}
	f.register(c, true)
	return c
}

func newExpectationCmd(a *app) *cobra.Command {
	var f assessFlags
	c := &cobra.Command{
		Use:   "expectation ID NAME VALUE",
		Short: "Log an expectation (ground truth) on a trace",
		Long: `Log an expectation (an MLflow 3 assessment: what the trace should have produced) on a trace.
VALUE is read as JSON, and as a string when it is not JSON. --filter
'expectation.NAME = ...' finds the trace.`,
		Example: `  agentlens traces expectation tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e expected_answer 'Paris'
  agentlens traces expectation tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e expected_facts '["capital", "France"]'`,
		Args: exactArgs(3, "a trace ID, a NAME and a VALUE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.logAssessment(cmd.Context(), false, args, &f)
		}),
	}
	f.register(c, false)
	return c
}

func (a *app) logAssessment(ctx context.Context, feedback bool, args []string, f *assessFlags) error {
	value, err := parseAssessmentValue(args[2])
	if err != nil {
		return err
	}
	opts, err := f.options()
	if err != nil {
		return err
	}
	st, err := a.openStore(false)
	if err != nil {
		return err
	}
	defer st.Close()
	log, kind := st.LogExpectation, "expectation"
	if feedback {
		log, kind = st.LogFeedback, "feedback"
	}
	as, err := log(ctx, args[0], args[1], value, opts...)
	if err != nil {
		return assessmentCmdErr(st, args[0], err)
	}
	if f.asJSON {
		return printJSON(a.stdout, as)
	}
	_, err = fmt.Fprintf(a.stdout, "logged %s %s on %s\n", kind, as.AssessmentID, termtext.Clean(args[0]))
	return err
}

func assessmentCmdErr(st *store.Store, traceID string, err error) error {
	if errors.Is(err, tracedata.ErrTraceNotFound) {
		return fmt.Errorf("no trace %q in %s", traceID, st.Path())
	}
	return err
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", termtext.EscapeJSON(b))
	return err
}

func newAssessmentsCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "assessments ID",
		Short: "List the assessments of a trace",
		Long: `List the feedback and expectations of a trace, oldest first: id, kind, name, value, source,
and whether it is valid (an overridden feedback is not, and names the one that overrides
it). --json prints them in MLflow's JSON shape.`,
		Example: `  agentlens traces assessments tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e
  agentlens traces assessments tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e --json`,
		Args: exactArgs(1, "a trace ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(true)
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := getTrace(cmd.Context(), st, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				as := t.Info.Assessments
				if as == nil {
					as = []tracedata.Assessment{}
				}
				return printJSON(a.stdout, map[string]any{"assessments": as})
			}
			if len(t.Info.Assessments) == 0 {
				_, err := fmt.Fprintln(a.stdout, "no assessments")
				return err
			}
			return writeAssessmentTable(a.stdout, t.Info.Assessments)
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return c
}

func newAssessmentUpdateCmd(a *app) *cobra.Command {
	var rationale string
	c := &cobra.Command{
		Use:   "assessment-update ID ASSESSMENT_ID VALUE",
		Short: "Change the value of an assessment",
		Long: `Change the value (and with --rationale the rationale) of an assessment. A feedback keeps its
history, as MLflow's override_feedback does: a new feedback overrides it and is printed,
and the old one stays, no longer valid. An expectation is changed in place.`,
		Example: `  agentlens traces assessment-update tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e a-5c1e0d9b7a3f4e2d8c6b4a2f0e1d3c5b false --rationale 'missed a step'`,
		Args:    exactArgs(3, "a trace ID, an ASSESSMENT_ID and a VALUE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			value, err := parseAssessmentValue(args[2])
			if err != nil {
				return err
			}
			u := store.AssessmentUpdate{Value: value}
			if cmd.Flags().Changed("rationale") {
				u.Rationale = &rationale
			}
			st, err := a.openStore(false)
			if err != nil {
				return err
			}
			defer st.Close()
			as, err := st.UpdateAssessment(cmd.Context(), args[0], args[1], u)
			if err != nil {
				return assessmentCmdErr(st, args[0], err)
			}
			if as.AssessmentID != args[1] {
				_, err = fmt.Fprintf(a.stdout, "logged feedback %s on %s, overriding %s\n", as.AssessmentID, termtext.Clean(args[0]), termtext.Clean(args[1]))
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "updated %s on %s\n", as.AssessmentID, termtext.Clean(args[0]))
			return err
		}),
	}
	c.Flags().StringVar(&rationale, "rationale", "", "the new rationale (`TEXT`)")
	return c
}

func newAssessmentDeleteCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "assessment-delete ID ASSESSMENT_ID",
		Short: "Delete an assessment",
		Long: `Delete an assessment of a trace. When it overrode an older feedback, that one is valid
again, as in MLflow.`,
		Example: `  agentlens traces assessment-delete tr-8b1f3c0e9a4d4f6b8e2a7c5d1f0b3a9e a-5c1e0d9b7a3f4e2d8c6b4a2f0e1d3c5b`,
		Args:    exactArgs(2, "a trace ID and an ASSESSMENT_ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(false)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.DeleteAssessment(cmd.Context(), args[0], args[1]); err != nil {
				return assessmentCmdErr(st, args[0], err)
			}
			_, err = fmt.Fprintf(a.stdout, "deleted %s from %s\n", termtext.Clean(args[1]), termtext.Clean(args[0]))
			return err
		}),
	}
}

// assessmentValueText renders an assessment's value on one line: a string as its text, any
// other value as compact JSON, a feedback error as "error: CODE: message".
func assessmentValueText(as *tracedata.Assessment) string {
	if v := as.Value(); v != nil {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return safe(s, previewWidth)
		}
		return detailJSON(v)
	}
	if as.Feedback != nil && as.Feedback.Error != nil {
		e := as.Feedback.Error
		return safe("error: "+strings.TrimPrefix(e.ErrorCode+": "+e.ErrorMessage, ": "), previewWidth)
	}
	return "-"
}

func assessmentKind(as *tracedata.Assessment) string {
	if as.IsFeedback() {
		return "feedback"
	}
	return "expectation"
}

func writeAssessmentTable(w io.Writer, as []tracedata.Assessment) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ASSESSMENT ID\tKIND\tNAME\tVALUE\tSOURCE\tVALID\tSPAN\tRATIONALE")
	for i := range as {
		x := &as[i]
		valid := "yes"
		if !x.Valid {
			valid = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", termtext.Clean(x.AssessmentID), assessmentKind(x),
			safe(x.Name, nameWidth), orDash(assessmentValueText(x)),
			safe(string(x.Source.SourceType)+":"+x.Source.SourceID, nameWidth), valid,
			orDash(termtext.Clean(x.SpanID)), orDash(safe(x.Rationale, previewWidth)))
	}
	return tw.Flush()
}

// writeAssessmentLines prints a trace's assessments under its tree in traces show.
func writeAssessmentLines(w io.Writer, as []tracedata.Assessment) error {
	if len(as) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("assessments:\n")
	for i := range as {
		x := &as[i]
		fmt.Fprintf(&b, "  %s %s = %s  (%s:%s", assessmentKind(x), safe(x.Name, nameWidth), assessmentValueText(x),
			safe(string(x.Source.SourceType), nameWidth), safe(x.Source.SourceID, nameWidth))
		if x.SpanID != "" {
			fmt.Fprintf(&b, ", span %s", termtext.Clean(x.SpanID))
		}
		if !x.Valid {
			b.WriteString(", overridden")
		}
		fmt.Fprintf(&b, ") %s\n", termtext.Clean(x.AssessmentID))
		if x.Rationale != "" {
			fmt.Fprintf(&b, "    rationale: %s\n", safe(x.Rationale, detailWidth))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
