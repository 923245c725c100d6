package s3local

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrUnknownEvent is returned by Ack for an ID that is not pending.
var ErrUnknownEvent = errors.New("s3local: unknown or already acknowledged event")

// outbox keeps every emitted event as one file, <sequencer>-<id>.json, until
// it is acknowledged. The sequencer prefix makes a directory listing the
// emission order.
type outbox struct {
	dir string
	log *slog.Logger

	mu      sync.Mutex
	pending map[string]string // id -> file name, written and not acked
	queue   []Delivery        // written, not yet handed to the consumer
	lastSeq uint64
	wake    chan struct{}

	out       chan Delivery
	closed    chan struct{}
	pumpDone  chan struct{}
	closeOnce sync.Once
	pumping   bool
}

func openOutbox(dir string, log *slog.Logger) (*outbox, error) {
	ob := &outbox{
		dir:      dir,
		log:      log,
		pending:  map[string]string{},
		wake:     make(chan struct{}, 1),
		out:      make(chan Delivery),
		closed:   make(chan struct{}),
		pumpDone: make(chan struct{}),
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("s3local: outbox: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".tmp-") {
			// A write that crashed before its rename was never acknowledged
			// to the client: the client saw an error and retries.
			_ = os.Remove(filepath.Join(dir, name))
			continue
		}
		if strings.HasSuffix(name, ".json") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		seqHex, rest, ok := strings.Cut(strings.TrimSuffix(name, ".json"), "-")
		if !ok {
			log.Warn("s3local: outbox: ignoring odd file", "file", name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("s3local: outbox: %w", err)
		}
		if seq, err := strconv.ParseUint(seqHex, 16, 64); err == nil && seq > ob.lastSeq {
			ob.lastSeq = seq
		}
		ob.pending[rest] = name
		ob.queue = append(ob.queue, Delivery{ID: rest, Event: data})
	}
	return ob, nil
}

// nextSequencer returns a sequencer larger than every earlier one, also
// across restarts (it starts from the wall clock and from the outbox).
func (ob *outbox) nextSequencer() string {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	seq := uint64(time.Now().UnixNano())
	if seq <= ob.lastSeq {
		seq = ob.lastSeq + 1
	}
	ob.lastSeq = seq
	return fmt.Sprintf("%016X", seq)
}

// put makes the event durable, then queues it for delivery. It returns only
// after the file and its directory entry are on disk, so an acknowledged
// upload cannot lose its event.
func (ob *outbox) put(seq, id string, event []byte) error {
	name := seq + "-" + id + ".json"
	tmp := filepath.Join(ob.dir, ".tmp-"+name)
	if err := writeFileSync(tmp, event); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("s3local: outbox: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ob.dir, name)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("s3local: outbox: %w", err)
	}
	if err := syncDir(ob.dir); err != nil {
		return fmt.Errorf("s3local: outbox: %w", err)
	}
	ob.mu.Lock()
	ob.pending[id] = name
	ob.queue = append(ob.queue, Delivery{ID: id, Event: event})
	ob.mu.Unlock()
	select {
	case ob.wake <- struct{}{}:
	default:
	}
	return nil
}

func (ob *outbox) ack(id string) error {
	ob.mu.Lock()
	name, ok := ob.pending[id]
	if ok {
		delete(ob.pending, id)
		// An ID known from an earlier run may be acked before its
		// redelivery: drop it from the queue too.
		ob.queue = slices.DeleteFunc(ob.queue, func(d Delivery) bool { return d.ID == id })
	}
	ob.mu.Unlock()
	if !ok {
		return fmt.Errorf("ack %q: %w", id, ErrUnknownEvent)
	}
	// A lost removal (crash before the directory is synced) only means one
	// more delivery, which at-least-once allows; no directory sync here.
	if err := os.Remove(filepath.Join(ob.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("s3local: ack %q: %w", id, err)
	}
	return nil
}

// redeliver queues a pending event again, read back from its file.
func (ob *outbox) redeliver(id string) error {
	ob.mu.Lock()
	name, ok := ob.pending[id]
	ob.mu.Unlock()
	if !ok {
		return fmt.Errorf("redeliver %q: %w", id, ErrUnknownEvent)
	}
	data, err := os.ReadFile(filepath.Join(ob.dir, name))
	if err != nil {
		return fmt.Errorf("s3local: redeliver %q: %w", id, err)
	}
	ob.mu.Lock()
	ob.queue = append(ob.queue, Delivery{ID: id, Event: data})
	ob.mu.Unlock()
	select {
	case ob.wake <- struct{}{}:
	default:
	}
	return nil
}

func (ob *outbox) pendingCount() int {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	return len(ob.pending)
}

func (ob *outbox) startPump() {
	ob.pumping = true
	go ob.pump()
}

// pump hands queued events to the consumer one at a time, so a slow consumer
// never blocks an S3 request.
func (ob *outbox) pump() {
	defer close(ob.pumpDone)
	for {
		ob.mu.Lock()
		var d Delivery
		have := len(ob.queue) > 0
		if have {
			d = ob.queue[0]
		}
		ob.mu.Unlock()
		if !have {
			select {
			case <-ob.wake:
				continue
			case <-ob.closed:
				return
			}
		}
		select {
		case ob.out <- d:
			ob.mu.Lock()
			if len(ob.queue) > 0 && ob.queue[0].ID == d.ID {
				ob.queue = ob.queue[1:]
			} else { // acked while being handed over
				ob.queue = slices.DeleteFunc(ob.queue, func(q Delivery) bool { return q.ID == d.ID })
			}
			ob.mu.Unlock()
		case <-ob.closed:
			return
		}
	}
}

func (ob *outbox) close() {
	ob.closeOnce.Do(func() {
		close(ob.closed)
		if ob.pumping {
			<-ob.pumpDone
		}
		close(ob.out)
	})
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncFile flushes an object the backend just wrote, and the directory that
// names it, so the data behind an acknowledged upload survives a power loss
// too, not only a crash of this process.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}
