package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/imgprep/imgprep/local/stack"
	"github.com/imgprep/imgprep/tasks"
)

// stackFlags are the flags every command that starts the embedded stack takes.
type stackFlags struct {
	data     string
	size     string
	mode     string
	format   string
	verbose  bool
	addr     string
	apiAddr  string
	prefix   string
	maxBytes int64
	maxPix   int64
	maxFrame int
	workers  int
}

func (f *stackFlags) register(fs *flag.FlagSet, withAddr bool) {
	fs.StringVar(&f.data, "data", "./imgprep-data", "data directory: buckets, outbox and executions live here")
	fs.StringVar(&f.size, "size", "256x256", "output size WxH")
	fs.StringVar(&f.mode, "mode", tasks.DefaultMode, "resize mode: stretch, fit (inside the box, aspect kept) or fill (cover, centre-crop)")
	fs.StringVar(&f.format, "format", tasks.DefaultFormat, "output format: png or jpeg")
	fs.StringVar(&f.prefix, "prefix", "", "only keys under this prefix start the workflow")
	fs.Int64Var(&f.maxBytes, "max-bytes", 0, "reject inputs over this many bytes (0: default 50 MiB)")
	fs.Int64Var(&f.maxPix, "max-pixels", 0, "reject images over this many pixels (0: default 50 MP)")
	fs.IntVar(&f.maxFrame, "max-frames", 0, "reject images with more frames (0: the imaging default)")
	fs.IntVar(&f.workers, "workers", 4, "executions run at once")
	fs.BoolVar(&f.verbose, "v", false, "log every step to stderr")
	if withAddr {
		fs.StringVar(&f.addr, "addr", "127.0.0.1:4566", "address of the S3 endpoint")
		fs.StringVar(&f.apiAddr, "api-addr", "127.0.0.1:4567", "address of the Step Functions API and the console")
	}
}

func (f *stackFlags) config() (stack.Config, error) {
	w, h, err := tasks.ParseSize(f.size)
	if err != nil {
		return stack.Config{}, err
	}
	p := tasks.Params{Width: w, Height: h, Mode: f.mode, Format: f.format}
	if err := p.Validate(); err != nil {
		return stack.Config{}, err
	}
	if f.workers < 1 {
		return stack.Config{}, fmt.Errorf("--workers %d: want at least 1", f.workers)
	}
	level := slog.LevelWarn + 4 // quiet: the summary says what happened
	if f.verbose {
		level = slog.LevelInfo
	}
	return stack.Config{
		DataDir:   f.data,
		Addr:      f.addr,
		APIAddr:   f.apiAddr,
		KeyPrefix: f.prefix,
		Params:    p,
		Limits:    tasks.Limits{MaxBytes: f.maxBytes, MaxPixels: f.maxPix, MaxFrames: f.maxFrame},
		Workers:   f.workers,
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}, nil
}
