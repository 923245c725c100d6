package eventbus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// recorder is a target that remembers the events it got.
type recorder struct {
	mu     sync.Mutex
	events []string
	err    error
}

func (r *recorder) target(_ context.Context, event []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, string(event))
	return r.err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func TestBusPutCallsMatchingTargets(t *testing.T) {
	bus := NewBus(nil)
	ingest, deleted, all := &recorder{}, &recorder{}, &recorder{}
	mustPutRule(t, bus, "ingest", s3Pattern, ingest.target)
	mustPutRule(t, bus, "deleted", `{"detail-type":["Object Deleted"]}`, deleted.target)
	mustPutRule(t, bus, "all-s3", `{"source":["aws.s3"]}`, all.target)

	matched, err := bus.Put(context.Background(), []byte(s3Event))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if matched != 2 {
		t.Errorf("Put matched got %d, want 2", matched)
	}
	for _, tc := range []struct {
		name string
		r    *recorder
		want int
	}{{"ingest", ingest, 1}, {"deleted", deleted, 0}, {"all-s3", all, 1}} {
		if got := tc.r.count(); got != tc.want {
			t.Errorf("rule %s got %d events, want %d", tc.name, got, tc.want)
		}
	}
	if got := ingest.events[0]; got != s3Event {
		t.Errorf("ingest target got event %q, want the event put", got)
	}
}

func TestBusPutNoMatch(t *testing.T) {
	bus := NewBus(nil)
	r := &recorder{}
	mustPutRule(t, bus, "ingest", s3Pattern, r.target)
	matched, err := bus.Put(context.Background(), []byte(ec2Event))
	if matched != 0 || err != nil || r.count() != 0 {
		t.Errorf("Put(ec2 event) got (%d, %v) and %d calls, want (0, nil) and 0 calls", matched, err, r.count())
	}
}

func TestBusPutJoinsTargetErrors(t *testing.T) {
	bus := NewBus(slog.New(slog.DiscardHandler))
	errThrottled := errors.New("throttled")
	errDenied := errors.New("access denied")
	ok := &recorder{}
	mustPutRule(t, bus, "start-execution", s3Pattern, (&recorder{err: errThrottled}).target)
	mustPutRule(t, bus, "audit", `{"source":["aws.s3"]}`, ok.target)
	mustPutRule(t, bus, "mirror", `{"source":["aws.s3"]}`, (&recorder{err: errDenied}).target)

	matched, err := bus.Put(context.Background(), []byte(s3Event))
	if matched != 3 {
		t.Errorf("Put matched got %d, want 3", matched)
	}
	if !errors.Is(err, errThrottled) || !errors.Is(err, errDenied) {
		t.Fatalf("Put error got %v, want both target errors", err)
	}
	if ok.count() != 1 {
		t.Errorf("audit target got %d events, want 1 despite the failure before it", ok.count())
	}
	var te *TargetError
	if !errors.As(err, &te) || te.Rule != "start-execution" {
		t.Errorf("errors.As TargetError got %+v, want rule start-execution first", te)
	}
	for _, name := range []string{"start-execution", "mirror"} {
		if !strings.Contains(err.Error(), "rule "+name+":") {
			t.Errorf("Put error %q does not name rule %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "audit") {
		t.Errorf("Put error %q names the rule that succeeded", err)
	}
}

func TestBusPutRecoversTargetPanic(t *testing.T) {
	bus := NewBus(nil)
	after := &recorder{}
	mustPutRule(t, bus, "broken", s3Pattern, func(context.Context, []byte) error { panic("nil map") })
	mustPutRule(t, bus, "after", s3Pattern, after.target)
	matched, err := bus.Put(context.Background(), []byte(s3Event))
	if matched != 2 || err == nil || !strings.Contains(err.Error(), "rule broken: target panicked: nil map") {
		t.Errorf("Put got (%d, %v), want (2, the panic of rule broken)", matched, err)
	}
	if after.count() != 1 {
		t.Errorf("target after the panic got %d events, want 1", after.count())
	}
}

func TestBusPutCanceledContext(t *testing.T) {
	bus := NewBus(nil)
	r := &recorder{}
	mustPutRule(t, bus, "ingest", s3Pattern, r.target)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	matched, err := bus.Put(ctx, []byte(s3Event))
	if matched != 1 || !errors.Is(err, context.Canceled) || r.count() != 0 {
		t.Errorf("Put(canceled) got (%d, %v) and %d calls, want (1, context.Canceled) and 0 calls", matched, err, r.count())
	}
}

func TestBusPutRejectsNonObject(t *testing.T) {
	bus := NewBus(nil)
	mustPutRule(t, bus, "ingest", s3Pattern, (&recorder{}).target)
	matched, err := bus.Put(context.Background(), []byte(`[1,2]`))
	if matched != 0 || !errors.Is(err, ErrEventNotObject) {
		t.Errorf("Put([1,2]) got (%d, %v), want (0, ErrEventNotObject)", matched, err)
	}
}

func TestBusPutRuleReplacesAndDeletes(t *testing.T) {
	bus := NewBus(nil)
	first, second := &recorder{}, &recorder{}
	mustPutRule(t, bus, "a", s3Pattern, first.target)
	mustPutRule(t, bus, "b", `{"source":["aws.s3"]}`, first.target)
	mustPutRule(t, bus, "a", `{"source":["aws.s3"]}`, second.target)
	if got, want := fmt.Sprint(bus.Rules()), "[a b]"; got != want {
		t.Errorf("Rules() got %s, want %s", got, want)
	}
	if _, err := bus.Put(context.Background(), []byte(s3Event)); err != nil {
		t.Fatal(err)
	}
	if first.count() != 1 || second.count() != 1 {
		t.Errorf("after replacing rule a: first target got %d, second %d events, want 1 and 1", first.count(), second.count())
	}
	if !bus.DeleteRule("a") || bus.DeleteRule("a") {
		t.Errorf("DeleteRule(a) twice got a different answer than true, false")
	}
	if got, want := fmt.Sprint(bus.Rules()), "[b]"; got != want {
		t.Errorf("Rules() after delete got %s, want %s", got, want)
	}
}

func TestBusPutRuleErrors(t *testing.T) {
	bus := NewBus(nil)
	target := (&recorder{}).target
	for _, tc := range []struct {
		name, rule, pattern string
		target              Target
		want                error
	}{
		{"empty name", "", s3Pattern, target, ErrInvalidRule},
		{"name with space", "my rule", s3Pattern, target, ErrInvalidRule},
		{"name too long", strings.Repeat("r", 65), s3Pattern, target, ErrInvalidRule},
		{"nil target", "ingest", s3Pattern, nil, ErrInvalidRule},
		{"bad pattern", "ingest", `{"source":[{"prefx":"aws."}]}`, target, ErrUnknownOperator},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := bus.PutRule(tc.rule, []byte(tc.pattern), tc.target)
			if !errors.Is(err, tc.want) {
				t.Errorf("PutRule(%q) got %v, want %v", tc.rule, err, tc.want)
			}
		})
	}
	if got := len(bus.Rules()); got != 0 {
		t.Errorf("after failed PutRule calls got %d rules, want 0", got)
	}
	if err := bus.PutRule(strings.Repeat("r", 64)+"", []byte(s3Pattern), target); err != nil {
		t.Errorf("PutRule(64-character name) got %v, want nil", err)
	}
}

// TestBusConcurrent puts events while rules change; run with -race.
func TestBusConcurrent(t *testing.T) {
	bus := NewBus(nil)
	var calls atomic.Int64
	target := func(context.Context, []byte) error { calls.Add(1); return nil }
	mustPutRule(t, bus, "ingest", s3Pattern, target)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				if w == 0 && i%10 == 0 {
					_ = bus.PutRule(fmt.Sprintf("extra-%d", i), []byte(s3Pattern), target)
					bus.DeleteRule(fmt.Sprintf("extra-%d", i-10))
				}
				if _, err := bus.Put(context.Background(), []byte(s3Event)); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := calls.Load(); got < 800 {
		t.Errorf("targets called %d times, want at least 800 (one per Put for rule ingest)", got)
	}
}

// TestBusTargetMayPutRule checks that a target can change rules during Put
// without deadlocking.
func TestBusTargetMayPutRule(t *testing.T) {
	bus := NewBus(nil)
	late := &recorder{}
	mustPutRule(t, bus, "installer", s3Pattern, func(context.Context, []byte) error {
		return bus.PutRule("late", []byte(s3Pattern), late.target)
	})
	if _, err := bus.Put(context.Background(), []byte(s3Event)); err != nil {
		t.Fatal(err)
	}
	if late.count() != 0 {
		t.Errorf("rule added during Put got %d events from that Put, want 0", late.count())
	}
	if _, err := bus.Put(context.Background(), []byte(s3Event)); err != nil {
		t.Fatal(err)
	}
	if late.count() != 1 {
		t.Errorf("rule added during Put got %d events from the next Put, want 1", late.count())
	}
}

func TestBusLogsTargetFailure(t *testing.T) {
	var buf bytes.Buffer
	bus := NewBus(slog.New(slog.NewTextHandler(&buf, nil)))
	mustPutRule(t, bus, "ingest", s3Pattern, func(context.Context, []byte) error { return errors.New("boom") })
	_, _ = bus.Put(context.Background(), []byte(s3Event))
	if got := buf.String(); !strings.Contains(got, "rule=ingest") || !strings.Contains(got, "err=boom") {
		t.Errorf("log got %q, want rule=ingest and err=boom", got)
	}
}

func mustPutRule(t *testing.T, bus *Bus, name, pattern string, target Target) {
	t.Helper()
	if err := bus.PutRule(name, []byte(pattern), target); err != nil {
		t.Fatalf("PutRule(%s): %v", name, err)
	}
}
