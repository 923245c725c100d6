package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/imgprep/imgprep/tasks"
	"github.com/imgprep/imgprep/tasks/imaging"
)

// Config is everything a deployment may choose. The zero value is not
// valid; start from DefaultConfig.
type Config struct {
	// StackName names the CloudFormation stack and prefixes the state
	// machines' names (the reprocess CLI finds them by it).
	StackName string
	// KeyPrefix limits ingest to input keys under it; "" means the whole
	// input bucket. The functions may read only under it too.
	KeyPrefix string
	// Params are the processing defaults the functions get (IMGPREP_SIZE,
	// IMGPREP_MODE, IMGPREP_FORMAT).
	Params tasks.Params
	// Limits are the IMGPREP_MAX_* values; zero fields mean imaging's defaults.
	Limits tasks.Limits
	// GrayscaleMemoryMB is the memory of the one function that decodes
	// whole images; the others are small (see functionSpecs).
	GrayscaleMemoryMB int
	// Destroy makes buckets, log groups and the queue go away with the
	// stack (buckets emptied first): for throwaway stacks only.
	Destroy bool
	// AlarmEmail, if set, subscribes to a new SNS topic the alarms notify.
	AlarmEmail string
	// AlarmTopicArn, if set, is an existing SNS topic the alarms notify
	// instead of a new one.
	AlarmTopicArn string
}

// DefaultConfig is what a deploy without any context gets.
func DefaultConfig() Config {
	return Config{
		StackName:         "imgprep",
		Params:            tasks.Params{Width: tasks.DefaultWidth, Height: tasks.DefaultHeight, Mode: tasks.DefaultMode, Format: tasks.DefaultFormat},
		GrayscaleMemoryMB: 512,
	}
}

// Option keys: each is a CDK context key (`-c key=value` or cdk.json) and,
// when the context does not set it, an environment variable.
var options = []struct {
	Context, Env, Help string
}{
	{"stackName", "IMGPREP_STACK_NAME", "CloudFormation stack name (default imgprep)"},
	{"keyPrefix", "IMGPREP_KEY_PREFIX", "only input keys under this prefix are processed (default: all)"},
	{"size", tasks.EnvSize, "output size WxH (default 256x256)"},
	{"mode", tasks.EnvMode, "resize mode stretch, fit or fill (default stretch)"},
	{"format", tasks.EnvFormat, "output format png or jpeg (default png)"},
	{"maxBytes", tasks.EnvMaxBytes, "largest input in bytes (default imaging's)"},
	{"maxPixels", tasks.EnvMaxPixels, "largest input in pixels (default imaging's)"},
	{"maxFrames", tasks.EnvMaxFrames, "most frames of an input (default imaging's)"},
	{"memory", "IMGPREP_MEMORY", "Grayscale function memory in MB (default 512)"},
	{"destroy", "IMGPREP_DESTROY", "true: buckets and logs are deleted with the stack (default false: retained)"},
	{"alarmEmail", "IMGPREP_ALARM_EMAIL", "e-mail address subscribed to the alarms' SNS topic"},
	{"alarmTopicArn", "IMGPREP_ALARM_TOPIC_ARN", "existing SNS topic for the alarms"},
}

// LoadConfig reads every option through context first, then env (both
// return ok=false for unset), on top of DefaultConfig.
func LoadConfig(context, env func(string) (string, bool)) (Config, error) {
	c := DefaultConfig()
	var errs []error
	for _, o := range options {
		v, ok := context(o.Context)
		if !ok {
			v, ok = env(o.Env)
		}
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if err := c.set(o.Context, v); err != nil {
			errs = append(errs, fmt.Errorf("%s (context %s or env %s): %w", o.Context, o.Context, o.Env, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func (c *Config) set(key, v string) error {
	var err error
	switch key {
	case "stackName":
		c.StackName = v
	case "keyPrefix":
		c.KeyPrefix = v
	case "size":
		c.Params.Width, c.Params.Height, err = tasks.ParseSize(v)
	case "mode":
		c.Params.Mode = v
	case "format":
		c.Params.Format = v
	case "maxBytes":
		c.Limits.MaxBytes, err = strconv.ParseInt(v, 10, 64)
	case "maxPixels":
		c.Limits.MaxPixels, err = strconv.ParseInt(v, 10, 64)
	case "maxFrames":
		c.Limits.MaxFrames, err = strconv.Atoi(v)
	case "memory":
		c.GrayscaleMemoryMB, err = strconv.Atoi(v)
	case "destroy":
		c.Destroy, err = strconv.ParseBool(v)
	case "alarmEmail":
		c.AlarmEmail = v
	case "alarmTopicArn":
		c.AlarmTopicArn = v
	default:
		err = fmt.Errorf("unknown option")
	}
	return err
}

var (
	// CloudFormation's rule for stack names.
	stackNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	// Characters that S3's event key encoding leaves alone, so the prefix
	// means the same in the event pattern (encoded keys) and in IAM
	// resources (raw keys); and no IAM wildcards.
	keyPrefixRE = regexp.MustCompile(`^[A-Za-z0-9/._-]*$`)
)

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	// State machine names (StackName + "-reprocess") must stay within 80.
	if !stackNameRE.MatchString(c.StackName) || len(c.StackName) > 60 {
		errs = append(errs, fmt.Errorf("stack name %q: want a letter, then letters, digits or '-', at most 60", c.StackName))
	}
	if !keyPrefixRE.MatchString(c.KeyPrefix) || strings.HasPrefix(c.KeyPrefix, "/") {
		errs = append(errs, fmt.Errorf("key prefix %q: want letters, digits, '/', '.', '_' or '-', not starting with '/'", c.KeyPrefix))
	}
	if err := c.Params.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Limits.MaxBytes < 0 || c.Limits.MaxPixels < 0 || c.Limits.MaxFrames < 0 {
		errs = append(errs, errors.New("limits must not be negative"))
	}
	// Lambda accepts 128..10240 MB; below 256 a 24 MP decode does not fit.
	if c.GrayscaleMemoryMB < 256 || c.GrayscaleMemoryMB > 10240 {
		errs = append(errs, fmt.Errorf("memory %d MB: want 256..10240", c.GrayscaleMemoryMB))
	}
	if c.AlarmTopicArn != "" && !strings.HasPrefix(c.AlarmTopicArn, "arn:") {
		errs = append(errs, fmt.Errorf("alarm topic %q: want an SNS topic ARN", c.AlarmTopicArn))
	}
	if c.AlarmEmail != "" && !strings.Contains(c.AlarmEmail, "@") {
		errs = append(errs, fmt.Errorf("alarm email %q: want an address", c.AlarmEmail))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("infra: config: %w", err)
	}
	return nil
}

// limits is Limits with imaging's defaults filled in, so the deployed
// environment states every limit explicitly.
func (c Config) limits() tasks.Limits {
	l, d := c.Limits, imaging.DefaultLimits()
	if l.MaxBytes == 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPixels == 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxFrames == 0 {
		l.MaxFrames = d.MaxFrames
	}
	return l
}
