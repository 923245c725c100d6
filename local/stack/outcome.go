package stack

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/s3event"
	"github.com/imgprep/imgprep/tasks"
)

// Step is the time one state took, from its Entered to its Exited event.
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"`
}

// Outcome is what became of one input, read from its ingest execution.
type Outcome struct {
	Key       string `json:"key"`
	ETag      string `json:"etag"`
	Status    string `json:"status"` // processed, rejected or failed
	OutputKey string `json:"outputKey,omitempty"`
	Unchanged bool   `json:"unchanged,omitempty"`
	Error     string `json:"error,omitempty"`
	Cause     string `json:"cause,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Quarantine is the key of the quarantine record, when one was written.
	Quarantine string        `json:"quarantine,omitempty"`
	Execution  string        `json:"execution"`
	Steps      []Step        `json:"steps,omitempty"`
	Total      time.Duration `json:"total"`
}

// OutcomeOf reads an ingest execution record. ok is false when the record
// is not of an ingest execution (its input is not an S3 event).
func OutcomeOf(r execstore.Record) (o Outcome, ok bool) {
	var ev struct {
		Detail struct {
			Object struct {
				Key  string `json:"key"`
				ETag string `json:"etag"`
			} `json:"object"`
		} `json:"detail"`
	}
	if json.Unmarshal(r.Input, &ev) != nil || ev.Detail.Object.Key == "" {
		return o, false
	}
	key, err := s3event.DecodeEventKey(ev.Detail.Object.Key)
	if err != nil {
		key = ev.Detail.Object.Key
	}
	o = Outcome{Key: key, ETag: ev.Detail.Object.ETag, Execution: r.ExecutionARN, Error: r.Error, Cause: r.Cause}
	if !r.StopDate.IsZero() {
		o.Total = r.StopDate.Sub(r.StartDate)
	}
	o.Steps = steps(r.History)
	switch r.Status {
	case "SUCCEEDED":
		var job tasks.Job
		if json.Unmarshal(r.Output, &job) == nil && job.Output != nil {
			o.Status, o.OutputKey, o.Unchanged = "processed", job.Output.Key, job.Output.Unchanged
			return o, true
		}
		o.Status = "failed"
		o.Reason = "execution succeeded without an output"
	default:
		o.Status = "failed"
		if slices.Contains(tasks.RejectionNames, r.Error) {
			o.Status = "rejected"
		}
		o.Reason = tasks.ReasonFromCause(r.Cause)
		if r.Status != "FAILED" && o.Reason == "" {
			o.Reason = "execution " + r.Status
		}
		o.Quarantine = quarantineKey(r.History)
	}
	return o, true
}

type historyEvent struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Entered   *struct {
		Name string `json:"name"`
	} `json:"stateEnteredEventDetails"`
	Exited *struct {
		Name   string `json:"name"`
		Output string `json:"output"`
	} `json:"stateExitedEventDetails"`
}

func parseHistory(raw json.RawMessage) []historyEvent {
	var h []historyEvent
	_ = json.Unmarshal(raw, &h) // a record without history has no steps
	return h
}

// steps pairs each Task state's Entered and Exited events, in order; a state
// retried or entered twice counts from its first entry to its last exit.
func steps(raw json.RawMessage) []Step {
	entered := map[string]time.Time{}
	var out []Step
	idx := map[string]int{}
	for _, e := range parseHistory(raw) {
		switch {
		case e.Type == "TaskStateEntered" && e.Entered != nil:
			if _, seen := entered[e.Entered.Name]; !seen {
				entered[e.Entered.Name] = e.Timestamp
			}
		case e.Type == "TaskStateExited" && e.Exited != nil:
			start, ok := entered[e.Exited.Name]
			if !ok {
				continue
			}
			st := Step{Name: e.Exited.Name, Duration: e.Timestamp.Sub(start)}
			if i, dup := idx[st.Name]; dup {
				out[i] = st
				continue
			}
			idx[st.Name] = len(out)
			out = append(out, st)
		}
	}
	return out
}

// quarantineKey finds the record key in the Quarantine state's output.
func quarantineKey(raw json.RawMessage) string {
	for _, e := range parseHistory(raw) {
		if e.Type == "TaskStateExited" && e.Exited != nil && e.Exited.Name == "Quarantine" {
			var job tasks.Job
			if json.Unmarshal([]byte(e.Exited.Output), &job) == nil && job.Quarantine != nil {
				return job.Quarantine.Key
			}
		}
	}
	return ""
}
