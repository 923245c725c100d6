package console

import (
	"sort"
	"strings"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
)

// Step is one visit of a state: when it was entered and left, how many
// times its task was attempted and the error each failed attempt raised.
type Step struct {
	EnteredID int64
	Name      string
	Type      string // Task, Pass, Map, ... (from the event type)
	Depth     int    // how many Map/Parallel states enclose it
	Entered   time.Time
	Exited    time.Time // zero while running or when the state never exited
	Attempts  int       // Lambda/Task invocations scheduled
	Failures  []Failure
	Status    string // succeeded, retried, caught, failed, running, aborted, timed out

	exitedID int64
	parent   *Step
}

// Failure is the error one attempt (or the state itself) raised.
type Failure struct {
	EventID int64
	Type    string
	At      time.Time
	Error   string
	Cause   string
}

// Duration is how long the state ran, up to end when it never exited.
func (s Step) Duration(end time.Time) time.Duration {
	if !s.Exited.IsZero() {
		return s.Exited.Sub(s.Entered)
	}
	if end.IsZero() {
		return 0
	}
	return end.Sub(s.Entered)
}

// maxWalk bounds a walk back along previousEventId, so a malformed
// history cannot make a page quadratic without limit.
const maxWalk = 100000

// Timeline turns a history into the states visited, in the order they
// were entered. executionStatus says how a state that never exited ended.
//
// Events of one thread of execution chain through previousEventId, so a
// state's Exited event and its task events lead back to its Entered event
// even while Map iterations and Parallel branches interleave theirs.
func Timeline(events []asl.HistoryEvent, executionStatus string) []Step {
	byID := make(map[int64]*asl.HistoryEvent, len(events))
	for i := range events {
		byID[events[i].ID] = &events[i]
	}
	sorted := append([]asl.HistoryEvent(nil), events...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })

	var steps []*Step
	byEntered := map[int64]*Step{}
	for _, e := range sorted {
		typ, kind, ok := stateEvent(e.Type)
		switch {
		case ok && kind == "Entered":
			st := &Step{EnteredID: e.ID, Name: detail(e, "name"), Type: typ, Entered: e.Timestamp}
			steps = append(steps, st)
			byEntered[e.ID] = st
		case ok && kind == "Exited":
			st := findEntered(byID, e, detail(e, "name"), byEntered)
			if st == nil {
				st = lastUnexited(steps, detail(e, "name"))
			}
			if st != nil {
				st.Exited, st.exitedID = e.Timestamp, e.ID
			}
		case strings.HasPrefix(e.Type, "Execution"):
			// The execution's own events are shown with the execution.
		default:
			st := owner(byID, e, byEntered)
			if st == nil {
				continue
			}
			switch {
			case strings.HasSuffix(e.Type, "Scheduled") && (strings.HasPrefix(e.Type, "LambdaFunction") || strings.HasPrefix(e.Type, "Task") || strings.HasPrefix(e.Type, "Activity")):
				st.Attempts++
			case strings.HasSuffix(e.Type, "Failed") || strings.HasSuffix(e.Type, "TimedOut"):
				if errName, cause := detail(e, "error"), detail(e, "cause"); errName != "" || cause != "" {
					st.Failures = append(st.Failures, Failure{EventID: e.ID, Type: e.Type, At: e.Timestamp, Error: errName, Cause: cause})
				}
			}
		}
	}
	byExited := make(map[int64]*Step, len(steps))
	for _, st := range steps {
		if st.exitedID != 0 {
			byExited[st.exitedID] = st
		}
	}
	for _, st := range steps {
		if st.parent = parent(byID, st, byEntered, byExited); st.parent != nil {
			st.Depth = st.parent.Depth + 1
		}
	}
	out := make([]Step, len(steps))
	for i, st := range steps {
		st.Status = stepStatus(st, executionStatus)
		out[i] = *st
	}
	return out
}

func stepStatus(st *Step, executionStatus string) string {
	failed := len(st.Failures)
	switch {
	case !st.Exited.IsZero() && failed == 0:
		return "succeeded"
	case !st.Exited.IsZero() && st.Attempts > 0 && failed < st.Attempts:
		return "retried"
	case !st.Exited.IsZero():
		return "caught"
	case st.Type == "Fail":
		return "failed"
	}
	switch executionStatus {
	case "RUNNING", "":
		return "running"
	case asl.StatusAborted:
		return "aborted"
	case asl.StatusTimedOut:
		return "timed out"
	}
	return "failed"
}

// stateEvent splits "TaskStateEntered" into ("Task", "Entered").
func stateEvent(t string) (typ, kind string, ok bool) {
	for _, k := range []string{"Entered", "Exited"} {
		if p, found := strings.CutSuffix(t, "State"+k); found && p != "" {
			return p, k, true
		}
	}
	return "", "", false
}

func detail(e asl.HistoryEvent, key string) string {
	s, _ := e.Details[key].(string)
	return s
}

// findEntered walks back from an Exited event to the Entered event of the
// same state.
func findEntered(byID map[int64]*asl.HistoryEvent, e asl.HistoryEvent, name string, byEntered map[int64]*Step) *Step {
	id := e.PreviousEventID
	for n := 0; id > 0 && n < maxWalk; n++ {
		p, ok := byID[id]
		if !ok {
			return nil
		}
		if st, ok := byEntered[p.ID]; ok && st.Name == name && st.Exited.IsZero() {
			return st
		}
		id = p.PreviousEventID
	}
	return nil
}

// owner is the state an event belongs to: the nearest Entered event back
// along its chain. Task events have no states inside them, so for them
// this is their Task state.
func owner(byID map[int64]*asl.HistoryEvent, e asl.HistoryEvent, byEntered map[int64]*Step) *Step {
	id := e.PreviousEventID
	for n := 0; id > 0 && n < maxWalk; n++ {
		if st, ok := byEntered[id]; ok {
			return st
		}
		p, ok := byID[id]
		if !ok {
			return nil
		}
		if _, kind, ok := stateEvent(p.Type); ok && kind == "Exited" {
			return nil // between states: the event belongs to none
		}
		id = p.PreviousEventID
	}
	return nil
}

// parent is the Map or Parallel state a step runs in. Walking back from
// its Entered event, the first state event met decides: the Entered event
// of a container still open is the parent; the Exited (or Entered) event of
// any other state is a sibling's, whose parent is already known because
// steps are visited in id order. Jumping at siblings keeps each walk short
// and skips the insides of Map and Parallel states that came before.
func parent(byID map[int64]*asl.HistoryEvent, st *Step, byEntered, byExited map[int64]*Step) *Step {
	e, ok := byID[st.EnteredID]
	if !ok {
		return nil
	}
	id := e.PreviousEventID
	for n := 0; id > 0 && n < maxWalk; n++ {
		if q, ok := byExited[id]; ok {
			return q.parent
		}
		if q, ok := byEntered[id]; ok {
			if (q.Type == "Map" || q.Type == "Parallel") && (q.exitedID == 0 || q.exitedID > st.EnteredID) {
				return q
			}
			return q.parent
		}
		p, ok := byID[id]
		if !ok {
			return nil
		}
		id = p.PreviousEventID
	}
	return nil
}

func lastUnexited(steps []*Step, name string) *Step {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].Name == name && steps[i].Exited.IsZero() {
			return steps[i]
		}
	}
	return nil
}
