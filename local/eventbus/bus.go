package eventbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// Target receives an event that matched its rule. The event bytes are shared
// with every other target of the same Put and must not be modified.
type Target func(ctx context.Context, event []byte) error

// ErrInvalidRule is returned by PutRule for a bad rule name or a nil target.
var ErrInvalidRule = errors.New("eventbus: invalid rule")

// TargetError is a target's failure, named by its rule. Bus.Put joins one
// per failing target.
type TargetError struct {
	Rule string
	Err  error
}

func (e *TargetError) Error() string { return fmt.Sprintf("eventbus: rule %s: %v", e.Rule, e.Err) }

func (e *TargetError) Unwrap() error { return e.Err }

type rule struct {
	name    string
	pattern *Pattern
	target  Target
}

// Bus routes events to the targets of the rules whose patterns match them.
// It is safe for concurrent use; rules may change while events are put.
type Bus struct {
	logger *slog.Logger

	mu    sync.RWMutex
	rules []*rule // in the order they were first put; Put calls targets in this order
}

// NewBus returns an empty bus. A nil logger discards logs.
func NewBus(logger *slog.Logger) *Bus {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bus{logger: logger}
}

// PutRule creates a rule or, as EventBridge's PutRule does, replaces the
// pattern and target of the rule with that name (keeping its place in the
// order). Names follow EventBridge's rule-name form: 1 to 64 of
// [A-Za-z0-9._-].
func (b *Bus) PutRule(name string, pattern []byte, target Target) error {
	if err := checkRuleName(name); err != nil {
		return err
	}
	if target == nil {
		return fmt.Errorf("%w: rule %s has no target", ErrInvalidRule, name)
	}
	p, err := Compile(pattern)
	if err != nil {
		return fmt.Errorf("eventbus: rule %s: %w", name, err)
	}
	r := &rule{name: name, pattern: p, target: target}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, old := range b.rules {
		if old.name == name {
			b.rules[i] = r
			return nil
		}
	}
	b.rules = append(b.rules, r)
	return nil
}

// DeleteRule removes a rule and reports whether it existed.
func (b *Bus) DeleteRule(name string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, r := range b.rules {
		if r.name == name {
			b.rules = append(b.rules[:i:i], b.rules[i+1:]...)
			return true
		}
	}
	return false
}

// Rules returns the rule names in order.
func (b *Bus) Rules() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	names := make([]string, len(b.rules))
	for i, r := range b.rules {
		names[i] = r.name
	}
	return names
}

// Put matches the event against every rule and calls each matching rule's
// target, one after another in the caller's goroutine, so a caller that
// needs the targets done (an S3 write that must not lose its event) knows
// they are when Put returns. matched counts the matching rules. Every target
// failure, panics and a done context included, comes back in err as a
// *TargetError joined with errors.Join; the other targets still run.
func (b *Bus) Put(ctx context.Context, event []byte) (matched int, err error) {
	m, err := decodeEvent(event)
	if err != nil {
		return 0, err
	}
	// A copy of the rule list lets targets call PutRule without deadlock.
	b.mu.RLock()
	rules := make([]*rule, len(b.rules))
	copy(rules, b.rules)
	b.mu.RUnlock()

	var errs []error
	for _, r := range rules {
		if !r.pattern.MatchValue(m) {
			continue
		}
		matched++
		if err := ctx.Err(); err != nil {
			errs = append(errs, &TargetError{Rule: r.name, Err: err})
			continue
		}
		if err := callTarget(ctx, r.target, event); err != nil {
			b.logger.WarnContext(ctx, "eventbus: target failed", "rule", r.name, "err", err)
			errs = append(errs, &TargetError{Rule: r.name, Err: err})
			continue
		}
		b.logger.DebugContext(ctx, "eventbus: delivered", "rule", r.name)
	}
	return matched, errors.Join(errs...)
}

// callTarget turns a target's panic into an error, so one broken target
// neither takes the process down nor keeps the others from their events.
func callTarget(ctx context.Context, t Target, event []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("target panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return t(ctx, event)
}

func checkRuleName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%w: rule name %q must be 1 to 64 characters", ErrInvalidRule, name)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
		if !ok {
			return fmt.Errorf("%w: rule name %q may hold only letters, digits, '.', '-' and '_'", ErrInvalidRule, name)
		}
	}
	return nil
}
