package execstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Record is one execution as DescribeExecution and GetExecutionHistory show it.
type Record struct {
	ExecutionARN    string          `json:"executionArn"`
	StateMachineARN string          `json:"stateMachineArn"`
	Name            string          `json:"name"`
	Type            string          `json:"type"` // STANDARD or EXPRESS
	Status          string          `json:"status"`
	Input           json.RawMessage `json:"input,omitempty"`
	Output          json.RawMessage `json:"output,omitempty"`
	Error           string          `json:"error,omitempty"`
	Cause           string          `json:"cause,omitempty"`
	StartDate       time.Time       `json:"startDate"`
	StopDate        time.Time       `json:"stopDate,omitzero"`
	// History is the list of history events as GetExecutionHistory renders them.
	History json.RawMessage `json:"history,omitempty"`
}

// Store is a directory of records; safe for concurrent use. Only a summary
// of each record is kept in memory; Get reads the whole record from disk.
type Store struct {
	dir  string
	mu   sync.RWMutex
	recs map[string]*Record
}

// Open loads every record under dir, creating dir if needed. A record file
// that cannot be read is reported, not skipped silently.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("execstore: %w", err)
	}
	s := &Store{dir: dir, recs: map[string]*Record{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("execstore: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.Name(), err))
			continue
		}
		s.recs[r.ExecutionARN] = summary(r)
	}
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("execstore: %w", err)
	}
	return s, nil
}

// Put saves r, replacing any record with the same ARN. The file is written
// to a temporary name and renamed, so a crash never leaves half a record.
func (s *Store) Put(r *Record) error {
	// Inputs and outputs are kept as written: no \u003c for "<".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("execstore: %w", err)
	}
	b := buf.Bytes()
	name := filepath.Join(s.dir, fileName(r.ExecutionARN))
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("execstore: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("execstore: %w", err)
	}
	s.mu.Lock()
	s.recs[r.ExecutionARN] = summary(*r)
	s.mu.Unlock()
	return nil
}

// Get returns the whole record of an execution ARN, history included (read
// from its file).
func (s *Store) Get(arn string) (Record, bool) {
	s.mu.RLock()
	_, ok := s.recs[arn]
	s.mu.RUnlock()
	if !ok {
		return Record{}, false
	}
	b, err := os.ReadFile(filepath.Join(s.dir, fileName(arn)))
	var r Record
	if err != nil || json.Unmarshal(b, &r) != nil {
		return Record{}, false
	}
	return r, true
}

// List returns the records of a state machine ("" for all), newest first,
// as summaries: without input, output and history (Get has them).
func (s *Store) List(stateMachineARN string) []Record {
	s.mu.RLock()
	out := make([]Record, 0, len(s.recs))
	for _, r := range s.recs {
		if stateMachineARN == "" || r.StateMachineARN == stateMachineARN {
			out = append(out, *r)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StartDate.Equal(out[j].StartDate) {
			return out[i].StartDate.After(out[j].StartDate)
		}
		return out[i].ExecutionARN < out[j].ExecutionARN
	})
	return out
}

// summary is what stays in memory of a record: a long run records many
// thousands of executions, so inputs, outputs and histories stay on disk.
func summary(r Record) *Record {
	r.Input, r.Output, r.History = nil, nil, nil
	return &r
}

// fileName turns an ARN into a safe file name: the ARN's colons and slashes
// are replaced, and the result stays unique because ARNs are.
func fileName(arn string) string {
	r := strings.NewReplacer(":", "_", "/", "_", "\\", "_")
	return r.Replace(arn) + ".json"
}
