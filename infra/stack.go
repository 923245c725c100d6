package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/imgprep/imgprep/statemachine"
	"github.com/imgprep/imgprep/tasks"
)

// StackProps configures NewStack.
type StackProps struct {
	awscdk.StackProps
	Config Config
	// LambdaDir holds the built bootstrap binary (see EnsureBootstrap).
	LambdaDir string
}

// Stack is the deployed imgprep: its constructs are exported so tests and
// callers can reach them without searching the tree.
type Stack struct {
	// Stack is the CDK stack itself: a field, not embedded, because jsii
	// would take an embedding struct for a new JavaScript object.
	Stack                                    awscdk.Stack
	Config                                   Config
	InputBucket, OutputBucket, ScratchBucket awss3.Bucket
	// Functions by handler name (statemachine.Functions).
	Functions        map[string]awslambda.Function
	FunctionLogs     map[string]awslogs.LogGroup
	Ingest           awsstepfunctions.StateMachine
	Reprocess        awsstepfunctions.StateMachine // nil while there is no bulk definition
	Rule             awsevents.Rule
	DeadLetterQueue  awssqs.Queue
	QuarantineMetric awscloudwatch.Metric
	Dashboard        awscloudwatch.Dashboard
	AlarmTopic       awssns.ITopic // nil when no notification is configured
	Alarms           map[string]awscloudwatch.Alarm
}

// Names of the bucket roles, used for IAM resources and in tests.
const (
	inputBucket   = "input"
	outputBucket  = "output"
	scratchBucket = "scratch"
)

// scratchExpiry is how long intermediates live: an execution finishes in
// minutes (Express: at most 5), so a day only covers stragglers and debugging.
const scratchExpiry = 24 * time.Hour

// functionSpec sizes one task function. Durations measured on one core
// (../shared/bench/RESULTS.md): the whole Go decode → gray → resize → encode
// pipeline takes 20-55 ms for 1-3 MP and 319 ms CPU / 70 MiB peak for a 24 MP
// photo (x/image/draw path; bild: 583 ms, 225 MiB). Lambda gives 1 vCPU at
// 1,769 MB and proportionally less below, so at 512 MB Grayscale has ~0.29
// vCPU: ~1.1 s for 24 MP, ~2 s with the slower decoder. Timeouts are about
// 30x those figures, never above the state's TimeoutSeconds in the ASL (a
// Lambda that outlives its state would keep running, and billing, after
// Step Functions gave up on it).
type functionSpec struct {
	Handler  string
	MemoryMB int
	Timeout  time.Duration
	Purpose  string
}

func functionSpecs(c Config) map[string]functionSpec {
	specs := []functionSpec{
		// Reads at most MaxBytes (50 MiB) into memory and parses a header.
		{"validate", 256, 10 * time.Second, "checks an input's format and limits from its header"},
		// The only full decode: 24 MP peaks at 70-225 MiB plus the input bytes.
		{"grayscale", c.GrayscaleMemoryMB, 60 * time.Second, "decodes an input and writes its gray plane to scratch"},
		// Works on a plane already shrunk on load to about the target.
		{"resize", 256, 20 * time.Second, "resizes the gray plane and encodes the output"},
		{"store", 256, 10 * time.Second, "writes the output idempotently with provenance metadata"},
		{"quarantine", 256, 10 * time.Second, "records why an input was rejected or failed"},
		// One HEAD of the output (reprocess onlyMissing).
		{"check", 256, 10 * time.Second, "tells reprocess whether an input's output already exists"},
		// Streams the map run's result files (about 4 MiB each) one record at a time.
		{"summarize", 256, 60 * time.Second, "adds up a reprocess run's counts from its result files"},
	}
	m := make(map[string]functionSpec, len(specs))
	for _, s := range specs {
		m[s.Handler] = s
	}
	return m
}

// s3Access is one grant: actions on a bucket's objects matching Objects
// (a key pattern), or on the bucket itself when Objects is "".
type s3Access struct {
	Effect  string // "Allow" or "Deny"
	Actions []string
	Bucket  string // inputBucket, outputBucket or scratchBucket
	Objects string
}

// s3Accesses lists exactly the S3 access of each handler (tasks/handlers.go):
//
//   - HeadObject is authorised by s3:GetObject. Without s3:ListBucket on the
//     bucket, S3 answers HEAD/GET of a missing key with 403, not 404
//     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html):
//     Store's idempotency check needs the 404 to tell "not stored yet" from a
//     fault, Check to answer "missing", and Validate to name a deleted input
//     SourceNotFoundError.
//   - Range reads are s3:GetObject too.
//   - Store may write anywhere in the output bucket (the key starts with the
//     job's parameters, which a bulk run may change) except quarantine/,
//     which only Quarantine writes: the explicit Deny keeps it so.
//   - Quarantine may read the input (the data flow allows it to HEAD the input
//     to record its size and ETag).
func s3Accesses(c Config, handler string) []s3Access {
	in := c.KeyPrefix + "*"
	scratch := tasks.DefaultScratchPrefix + "*"
	quarantine := tasks.DefaultQuarantinePrefix + "*"
	switch handler {
	case "validate":
		return []s3Access{
			{"Allow", []string{"s3:GetObject"}, inputBucket, in},
			{"Allow", []string{"s3:ListBucket"}, inputBucket, ""},
		}
	case "grayscale":
		return []s3Access{
			{"Allow", []string{"s3:GetObject"}, inputBucket, in},
			{"Allow", []string{"s3:PutObject"}, scratchBucket, scratch},
		}
	case "resize":
		return []s3Access{
			{"Allow", []string{"s3:GetObject", "s3:PutObject"}, scratchBucket, scratch},
		}
	case "store":
		return []s3Access{
			{"Allow", []string{"s3:GetObject"}, scratchBucket, scratch},
			{"Allow", []string{"s3:GetObject", "s3:PutObject"}, outputBucket, "*"},
			{"Allow", []string{"s3:ListBucket"}, outputBucket, ""},
			{"Deny", []string{"s3:PutObject"}, outputBucket, quarantine},
		}
	case "quarantine":
		return []s3Access{
			{"Allow", []string{"s3:PutObject"}, outputBucket, quarantine},
			{"Allow", []string{"s3:GetObject"}, inputBucket, in},
		}
	case "check":
		return []s3Access{
			{"Allow", []string{"s3:GetObject"}, outputBucket, "*"},
			{"Allow", []string{"s3:ListBucket"}, outputBucket, ""},
		}
	case "summarize":
		return []s3Access{
			{"Allow", []string{"s3:GetObject"}, outputBucket, ReprocessResultsPrefix + "*"},
		}
	}
	return nil
}

// NewStack builds the whole deployment in one stack.
func NewStack(scope constructs.Construct, id string, props *StackProps) (*Stack, error) {
	c := props.Config
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if props.LambdaDir == "" {
		return nil, fmt.Errorf("infra: StackProps.LambdaDir is empty: call EnsureBootstrap")
	}
	sp := props.StackProps
	if sp.StackName == nil {
		sp.StackName = jsii.String(c.StackName)
	}
	if sp.Description == nil {
		sp.Description = jsii.String("imgprep: S3 uploads → EventBridge → Step Functions (Validate, Grayscale, Resize, Store) → S3")
	}
	s := &Stack{
		Stack:  awscdk.NewStack(scope, jsii.String(id), &sp),
		Config: c,
		Alarms: map[string]awscloudwatch.Alarm{},
	}
	s.buckets()
	if err := s.functions(props.LambdaDir); err != nil {
		return nil, err
	}
	if err := s.ingest(); err != nil {
		return nil, err
	}
	if def := reprocessDefinition(); len(def) > 0 {
		if err := s.reprocess(def); err != nil {
			return nil, err
		}
	}
	s.monitoring()
	s.outputs()
	return s, nil
}

func (s *Stack) removal() awscdk.RemovalPolicy {
	if s.Config.Destroy {
		return awscdk.RemovalPolicy_DESTROY
	}
	return awscdk.RemovalPolicy_RETAIN
}

func (s *Stack) bucket(id string, props awss3.BucketProps) awss3.Bucket {
	props.BlockPublicAccess = awss3.BlockPublicAccess_BLOCK_ALL()
	props.EnforceSSL = jsii.Bool(true)
	props.Encryption = awss3.BucketEncryption_S3_MANAGED
	props.RemovalPolicy = s.removal()
	// Emptying a bucket on delete is only for stacks declared throwaway.
	props.AutoDeleteObjects = jsii.Bool(s.Config.Destroy)
	return awss3.NewBucket(s.Stack, jsii.String(id), &props)
}

func (s *Stack) buckets() {
	s.InputBucket = s.bucket("InputBucket", awss3.BucketProps{
		// S3 sends "Object Created" to the default event bus; the rule filters.
		EventBridgeEnabled: jsii.Bool(true),
	})
	// Outputs and quarantine records: no events, so nothing written here can
	// start a workflow (DESIGN §3, recursion-proof).
	s.OutputBucket = s.bucket("OutputBucket", awss3.BucketProps{})
	s.ScratchBucket = s.bucket("ScratchBucket", awss3.BucketProps{
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("ExpireIntermediates"),
			Prefix:                              jsii.String(tasks.DefaultScratchPrefix),
			Expiration:                          awscdk.Duration_Days(jsii.Number(scratchExpiry.Hours() / 24)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
}

func (s *Stack) bucketByRole(role string) awss3.Bucket {
	switch role {
	case inputBucket:
		return s.InputBucket
	case outputBucket:
		return s.OutputBucket
	case scratchBucket:
		return s.ScratchBucket
	}
	panic("infra: unknown bucket role " + role)
}

// environment is what every function gets: tasks.LoadConfig reads it.
func (s *Stack) environment() map[string]*string {
	c := s.Config
	l := c.limits()
	return map[string]*string{
		tasks.EnvOutputBucket:     s.OutputBucket.BucketName(),
		tasks.EnvScratchBucket:    s.ScratchBucket.BucketName(),
		tasks.EnvQuarantinePrefix: jsii.String(tasks.DefaultQuarantinePrefix),
		tasks.EnvSize:             jsii.String(fmt.Sprintf("%dx%d", c.Params.Width, c.Params.Height)),
		tasks.EnvMode:             jsii.String(c.Params.Mode),
		tasks.EnvFormat:           jsii.String(c.Params.Format),
		tasks.EnvMaxBytes:         jsii.String(strconv.FormatInt(l.MaxBytes, 10)),
		tasks.EnvMaxPixels:        jsii.String(strconv.FormatInt(l.MaxPixels, 10)),
		tasks.EnvMaxFrames:        jsii.String(strconv.Itoa(l.MaxFrames)),
	}
}

func (s *Stack) functions(lambdaDir string) error {
	specs := functionSpecs(s.Config)
	code := awslambda.Code_FromAsset(jsii.String(lambdaDir), nil)
	env := s.environment()
	s.Functions = map[string]awslambda.Function{}
	s.FunctionLogs = map[string]awslogs.LogGroup{}
	for _, f := range statemachine.Functions {
		spec, ok := specs[f.Handler]
		if !ok {
			return fmt.Errorf("infra: handler %q in statemachine.Functions has no function spec", f.Handler)
		}
		id := exported(f.Handler)
		logs := awslogs.NewLogGroup(s.Stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
			Retention:     awslogs.RetentionDays_ONE_MONTH,
			RemovalPolicy: s.removal(),
		})
		fn := awslambda.NewFunction(s.Stack, jsii.String(id+"Function"), &awslambda.FunctionProps{
			Description:  jsii.String("imgprep " + f.Handler + ": " + spec.Purpose),
			Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
			Architecture: awslambda.Architecture_ARM_64(),
			Handler:      jsii.String(f.Handler),
			Code:         code,
			MemorySize:   jsii.Number(spec.MemoryMB),
			Timeout:      awscdk.Duration_Seconds(jsii.Number(spec.Timeout.Seconds())),
			Environment:  &env,
			LogGroup:     logs,
			// JSON logs: lambdacontext's slog handler then writes JSON, which
			// the quarantine metric filter matches on.
			LoggingFormat: awslambda.LoggingFormat_JSON,
			Tracing:       awslambda.Tracing_ACTIVE,
		})
		for _, a := range s3Accesses(s.Config, f.Handler) {
			b := s.bucketByRole(a.Bucket)
			res := b.BucketArn()
			if a.Objects != "" {
				res = b.ArnForObjects(jsii.String(a.Objects))
			}
			effect := awsiam.Effect_ALLOW
			if a.Effect == "Deny" {
				effect = awsiam.Effect_DENY
			}
			fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Effect:    effect,
				Actions:   jsii.Strings(a.Actions...),
				Resources: &[]*string{res},
			}))
		}
		s.Functions[f.Handler] = fn
		s.FunctionLogs[f.Handler] = logs
	}
	return nil
}

// exported turns a handler name into a construct id part: "validate" → "Validate".
func exported(name string) string {
	if name == "" {
		return name
	}
	return string(name[0]-'a'+'A') + name[1:]
}

// substitutions maps every ${Name} in def to its value and grants sm
// invoke on exactly the functions def names: a machine may call only its own.
func (s *Stack) substitutions(def []byte) (map[string]*string, []awslambda.Function, error) {
	byName := map[string]awslambda.Function{}
	for _, f := range statemachine.Functions {
		byName[f.Substitution] = s.Functions[f.Handler]
	}
	others := map[string]*string{
		"InputBucketName":   s.InputBucket.BucketName(),
		"OutputBucketName":  s.OutputBucket.BucketName(),
		"ScratchBucketName": s.ScratchBucket.BucketName(),
		"KeyPrefix":         jsii.String(s.Config.KeyPrefix),
	}
	subs := map[string]*string{}
	var used []awslambda.Function
	for _, name := range statemachine.Placeholders(def) {
		if fn, ok := byName[name]; ok {
			subs[name] = fn.FunctionArn()
			used = append(used, fn)
			continue
		}
		if v, ok := others[name]; ok {
			subs[name] = v
			continue
		}
		return nil, nil, fmt.Errorf("infra: definition uses ${%s}, which the stack has no value for", name)
	}
	return subs, used, nil
}

func (s *Stack) stateMachine(id, suffix string, def []byte, typ awsstepfunctions.StateMachineType) (awsstepfunctions.StateMachine, error) {
	subs, used, err := s.substitutions(def)
	if err != nil {
		return nil, err
	}
	name := s.Config.StackName + "-" + suffix
	logs := awslogs.NewLogGroup(s.Stack, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		// The /aws/vendedlogs/ prefix keeps Step Functions' log delivery
		// from growing the account's CloudWatch Logs resource policy.
		LogGroupName:  jsii.String("/aws/vendedlogs/states/" + name),
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: s.removal(),
	})
	sm := awsstepfunctions.NewStateMachine(s.Stack, jsii.String(id), &awsstepfunctions.StateMachineProps{
		StateMachineName: jsii.String(name),
		StateMachineType: typ,
		// The file as it is: the local engine runs the very same bytes.
		DefinitionBody:          awsstepfunctions.DefinitionBody_FromString(jsii.String(string(def))),
		DefinitionSubstitutions: &subs,
		Logs: &awsstepfunctions.LogOptions{
			Destination:          logs,
			Level:                awsstepfunctions.LogLevel_ALL,
			IncludeExecutionData: jsii.Bool(true),
		},
		TracingEnabled: jsii.Bool(true),
	})
	for _, fn := range used {
		fn.GrantInvoke(sm)
	}
	return sm, nil
}

func (s *Stack) ingest() error {
	sm, err := s.stateMachine("IngestStateMachine", "ingest", statemachine.Ingest, awsstepfunctions.StateMachineType_EXPRESS)
	if err != nil {
		return err
	}
	s.Ingest = sm

	pattern, err := eventPattern(statemachine.IngestEventPattern(*s.InputBucket.BucketName(), s.Config.KeyPrefix))
	if err != nil {
		return err
	}
	// Events EventBridge could not deliver after its retries (failed
	// StartExecution, e.g. throttling) wait here; failures inside an
	// execution are the workflow's own (Quarantine), not this queue's.
	s.DeadLetterQueue = awssqs.NewQueue(s.Stack, jsii.String("IngestDeadLetterQueue"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		RemovalPolicy:   s.removal(),
	})
	s.Rule = awsevents.NewRule(s.Stack, jsii.String("IngestRule"), &awsevents.RuleProps{
		Description:  jsii.String("Starts the imgprep ingest workflow for each object created in the input bucket"),
		EventPattern: pattern,
	})
	s.Rule.AddTarget(awseventstargets.NewSfnStateMachine(sm, &awseventstargets.SfnStateMachineProps{
		DeadLetterQueue: s.DeadLetterQueue,
		// EventBridge's maximum: an upload waits out a day of throttling
		// before it lands in the dead-letter queue.
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(24)),
		RetryAttempts: jsii.Number(185),
	}))
	return nil
}

// reprocess adds the bulk Standard machine: a Distributed Map over
// s3:listObjectsV2 of the input bucket whose Express children run the chain.
// Its extra permissions follow "IAM policies for using Distributed Map
// states" (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html):
// StartExecution on itself, Describe/StopExecution on its executions, and
// ListBucket on the bucket it lists, narrowed to the key prefix when set.
func (s *Stack) reprocess(def []byte) error {
	sm, err := s.stateMachine("ReprocessStateMachine", "reprocess", def, awsstepfunctions.StateMachineType_STANDARD)
	if err != nil {
		return err
	}
	s.Reprocess = sm
	name := s.Config.StackName + "-reprocess"
	// Built from the name, not sm.StateMachineArn(): the role is created
	// before the machine, and a reference would be a circular dependency.
	self := s.Stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("states"), Resource: jsii.String("stateMachine"),
		ResourceName: jsii.String(name), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	executions := s.Stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("states"), Resource: jsii.String("execution"),
		ResourceName: jsii.String(name + "/*"), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	sm.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("states:StartExecution"), Resources: &[]*string{self},
	}))
	sm.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("states:DescribeExecution", "states:StopExecution"), Resources: &[]*string{executions},
	}))
	list := &awsiam.PolicyStatementProps{
		Actions: jsii.Strings("s3:ListBucket"), Resources: &[]*string{s.InputBucket.BucketArn()},
	}
	if p := s.Config.KeyPrefix; p != "" {
		list.Conditions = &map[string]any{"StringLike": map[string]any{"s3:prefix": p + "*"}}
	}
	sm.AddToRolePolicy(awsiam.NewPolicyStatement(list))
	// The map run's ResultWriter (AWS's IAM example for Distributed Map
	// ResultWriter: these four actions on the results prefix).
	sm.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"),
		Resources: &[]*string{s.OutputBucket.ArnForObjects(jsii.String(ReprocessResultsPrefix + "*"))},
	}))
	return nil
}

// ReprocessResultsPrefix is where reprocess.asl.json's ResultWriter puts
// each map run's result files, in the output bucket.
const ReprocessResultsPrefix = "reprocess-results/"

func (s *Stack) outputs() {
	out := func(id, desc string, v *string) {
		awscdk.NewCfnOutput(s.Stack, jsii.String(id), &awscdk.CfnOutputProps{Value: v, Description: jsii.String(desc)})
	}
	out("InputBucketName", "Upload images here", s.InputBucket.BucketName())
	out("OutputBucketName", "Outputs and quarantine/ records", s.OutputBucket.BucketName())
	out("ScratchBucketName", "Intermediates (expire after a day)", s.ScratchBucket.BucketName())
	out("IngestStateMachineArn", "Express workflow started per upload", s.Ingest.StateMachineArn())
	if s.Reprocess != nil {
		out("ReprocessStateMachineArn", "Standard workflow for bulk reprocessing", s.Reprocess.StateMachineArn())
	}
	out("DeadLetterQueueUrl", "Events EventBridge could not deliver", s.DeadLetterQueue.QueueUrl())
	out("DashboardUrl", "CloudWatch dashboard", jsii.String(fmt.Sprintf(
		"https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards:name=%s",
		*awscdk.Aws_REGION(), *awscdk.Aws_REGION(), s.Config.StackName)))
	if s.AlarmTopic != nil {
		out("AlarmTopicArn", "SNS topic the alarms notify", s.AlarmTopic.TopicArn())
	}
}
