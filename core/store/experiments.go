package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// DefaultExperimentID and DefaultExperimentName name the experiment every store starts with,
// as MLflow's "Default" experiment.
const (
	DefaultExperimentID   = "0"
	DefaultExperimentName = "Default"
)

// Experiment groups traces, as an MLflow experiment does.
type Experiment struct {
	ID   string
	Name string
}

// EnsureExperiment returns the experiment named name, creating it if needed.
func (s *Store) EnsureExperiment(ctx context.Context, name string) (Experiment, error) {
	if name == "" {
		return Experiment{}, errors.New("agentlens: empty experiment name")
	}
	var e Experiment
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT experiment_id, name FROM experiments WHERE name = ?`, name).Scan(&e.ID, &e.Name)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(CAST(experiment_id AS INTEGER)), 0) + 1 FROM experiments`).Scan(&next); err != nil {
			return err
		}
		e = Experiment{ID: strconv.FormatInt(next, 10), Name: name}
		_, err = tx.ExecContext(ctx, `INSERT INTO experiments VALUES (?, ?, ?)`, e.ID, e.Name, time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return Experiment{}, fmt.Errorf("agentlens: store %s: experiment %q: %w", s.path, name, err)
	}
	return e, nil
}

// ErrExperimentNotFound is returned (wrapped) for an unknown experiment.
var ErrExperimentNotFound = errors.New("experiment not found")

// LookupExperiment finds an experiment by id or, failing that, by name.
func (s *Store) LookupExperiment(ctx context.Context, idOrName string) (Experiment, error) {
	var e Experiment
	err := s.db.QueryRowContext(ctx, `SELECT experiment_id, name FROM experiments WHERE experiment_id = ?
		UNION ALL SELECT experiment_id, name FROM experiments WHERE name = ? LIMIT 1`, idOrName, idOrName).Scan(&e.ID, &e.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return Experiment{}, fmt.Errorf("agentlens: experiment %q: %w", idOrName, ErrExperimentNotFound)
	}
	return e, err
}

// ListExperiments returns every experiment, by id.
func (s *Store) ListExperiments(ctx context.Context) ([]Experiment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT experiment_id, name FROM experiments ORDER BY CAST(experiment_id AS INTEGER), experiment_id`)
	if err != nil {
		return nil, fmt.Errorf("agentlens: store %s: experiments: %w", s.path, err)
	}
	defer rows.Close()
	var out []Experiment
	for rows.Next() {
		var e Experiment
		if err := rows.Scan(&e.ID, &e.Name); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
