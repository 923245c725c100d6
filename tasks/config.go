package tasks

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/imgprep/imgprep/tasks/imaging"
)

// Environment variables read by LoadConfig. The CDK stack sets them on every
// function; the embedded stack builds a Config directly.
const (
	EnvOutputBucket     = "IMGPREP_OUTPUT_BUCKET"
	EnvScratchBucket    = "IMGPREP_SCRATCH_BUCKET"
	EnvQuarantinePrefix = "IMGPREP_QUARANTINE_PREFIX"
	EnvSize             = "IMGPREP_SIZE"
	EnvMode             = "IMGPREP_MODE"
	EnvFormat           = "IMGPREP_FORMAT"
	EnvMaxBytes         = "IMGPREP_MAX_BYTES"
	EnvMaxPixels        = "IMGPREP_MAX_PIXELS"
	EnvMaxFrames        = "IMGPREP_MAX_FRAMES"
)

// Defaults of the processing parameters.
const (
	DefaultWidth            = 256
	DefaultHeight           = 256
	DefaultMode             = "stretch"
	DefaultFormat           = "png"
	DefaultQuarantinePrefix = "quarantine/"
	DefaultScratchPrefix    = "intermediate/"
)

// Params are the processing parameters of one job. The output key and the
// provenance metadata are functions of them.
type Params struct {
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Mode   string `json:"mode,omitempty"`
	Format string `json:"format,omitempty"`
}

// WithDefaults fills unset fields from def.
func (p Params) WithDefaults(def Params) Params {
	if p.Width == 0 {
		p.Width = def.Width
	}
	if p.Height == 0 {
		p.Height = def.Height
	}
	if p.Mode == "" {
		p.Mode = def.Mode
	}
	if p.Format == "" {
		p.Format = def.Format
	}
	return p
}

// Validate reports whether p is complete and within range.
func (p Params) Validate() error {
	var errs []error
	if p.Width < 1 || p.Width > imaging.MaxOutputSide || p.Height < 1 || p.Height > imaging.MaxOutputSide {
		errs = append(errs, fmt.Errorf("size %dx%d out of range 1..%d", p.Width, p.Height, imaging.MaxOutputSide))
	}
	switch p.Mode {
	case "stretch", "fit", "fill":
	default:
		errs = append(errs, fmt.Errorf("mode %q: want stretch, fit or fill", p.Mode))
	}
	switch p.Format {
	case "png", "jpeg":
	default:
		errs = append(errs, fmt.Errorf("format %q: want png or jpeg", p.Format))
	}
	return errors.Join(errs...)
}

// String is the canonical form used in output keys: "256x256-stretch".
func (p Params) String() string {
	return fmt.Sprintf("%dx%d-%s", p.Width, p.Height, p.Mode)
}

// Limits bound what Validate accepts; zero means the imaging default.
type Limits struct {
	MaxBytes  int64 `json:"maxBytes,omitempty"`
	MaxPixels int64 `json:"maxPixels,omitempty"`
	MaxFrames int   `json:"maxFrames,omitempty"`
}

// Config is what every handler needs.
type Config struct {
	OutputBucket     string
	ScratchBucket    string
	ScratchPrefix    string
	QuarantinePrefix string
	Defaults         Params
	Limits           Limits
}

// DefaultConfig returns the defaults with the given buckets.
func DefaultConfig(output, scratch string) Config {
	return Config{
		OutputBucket:     output,
		ScratchBucket:    scratch,
		ScratchPrefix:    DefaultScratchPrefix,
		QuarantinePrefix: DefaultQuarantinePrefix,
		Defaults:         Params{Width: DefaultWidth, Height: DefaultHeight, Mode: DefaultMode, Format: DefaultFormat},
	}
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	if c.OutputBucket == "" {
		errs = append(errs, errors.New("output bucket not set"))
	}
	if c.ScratchBucket == "" {
		errs = append(errs, errors.New("scratch bucket not set"))
	}
	if err := c.Defaults.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Limits.MaxBytes < 0 || c.Limits.MaxPixels < 0 || c.Limits.MaxFrames < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tasks: config: %w", err)
	}
	return nil
}

// ParseSize parses "WxH" (imaging.ParseSize, so the CLI, the Lambda
// environment and convert accept the same sizes).
func ParseSize(s string) (w, h int, err error) { return imaging.ParseSize(s) }

// LoadConfig reads the configuration from the environment through lookup
// (os.LookupEnv in main).
func LoadConfig(lookup func(string) (string, bool)) (Config, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	c := DefaultConfig(get(EnvOutputBucket), get(EnvScratchBucket))
	if v := get(EnvQuarantinePrefix); v != "" {
		c.QuarantinePrefix = v
	}
	var errs []error
	if v := get(EnvSize); v != "" {
		w, h, err := ParseSize(v)
		errs = append(errs, err)
		c.Defaults.Width, c.Defaults.Height = w, h
	}
	if v := get(EnvMode); v != "" {
		c.Defaults.Mode = v
	}
	if v := get(EnvFormat); v != "" {
		c.Defaults.Format = v
	}
	num := func(k string) int64 {
		v := get(k)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: not a whole number", k, v))
		}
		return n
	}
	c.Limits.MaxBytes = num(EnvMaxBytes)
	c.Limits.MaxPixels = num(EnvMaxPixels)
	c.Limits.MaxFrames = int(num(EnvMaxFrames))
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("tasks: config: %w", err)
	}
	return c, c.Validate()
}
