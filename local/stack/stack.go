package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/local/console"
	"github.com/imgprep/imgprep/local/eventbus"
	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/lambdalocal"
	"github.com/imgprep/imgprep/local/s3local"
	"github.com/imgprep/imgprep/local/sfnapi"
	"github.com/imgprep/imgprep/statemachine"
	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/tasks"
)

// Defaults of the embedded stack.
const (
	DefaultRegion        = "us-east-1"
	DefaultAccount       = "000000000000"
	DefaultAccessKey     = "imgprep"
	DefaultSecretKey     = "imgprep-local-secret"
	DefaultInputBucket   = "imgprep-input"
	DefaultOutputBucket  = "imgprep-output"
	DefaultScratchBucket = "imgprep-scratch"
	IngestMachineName    = "imgprep-ingest"
	ReprocessMachineName = "imgprep-reprocess"
)

// Config configures the stack; zero fields take the defaults above.
type Config struct {
	DataDir              string // required; made absolute
	Addr                 string // S3 endpoint, default 127.0.0.1:0
	APIAddr              string // sfn-compatible API and console, default 127.0.0.1:0
	Region, Account      string
	AccessKey, SecretKey string
	InputBucket          string
	OutputBucket         string
	ScratchBucket        string
	KeyPrefix            string       // only keys under it start the workflow
	Params               tasks.Params // processing defaults
	Limits               tasks.Limits
	Workers              int // executions at once, default 4
	Logger               *slog.Logger
}

func (c *Config) defaults() error {
	if c.DataDir == "" {
		return errors.New("stack: no data directory")
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return fmt.Errorf("stack: data directory: %w", err)
	}
	c.DataDir = abs
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	set(&c.Addr, "127.0.0.1:0")
	set(&c.APIAddr, "127.0.0.1:0")
	set(&c.Region, DefaultRegion)
	set(&c.Account, DefaultAccount)
	set(&c.AccessKey, DefaultAccessKey)
	set(&c.SecretKey, DefaultSecretKey)
	set(&c.InputBucket, DefaultInputBucket)
	set(&c.OutputBucket, DefaultOutputBucket)
	set(&c.ScratchBucket, DefaultScratchBucket)
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Stack is the running embedded default.
type Stack struct {
	cfg          Config
	s3srv        *s3local.Server
	client       *s3.Client
	transport    *http.Transport
	bus          *eventbus.Bus
	engine       *asl.Engine
	svc          *sfnapi.Service
	ingestARN    string
	reprocessARN string
	store        *execstore.Store
	api          *http.Server
	apiURL       string
	log          *slog.Logger

	mu   sync.Mutex
	subs []func(execstore.Record)

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start brings the stack up and begins delivering events, including any
// left unacknowledged by an earlier run on the same data directory.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	s := &Stack{cfg: cfg, log: cfg.Logger}
	hcfg := tasks.DefaultConfig(cfg.OutputBucket, cfg.ScratchBucket)
	hcfg.Defaults = cfg.Params.WithDefaults(hcfg.Defaults)
	hcfg.Limits = cfg.Limits
	if err := hcfg.Validate(); err != nil {
		return nil, err
	}

	store, err := execstore.Open(filepath.Join(cfg.DataDir, "executions"))
	if err != nil {
		return nil, err
	}
	s.store = store

	srv, err := s3local.Start(ctx, s3local.Config{
		Dir:          filepath.Join(cfg.DataDir, "s3"),
		Addr:         cfg.Addr,
		Region:       cfg.Region,
		Account:      cfg.Account,
		AccessKey:    cfg.AccessKey,
		SecretKey:    cfg.SecretKey,
		Buckets:      []string{cfg.InputBucket, cfg.OutputBucket, cfg.ScratchBucket},
		EventBuckets: []string{cfg.InputBucket},
		Logger:       cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("stack: s3 endpoint: %w", err)
	}
	s.s3srv = srv
	s.transport = http.DefaultTransport.(*http.Transport).Clone()
	s.transport.MaxIdleConnsPerHost = 32
	s.client = NewS3Client(srv.Endpoint(), cfg.Region, cfg.AccessKey, cfg.SecretKey, &http.Client{Transport: s.transport})

	handlers, err := tasks.New(s.client, hcfg, cfg.Logger)
	if err != nil {
		srv.Close()
		return nil, err
	}
	invoker := lambdalocal.New()
	for _, f := range statemachine.Functions {
		fn, _ := handlers.ByName(f.Handler)
		invoker.Register(statemachine.LocalFunctionARN(cfg.Region, cfg.Account, f.Handler), fn, 0)
	}
	s.engine = &asl.Engine{Lambda: invoker, S3: s3Reader{s.client}, Region: cfg.Region, Account: cfg.Account}

	s.svc = sfnapi.NewService(s.engine, store, cfg.Logger)
	s.svc.OnEnd(s.notify)
	subs := statemachine.LocalSubstitutions(cfg.Region, cfg.Account, cfg.OutputBucket)
	role := fmt.Sprintf("arn:aws:iam::%s:role/imgprep-local", cfg.Account)
	for _, m := range []struct {
		name, typ string
		def       []byte
		arn       *string
	}{
		{IngestMachineName, "EXPRESS", statemachine.Ingest, &s.ingestARN},
		{ReprocessMachineName, "STANDARD", statemachine.Reprocess, &s.reprocessARN},
	} {
		def, err := statemachine.Render(m.def, subs)
		if err == nil {
			*m.arn, err = s.svc.AddStateMachine(m.name, m.typ, def, role)
		}
		if err != nil {
			s.svc.Close()
			srv.Close()
			return nil, fmt.Errorf("stack: state machine %s: %w", m.name, err)
		}
	}
	if err := s.serveAPI(); err != nil {
		s.svc.Close()
		srv.Close()
		return nil, err
	}

	s.bus = eventbus.NewBus(cfg.Logger)
	pattern := statemachine.IngestEventPatternJSON(cfg.InputBucket, cfg.KeyPrefix)
	if err := s.bus.PutRule("imgprep-ingest", pattern, s.startIngest); err != nil {
		srv.Close()
		return nil, fmt.Errorf("stack: ingest rule: %w", err)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	for range cfg.Workers {
		s.wg.Add(1)
		go s.deliver(runCtx)
	}
	return s, nil
}

// deliver takes events from the outbox, puts them on the bus (whose rule
// runs the workflow to its end) and acknowledges them when that succeeded.
func (s *Stack) deliver(ctx context.Context) {
	defer s.wg.Done()
	events := s.s3srv.Events()
	for {
		select {
		case <-ctx.Done():
			return
		case d, ok := <-events:
			if !ok {
				return
			}
			if _, err := s.bus.Put(ctx, d.Event); err != nil {
				if ctx.Err() == nil {
					s.log.Error("event not handled; it stays in the outbox for the next start", "id", d.ID, "err", err)
				}
				continue
			}
			if err := s.s3srv.Ack(d.ID); err != nil {
				s.log.Error("ack event", "id", d.ID, "err", err)
			}
		}
	}
}

// startIngest is the rule's target: one Express execution of the ingest
// machine, run to its end. It fails only when the input ended neither as an
// output nor as a quarantine record.
func (s *Stack) startIngest(ctx context.Context, event []byte) error {
	rec, err := s.svc.StartSync(ctx, s.ingestARN, "", string(event))
	if err != nil {
		return fmt.Errorf("start ingest: %w", err)
	}
	if rec.Status == "SUCCEEDED" || quarantineKey(rec.History) != "" {
		return nil
	}
	return fmt.Errorf("execution %s %s without a quarantine record: %s: %s", rec.ExecutionARN, rec.Status, rec.Error, rec.Cause)
}

// serveAPI serves the sfn-compatible API (requests with X-Amz-Target) and
// the console (everything else) on one address.
func (s *Stack) serveAPI() error {
	ln, err := net.Listen("tcp", s.cfg.APIAddr)
	if err != nil {
		return fmt.Errorf("stack: api: %w", err)
	}
	api, ui := sfnapi.Handler(s.svc), console.Handler(s.svc)
	s.api = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "" {
			api.ServeHTTP(w, r)
			return
		}
		ui.ServeHTTP(w, r)
	})}
	s.apiURL = "http://" + ln.Addr().String()
	go func() {
		if err := s.api.Serve(ln); err != nil && err != http.ErrServerClosed {
			s.log.Error("api server", "err", err)
		}
	}()
	return nil
}

// OnExecution registers fn to be called after every finished execution.
func (s *Stack) OnExecution(fn func(execstore.Record)) {
	s.mu.Lock()
	s.subs = append(s.subs, fn)
	s.mu.Unlock()
}

func (s *Stack) notify(r execstore.Record) {
	s.mu.Lock()
	subs := append([]func(execstore.Record){}, s.subs...)
	s.mu.Unlock()
	for _, fn := range subs {
		fn(r)
	}
}

// Config returns the effective configuration.
func (s *Stack) Config() Config { return s.cfg }

// S3Endpoint is the URL of the S3 endpoint.
func (s *Stack) S3Endpoint() string { return s.s3srv.Endpoint() }

// S3Client is an aws-sdk-go-v2 client for the endpoint.
func (s *Stack) S3Client() *s3.Client { return s.client }

// Executions is the execution store.
func (s *Stack) Executions() *execstore.Store { return s.store }

// Engine is the local Step Functions engine with the handlers wired in.
func (s *Stack) Engine() *asl.Engine { return s.engine }

// IngestARN is the ARN of the local ingest state machine.
func (s *Stack) IngestARN() string { return s.ingestARN }

// ReprocessARN is the ARN of the local reprocess state machine.
func (s *Stack) ReprocessARN() string { return s.reprocessARN }

// APIEndpoint is the URL of the sfn-compatible API and the console.
func (s *Stack) APIEndpoint() string { return s.apiURL }

// Service is the local Step Functions service.
func (s *Stack) Service() *sfnapi.Service { return s.svc }

// ObjectPath is the plain file that holds an object.
func (s *Stack) ObjectPath(bucket, key string) string { return s.s3srv.ObjectPath(bucket, key) }

// Close stops delivering events and shuts the endpoint down. Events not yet
// handled stay in the outbox.
func (s *Stack) Close() error {
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	apiErr := s.api.Shutdown(ctx)
	s.svc.Close()
	// The endpoint waits for open connections when it shuts down: close ours.
	s.transport.CloseIdleConnections()
	err := s.s3srv.Close()
	s.wg.Wait()
	return errors.Join(err, apiErr)
}

// NewS3Client returns an aws-sdk-go-v2 S3 client for a local endpoint; a
// nil httpClient means the SDK's default.
func NewS3Client(endpoint, region, accessKey, secretKey string, httpClient *http.Client) *s3.Client {
	opts := s3.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		// The local endpoint is on loopback: checksums add nothing but work.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if httpClient != nil {
		opts.HTTPClient = httpClient
	}
	return s3.New(opts)
}
