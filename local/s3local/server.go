package s3local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/versity/versitygw/auth"
	"github.com/versity/versitygw/backend/meta"
	"github.com/versity/versitygw/backend/posix"
	"github.com/versity/versitygw/embedgw"
)

// Defaults of Config. The credentials are fixed so that a CLI, a test and a
// human with the aws CLI can all reach a local endpoint without setup; they
// protect nothing beyond the loopback interface the endpoint binds to.
const (
	DefaultAddr      = "127.0.0.1:0"
	DefaultRegion    = "us-east-1"
	DefaultAccount   = "000000000000"
	DefaultAccessKey = "imgprep"
	DefaultSecretKey = "imgprep-local-secret"
)

// DefaultBuckets are created at Start when Config.Buckets is nil.
var DefaultBuckets = []string{"imgprep-input", "imgprep-output", "imgprep-scratch"}

// copyObjectThreshold is S3's own limit for a single CopyObject (5 GiB).
// versitygw's posix backend rejects every copy when it is left at 0.
const copyObjectThreshold = 5 << 30

// Config configures the embedded endpoint. Zero fields take the defaults above.
type Config struct {
	// Dir holds everything: objects/<bucket>/<key> (plain files),
	// meta/ (versitygw's sidecar metadata, only where the filesystem lacks
	// user xattrs) and outbox/ (undelivered or
	// unacknowledged events). Required.
	Dir string
	// Addr is host:port to listen on; the host must be a loopback address.
	// Port 0 picks a free port.
	Addr      string
	Region    string
	Account   string // 12 digits; the bucket owner and requester in events
	AccessKey string
	SecretKey string
	// Buckets are created at Start if missing. Nil means DefaultBuckets.
	Buckets []string
	// EventBuckets are the buckets whose writes emit events. Nil means all
	// buckets; an empty non-nil slice means none.
	EventBuckets []string
	// sidecar forces sidecar metadata, so tests cover that path on
	// filesystems that have xattrs.
	sidecar bool
	// Logger receives start-up and event-emission logs. Nil means slog.Default().
	Logger *slog.Logger
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Account == "" {
		c.Account = DefaultAccount
	}
	if c.AccessKey == "" {
		c.AccessKey = DefaultAccessKey
	}
	if c.SecretKey == "" {
		c.SecretKey = DefaultSecretKey
	}
	if c.Buckets == nil {
		c.Buckets = append([]string(nil), DefaultBuckets...)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports the first problem with a Config after defaults are applied.
func (c Config) Validate() error {
	if c.Dir == "" {
		return errors.New("s3local: config: Dir is required")
	}
	if !accountRE.MatchString(c.Account) {
		return fmt.Errorf("s3local: config: Account %q is not 12 digits", c.Account)
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("s3local: config: Addr %q: %w", c.Addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("s3local: config: Addr %q: host must be a loopback IP address", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("s3local: config: Addr %q: bad port", c.Addr)
	}
	return nil
}

// Delivery is one event handed to the consumer. ID is the event's "id" field;
// pass it to Server.Ack once the event is fully handled.
type Delivery struct {
	ID    string
	Event []byte // the EventBridge JSON document
}

// Server is a running endpoint. Only one may run per process at a time:
// versitygw keeps package-level state and its posix backend changes the
// process's working directory.
type Server struct {
	cfg      Config
	root     string // absolute objects directory
	prevWD   string // working directory before posix.New changed it
	endpoint string
	outbox   *outbox
	cancel   context.CancelFunc
	done     chan error
	closeOne sync.Once
	closeErr error
}

var running atomic.Bool

// ErrAlreadyRunning is returned by Start while another Server of this process
// is open.
var ErrAlreadyRunning = errors.New("s3local: an endpoint is already running in this process")

// Start creates the directories and buckets, loads the outbox (so events not
// acknowledged before the last Close or crash are delivered again), and serves
// the S3 API until Close or until ctx is done.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !running.CompareAndSwap(false, true) {
		return nil, ErrAlreadyRunning
	}
	s, err := start(ctx, cfg)
	if err != nil {
		running.Store(false)
		return nil, err
	}
	return s, nil
}

func start(ctx context.Context, cfg Config) (*Server, error) {
	// Absolute first: posix.New calls os.Chdir, after which a relative Dir
	// would mean something else.
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("s3local: start: %w", err)
	}
	cfg.Dir = dir
	prevWD, _ := os.Getwd()
	root := filepath.Join(dir, "objects")
	metaDir := filepath.Join(dir, "meta")
	outDir := filepath.Join(dir, "outbox")
	for _, d := range []string{root, metaDir, outDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("s3local: start: %w", err)
		}
	}

	addr, err := resolveAddr(cfg.Addr)
	if err != nil {
		return nil, err
	}

	ob, err := openOutbox(outDir, cfg.Logger)
	if err != nil {
		return nil, err
	}

	// Object metadata goes into user xattrs, versitygw's default. Where the
	// filesystem has none (tmpfs before Linux 6.6), sidecar files under
	// Dir/meta take their place; posix.New then prints a line to stdout.
	var store meta.MetadataStorer = meta.XattrMeta{}
	opts := posix.PosixOpts{
		CopyObjectThreshold: copyObjectThreshold,
		ValidateBucketNames: true,
	}
	if err := (meta.XattrMeta{}).Test(root); err != nil || cfg.sidecar {
		sc, err := meta.NewSideCar(metaDir)
		if err != nil {
			return nil, fmt.Errorf("s3local: start: sidecar: %w", err)
		}
		store, opts.SideCarDir = sc, metaDir
	}
	p, err := posix.New(root, store, opts)
	if err != nil {
		return nil, fmt.Errorf("s3local: start: posix backend: %w", err)
	}

	s := &Server{cfg: cfg, root: root, prevWD: prevWD, endpoint: "http://" + addr, outbox: ob, done: make(chan error, 1)}

	if err := createBuckets(ctx, p, cfg); err != nil {
		p.Shutdown()
		ob.close()
		s.restoreWD()
		return nil, err
	}

	be := &eventBackend{Backend: p, s: s}
	gwCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	gwCfg := &embedgw.Config{
		RootUserAccess:    cfg.AccessKey,
		RootUserSecret:    cfg.SecretKey,
		Region:            cfg.Region,
		Ports:             []string{addr},
		MaxConnections:    250,
		MaxRequests:       100,
		MultipartMaxParts: 10000,
		Quiet:             true,
		KeepAlive:         true,
		DisableACLs:       true,
		// Given explicitly so that auth.New does not print its
		// single-account notice to stdout.
		IAMService: auth.NewIAMServiceSingle(auth.Account{
			Access: cfg.AccessKey, Secret: cfg.SecretKey, Role: auth.RoleAdmin,
		}),
	}
	go func() { s.done <- embedgw.RunVersityGW(gwCtx, be, gwCfg) }()

	if err := waitReady(addr, s.done); err != nil {
		cancel()
		ob.close()
		s.restoreWD()
		return nil, err
	}
	ob.startPump()
	cfg.Logger.Info("s3local: serving", "endpoint", s.endpoint, "dir", dir, "pending_events", ob.pendingCount())

	if ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				_ = s.Close()
			case <-ob.closed:
			}
		}()
	}
	return s, nil
}

// resolveAddr turns port 0 into a free port, because versitygw takes an
// address to listen on, not a listener.
func resolveAddr(addr string) (string, error) {
	host, port, _ := net.SplitHostPort(addr)
	if port != "0" {
		return addr, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("s3local: pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitReady(addr string, done <-chan error) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-done:
			return fmt.Errorf("s3local: gateway stopped at start: %w", err)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("s3local: gateway not listening on %s after 10s: %w", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func createBuckets(ctx context.Context, p *posix.Posix, cfg Config) error {
	acl, err := auth.UpdateACL(&auth.PutBucketAclInput{
		ACL:                 types.BucketCannedACLPrivate,
		AccessControlPolicy: &auth.AccessControlPolicy{Owner: &types.Owner{ID: &cfg.AccessKey}},
	}, auth.ACL{Owner: cfg.AccessKey}, nil)
	if err != nil {
		return fmt.Errorf("s3local: bucket acl: %w", err)
	}
	// The posix backend reads the owner from this request-local value, as
	// versitygw's own CreateBucket handler sets it.
	ctx = context.WithValue(ctx, "bucket-owner", auth.Account{Access: cfg.AccessKey, Role: auth.RoleAdmin})
	for _, b := range cfg.Buckets {
		if _, err := p.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &b}); err == nil {
			continue
		}
		err := p.CreateBucket(ctx, &s3.CreateBucketInput{
			Bucket:                    &b,
			ObjectOwnership:           types.ObjectOwnershipBucketOwnerEnforced,
			CreateBucketConfiguration: &types.CreateBucketConfiguration{},
		}, acl)
		if err != nil {
			return fmt.Errorf("s3local: create bucket %s: %w", b, err)
		}
	}
	return nil
}

// Endpoint is the base URL for S3 clients, e.g. "http://127.0.0.1:40123".
// Clients must use path-style addressing.
func (s *Server) Endpoint() string { return s.endpoint }

// Region is the region clients must sign for.
func (s *Server) Region() string { return s.cfg.Region }

// Credentials returns the access key and secret key the endpoint accepts.
func (s *Server) Credentials() (accessKey, secretKey string) {
	return s.cfg.AccessKey, s.cfg.SecretKey
}

// S3Options are aws-sdk-go-v2 S3 client options for this endpoint: region,
// base endpoint, path-style addressing and the static credentials. Use as
// s3.New(srv.S3Options()).
func (s *Server) S3Options() s3.Options {
	return s3.Options{
		Region:       s.cfg.Region,
		BaseEndpoint: aws.String(s.endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.cfg.AccessKey, s.cfg.SecretKey, ""),
	}
}

// Pending is the number of events written and not yet acknowledged.
func (s *Server) Pending() int { return s.outbox.pendingCount() }

// Dir is the absolute data directory.
func (s *Server) Dir() string { return s.cfg.Dir }

// Events delivers each "Object Created" event at least once: events found in
// the outbox at Start first, then new ones in the order they were written.
// The channel is closed by Close.
func (s *Server) Events() <-chan Delivery { return s.outbox.out }

// Ack marks an event as fully handled: it is removed from the outbox and not
// delivered again after a restart. An event redelivered at Start may be acked
// by ID before it arrives; it then is not delivered, unless it was already
// being handed over. Acking an ID that is not pending returns
// an error wrapping ErrUnknownEvent.
func (s *Server) Ack(id string) error { return s.outbox.ack(id) }

// Redeliver queues a pending (unacknowledged) event for delivery again, for a
// consumer whose handling failed and that wants to retry without a restart,
// as EventBridge retries a failed target. It returns an error wrapping
// ErrUnknownEvent for an ID that is not pending.
func (s *Server) Redeliver(id string) error { return s.outbox.redeliver(id) }

// ObjectPath is the plain file that holds an object. The path exists only
// when the object does.
func (s *Server) ObjectPath(bucket, key string) string {
	return filepath.Join(s.root, bucket, filepath.FromSlash(key))
}

// Close stops serving, waits for the gateway to shut down and closes the
// Events channel. Unacknowledged events stay in the outbox for the next Start.
func (s *Server) Close() error {
	s.closeOne.Do(func() {
		s.cancel()
		select {
		case err := <-s.done:
			if err != nil && !errors.Is(err, context.Canceled) {
				s.closeErr = fmt.Errorf("s3local: gateway: %w", err)
			}
		case <-time.After(30 * time.Second):
			s.closeErr = errors.New("s3local: gateway did not stop within 30s")
		}
		s.outbox.close()
		s.restoreWD()
		running.Store(false)
	})
	return s.closeErr
}

// restoreWD undoes posix.New's os.Chdir once the backend no longer needs it.
func (s *Server) restoreWD() {
	if s.prevWD != "" {
		_ = os.Chdir(s.prevWD)
	}
}
