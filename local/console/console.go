package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/sfnapi"
	"github.com/imgprep/imgprep/statemachine/asl"
)

// Handler serves the console for svc. Pages link to each other with
// relative URLs, so it can be mounted under any prefix with
// http.StripPrefix:
//
//	mux.Handle("/console/", http.StripPrefix("/console", console.Handler(svc)))
func Handler(svc *sfnapi.Service) http.Handler {
	c := &consoleHandler{svc: svc, now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", c.index)
	mux.HandleFunc("GET /machine", c.machine)
	mux.HandleFunc("GET /execution", c.execution)
	return mux
}

type consoleHandler struct {
	svc *sfnapi.Service
	now func() time.Time
}

// statuses in the order filters show them.
var statuses = []string{"RUNNING", asl.StatusSucceeded, asl.StatusFailed, asl.StatusTimedOut, asl.StatusAborted}

type machineRow struct {
	ARN, Name, Type string
	Child           bool // a Distributed Map's child workflow (<parent>/<label>)
	Counts          map[string]int
	Total           int
	Latest          time.Time
}

func (c *consoleHandler) index(w http.ResponseWriter, r *http.Request) {
	byARN := map[string]*machineRow{}
	var registered []string
	children := map[string][]string{} // parent ARN -> child workflow ARNs
	for _, sm := range c.svc.StateMachines() {
		byARN[sm.ARN] = &machineRow{ARN: sm.ARN, Name: sm.Name, Type: sm.Type, Counts: map[string]int{}}
		registered = append(registered, sm.ARN)
	}
	// One pass over every execution, newest first; child workflows have
	// no registration of their own and appear once they have run.
	for _, rec := range c.svc.List("") {
		row, ok := byARN[rec.StateMachineARN]
		if !ok {
			parent, _, child := strings.Cut(rec.StateMachineARN, "/")
			if _, known := byARN[parent]; !child || !known {
				continue
			}
			row = &machineRow{ARN: rec.StateMachineARN, Name: rec.StateMachineARN[strings.LastIndexByte(rec.StateMachineARN, ':')+1:],
				Type: rec.Type, Child: true, Counts: map[string]int{}}
			byARN[rec.StateMachineARN] = row
			children[parent] = append(children[parent], rec.StateMachineARN)
		}
		row.Counts[rec.Status]++
		row.Total++
		if row.Latest.IsZero() {
			row.Latest = rec.StartDate
		}
	}
	var rows []machineRow
	for _, arn := range registered {
		rows = append(rows, *byARN[arn])
		for _, c := range children[arn] {
			rows = append(rows, *byARN[c])
		}
	}
	c.render(w, http.StatusOK, "index", map[string]any{"Title": "State machines", "Machines": rows, "Statuses": statuses})
}

// defaultLimit bounds an execution list page; ?limit= raises it.
const defaultLimit = 200

func (c *consoleHandler) machine(w http.ResponseWriter, r *http.Request) {
	arn := r.URL.Query().Get("arn")
	// A Distributed Map's children run as <parent>/<label>; they are
	// listed when the parent is known.
	parent, _, isChild := strings.Cut(arn, "/")
	sm, ok := c.svc.StateMachine(parent)
	if !ok {
		c.notFound(w, "No state machine "+arn)
		return
	}
	recs := c.svc.List(arn)
	total := len(recs)
	counts := map[string]int{}
	for _, rec := range recs {
		counts[rec.Status]++
	}
	status := r.URL.Query().Get("status")
	if status != "" {
		kept := recs[:0]
		for _, rec := range recs {
			if rec.Status == status {
				kept = append(kept, rec)
			}
		}
		recs = kept
	}
	// q narrows the list to executions whose name or error contains it.
	query := strings.TrimSpace(r.URL.Query().Get("q"))
	if query != "" {
		kept := recs[:0]
		for _, rec := range recs {
			if strings.Contains(rec.Name, query) || strings.Contains(rec.Error, query) {
				kept = append(kept, rec)
			}
		}
		recs = kept
	}
	limit := defaultLimit
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		limit = n
	}
	more := 0
	if len(recs) > limit {
		more = len(recs) - limit
		recs = recs[:limit]
	}
	name := sm.Name
	if isChild {
		name = arn[strings.LastIndexByte(arn, ':')+1:]
	}
	c.render(w, http.StatusOK, "machine", map[string]any{
		"Title": name, "Machine": sm, "ARN": arn, "Child": isChild, "Executions": recs, "Counts": counts,
		"Total": total, "Status": status, "Query": query, "Running": counts[sfnapi.StatusRunning] > 0, "Statuses": statuses, "More": more, "Limit": limit * 2,
		"Now": c.now(),
	})
}

type mapRun struct {
	ARN      string
	Children []execstore.Record
}

func (c *consoleHandler) execution(w http.ResponseWriter, r *http.Request) {
	arn := r.URL.Query().Get("arn")
	rec, ok := c.svc.Get(arn)
	if !ok {
		c.notFound(w, "No execution "+arn)
		return
	}
	events, err := c.svc.History(arn)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	end := rec.StopDate
	if end.IsZero() {
		end = c.now()
	}
	steps := Timeline(events, rec.Status)
	var runs []mapRun
	for _, e := range events {
		if e.Type != "MapRunStarted" {
			continue
		}
		run, _ := e.Details["mapRunArn"].(string)
		children, _ := c.svc.MapRunExecutions(run)
		runs = append(runs, mapRun{ARN: run, Children: children})
	}
	mapRunOf := c.svc.MapRunOf(arn)
	c.render(w, http.StatusOK, "execution", map[string]any{
		"Title": rec.Name, "Rec": rec, "Input": pretty(rec.Input), "Output": pretty(rec.Output),
		"Steps": bars(steps, rec.StartDate, end), "Events": rows(events, rec.StartDate), "End": end,
		"MapRuns": runs, "MapRun": mapRunOf, "Parent": c.svc.MapRunParent(mapRunOf),
		"Running": rec.Status == sfnapi.StatusRunning,
	})
}

// bar is a timeline row with its position on the execution's time axis,
// in percent.
type bar struct {
	Step
	Offset, Duration time.Duration
	Left, Width      string
}

func bars(steps []Step, start, end time.Time) []bar {
	total := end.Sub(start)
	out := make([]bar, len(steps))
	for i, s := range steps {
		b := bar{Step: s, Offset: s.Entered.Sub(start), Duration: s.Duration(end)}
		left, width := 0.0, 100.0
		if total > 0 {
			left = 100 * float64(b.Offset) / float64(total)
			width = 100 * float64(b.Duration) / float64(total)
		}
		// A zero-length state still gets a visible mark.
		width = max(width, 0.5)
		left = min(max(left, 0), 99.5)
		width = min(width, 100-left)
		b.Left, b.Width = strconv.FormatFloat(left, 'f', 2, 64), strconv.FormatFloat(width, 'f', 2, 64)
		out[i] = b
	}
	return out
}

type eventRow struct {
	asl.HistoryEvent
	Offset  time.Duration
	Details string
}

func rows(events []asl.HistoryEvent, start time.Time) []eventRow {
	out := make([]eventRow, len(events))
	for i, e := range events {
		d := ""
		if len(e.Details) > 0 {
			b, _ := json.Marshal(e.Details)
			d = string(b)
		}
		out[i] = eventRow{HistoryEvent: e, Offset: e.Timestamp.Sub(start), Details: d}
	}
	return out
}

// pretty indents a JSON document for reading; anything else is shown as is.
func pretty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

func (c *consoleHandler) notFound(w http.ResponseWriter, msg string) {
	c.render(w, http.StatusNotFound, "notfound", map[string]any{"Title": "Not found", "Message": msg})
}

func (c *consoleHandler) render(w http.ResponseWriter, status int, page string, data map[string]any) {
	var b bytes.Buffer
	if err := pages[page].ExecuteTemplate(&b, "layout", data); err != nil {
		http.Error(w, "console: render "+page+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

var funcs = template.FuncMap{
	"since": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05.000")
	},
	"dur": formatDuration,
	"between": func(a, b time.Time) string {
		if a.IsZero() || b.IsZero() {
			return ""
		}
		return formatDuration(b.Sub(a))
	},
	"lower": strings.ToLower,
	"cls": func(status string) string {
		return strings.ToLower(strings.ReplaceAll(status, " ", "_"))
	},
	"indent": func(depth int) string { return strconv.Itoa(depth * 16) },
	"count":  func(m map[string]int, k string) int { return m[k] },
}

// formatDuration rounds to what a reader compares: ms below a minute.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < 0:
		return "-" + formatDuration(-d)
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Minute:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

var pages = func() map[string]*template.Template {
	base := template.Must(template.New("layout").Funcs(funcs).Parse(layoutHTML))
	out := map[string]*template.Template{}
	for name, body := range map[string]string{"index": indexHTML, "machine": machineHTML, "execution": executionHTML, "notfound": notFoundHTML} {
		out[name] = template.Must(template.Must(base.Clone()).Parse(body))
	}
	return out
}()
