package main

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/imgprep/imgprep/statemachine"
	"github.com/imgprep/imgprep/tasks"
)

func TestBuckets(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			must(t, "three buckets", func() { s.template.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(3)) })
			wantPolicy := "Retain"
			if s.stack.Config.Destroy {
				wantPolicy = "Delete"
			}
			for _, name := range []string{inputBucket, outputBucket, scratchBucket} {
				r := s.resources[s.lid(t, name)]
				p := props(r)
				if got := s.str(p["PublicAccessBlockConfiguration"]); got != `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}` {
					t.Errorf("%s: public access block %s, want all four true", name, got)
				}
				if got := s.str(p["BucketEncryption"]); got != `{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}` {
					t.Errorf("%s: encryption %s, want S3-managed (AES256)", name, got)
				}
				if r["DeletionPolicy"] != wantPolicy || r["UpdateReplacePolicy"] != wantPolicy {
					t.Errorf("%s: DeletionPolicy %v, UpdateReplacePolicy %v, want %s", name, r["DeletionPolicy"], r["UpdateReplacePolicy"], wantPolicy)
				}
				if got, want := s.eventBridgeOn(name), name == inputBucket; got != want {
					t.Errorf("%s: sends events to EventBridge: %v, want %v (only the input bucket)", name, got, want)
				}
				if !s.enforcesSSL(name) {
					t.Errorf("%s: no bucket policy denying requests without TLS", name)
				}
			}
			rules := s.str(props(s.resources[s.lid(t, scratchBucket)])["LifecycleConfiguration"])
			if want := `{"Rules":[{"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"ExpirationInDays":1,"Id":"ExpireIntermediates","Prefix":"intermediate/","Status":"Enabled"}]}`; rules != want {
				t.Errorf("scratch lifecycle %s, want %s", rules, want)
			}
			autoDelete := len(s.ofType("Custom::S3AutoDeleteObjects"))
			if want := map[bool]int{false: 0, true: 3}[s.stack.Config.Destroy]; autoDelete != want {
				t.Errorf("got %d auto-delete custom resources, want %d", autoDelete, want)
			}
		})
	}
}

// eventBridgeOn: the CDK turns S3's EventBridge notifications on through a
// Custom::S3BucketNotifications resource, not the bucket's own property.
func (s *synth) eventBridgeOn(bucket string) bool {
	if strings.Contains(s.str(props(s.resources[s.lidOf(bucket)])["NotificationConfiguration"]), "EventBridge") {
		return true
	}
	for _, n := range s.ofType("Custom::S3BucketNotifications") {
		p := props(n)
		if s.str(p["BucketName"]) == "ref:"+bucket && s.str(p["NotificationConfiguration"]) == `{"EventBridgeConfiguration":{}}` {
			return true
		}
	}
	return false
}

func (s *synth) enforcesSSL(bucket string) bool {
	for _, p := range s.ofType("AWS::S3::BucketPolicy") {
		if s.str(props(p)["Bucket"]) != "ref:"+bucket {
			continue
		}
		for _, line := range s.flatten(props(p)["PolicyDocument"]) {
			if strings.HasPrefix(line, "Deny s3:* ") && strings.HasSuffix(line, `{"Bool":{"aws:SecureTransport":"false"}}`) {
				return true
			}
		}
	}
	return false
}

// The sizing the README states; a change must be deliberate on both sides.
var wantSizing = map[string]struct{ memory, timeout float64 }{
	"validate": {256, 10}, "grayscale": {512, 60}, "resize": {256, 20}, "store": {256, 10}, "quarantine": {256, 10}, "check": {256, 10}, "summarize": {256, 60},
}

func TestFunctions(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			fns := map[string]map[string]any{}
			for id, r := range s.ofType("AWS::Lambda::Function") {
				if props(r)["Runtime"] == "provided.al2023" {
					fns[id] = props(r)
				}
			}
			if len(fns) != len(statemachine.Functions) {
				t.Fatalf("got %d provided.al2023 functions, want %d", len(fns), len(statemachine.Functions))
			}
			c := s.stack.Config
			keys := map[string]bool{}
			for _, f := range statemachine.Functions {
				p := fns[s.lid(t, f.Handler)]
				if p == nil {
					t.Fatalf("no function for handler %s", f.Handler)
				}
				if p["Handler"] != f.Handler {
					t.Errorf("%s: Handler %v", f.Handler, p["Handler"])
				}
				if got := s.str(p["Architectures"]); got != "[arm64]" {
					t.Errorf("%s: architectures %s, want [arm64]", f.Handler, got)
				}
				want := wantSizing[f.Handler]
				if f.Handler == "grayscale" {
					want.memory = float64(c.GrayscaleMemoryMB)
				}
				if p["MemorySize"] != want.memory || p["Timeout"] != want.timeout {
					t.Errorf("%s: memory %v MB, timeout %v s, want %v, %v", f.Handler, p["MemorySize"], p["Timeout"], want.memory, want.timeout)
				}
				if got := s.str(p["TracingConfig"]); got != `{"Mode":"Active"}` {
					t.Errorf("%s: tracing %s, want Active", f.Handler, got)
				}
				if got, want := s.str(p["LoggingConfig"]), `{"LogFormat":"JSON","LogGroup":"ref:`+f.Handler+`-logs"}`; got != want {
					t.Errorf("%s: logging %s, want %s", f.Handler, got, want)
				}
				if got := props(s.resources[s.lid(t, f.Handler+"-logs")])["RetentionInDays"]; got != float64(30) {
					t.Errorf("%s: log retention %v days, want 30", f.Handler, got)
				}
				keys[s.str(p["Code"])] = true

				env := map[string]string{}
				for k, v := range p["Environment"].(map[string]any)["Variables"].(map[string]any) {
					env[k] = s.str(v)
				}
				wantEnv := map[string]string{
					tasks.EnvOutputBucket:     "ref:output",
					tasks.EnvScratchBucket:    "ref:scratch",
					tasks.EnvQuarantinePrefix: "quarantine/",
					tasks.EnvSize:             map[bool]string{false: "256x256", true: "128x96"}[s == custom],
					tasks.EnvMode:             map[bool]string{false: "stretch", true: "fit"}[s == custom],
					tasks.EnvFormat:           map[bool]string{false: "png", true: "jpeg"}[s == custom],
					tasks.EnvMaxBytes:         "52428800",
					tasks.EnvMaxPixels:        map[bool]string{false: "50000000", true: "30000000"}[s == custom],
					tasks.EnvMaxFrames:        "1000",
				}
				if !reflect.DeepEqual(env, wantEnv) {
					t.Errorf("%s: environment\n got %v\nwant %v", f.Handler, env, wantEnv)
				}
				// What the deployed function will do with it.
				if _, err := tasks.LoadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
					t.Errorf("%s: tasks.LoadConfig rejects the environment: %v", f.Handler, err)
				}
			}
			if len(keys) != 1 {
				t.Errorf("functions use %d code assets, want the one bootstrap: %v", len(keys), keys)
			}
		})
	}
}

// A Lambda that outlives its Task state keeps running (and billing) after
// Step Functions gave up on it: each timeout must fit the state's.
func TestFunctionTimeoutsFitStates(t *testing.T) {
	defs := map[string][]byte{"ingest": statemachine.Ingest}
	if def := reprocessDefinition(); def != nil {
		defs["reprocess"] = def
	}
	for name, def := range defs {
		for sub, secs := range taskTimeouts(t, def) {
			h := handlerOf(sub)
			if h == "" {
				continue
			}
			if got := wantSizing[h].timeout; got > secs {
				t.Errorf("%s: %s function timeout %v s exceeds its state's TimeoutSeconds %v", name, h, got, secs)
			}
		}
	}
}

func handlerOf(substitution string) string {
	for _, f := range statemachine.Functions {
		if f.Substitution == substitution {
			return f.Handler
		}
	}
	return ""
}

// taskTimeouts finds every Task state (at any depth) whose Resource is a
// ${Substitution}, and returns the smallest TimeoutSeconds per substitution.
func taskTimeouts(t *testing.T, def []byte) map[string]float64 {
	var doc any
	if err := json.Unmarshal(def, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["Type"] == "Task" {
				res, _ := v["Resource"].(string)
				if strings.HasPrefix(res, "${") {
					sub := strings.TrimSuffix(strings.TrimPrefix(res, "${"), "}")
					secs, ok := v["TimeoutSeconds"].(float64)
					if !ok {
						t.Errorf("Task with %s has no TimeoutSeconds", res)
					}
					if old, seen := out[sub]; !seen || secs < old {
						out[sub] = secs
					}
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if len(out) == 0 {
		t.Fatal("definition has no Task states with substituted resources")
	}
	return out
}

// The S3 access of each function, written out independently of
// s3Accesses: exactly these lines and the X-Ray ones, nothing else.
func wantFunctionPolicy(handler, prefix string) []string {
	in := "input.Arn/" + prefix + "*"
	xray := []string{"Allow xray:PutTelemetryRecords *", "Allow xray:PutTraceSegments *"}
	m := map[string][]string{
		"validate":   {"Allow s3:GetObject " + in, "Allow s3:ListBucket input.Arn"},
		"grayscale":  {"Allow s3:GetObject " + in, "Allow s3:PutObject scratch.Arn/intermediate/*"},
		"resize":     {"Allow s3:GetObject scratch.Arn/intermediate/*", "Allow s3:PutObject scratch.Arn/intermediate/*"},
		"store":      {"Allow s3:GetObject scratch.Arn/intermediate/*", "Allow s3:GetObject output.Arn/*", "Allow s3:PutObject output.Arn/*", "Allow s3:ListBucket output.Arn", "Deny s3:PutObject output.Arn/quarantine/*"},
		"quarantine": {"Allow s3:PutObject output.Arn/quarantine/*", "Allow s3:GetObject " + in},
		"check":      {"Allow s3:GetObject output.Arn/*", "Allow s3:ListBucket output.Arn"},
		"summarize":  {"Allow s3:GetObject output.Arn/reprocess-results/*"},
	}
	lines := append(m[handler], xray...)
	slices.Sort(lines)
	return lines
}

func TestFunctionPermissions(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			for _, f := range statemachine.Functions {
				p := props(s.resources[s.lid(t, f.Handler)])
				got := s.statements(t, p["Role"])
				want := wantFunctionPolicy(f.Handler, s.stack.Config.KeyPrefix)
				if !slices.Equal(got, want) {
					t.Errorf("%s policy:\n got %q\nwant %q", f.Handler, got, want)
				}
				role := props(s.resources[p["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)])
				if got := s.str(role["ManagedPolicyArns"]); !strings.HasSuffix(got, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]") || strings.Count(got, "policy/") != 1 {
					t.Errorf("%s managed policies %s, want only AWSLambdaBasicExecutionRole", f.Handler, got)
				}
			}
		})
	}
}

// No Allow anywhere in the template grants a wildcard action ("*" or
// "service:*"); the TLS-only bucket policies Deny s3:*, which is fine.
func TestNoWildcardActions(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		var docs []any
		for _, r := range s.resources {
			p := props(r)
			for _, k := range []string{"PolicyDocument", "AssumeRolePolicyDocument"} {
				if d, ok := p[k]; ok {
					docs = append(docs, d)
				}
			}
			for _, pol := range list(p["Policies"]) {
				docs = append(docs, pol.(map[string]any)["PolicyDocument"])
			}
		}
		if len(docs) < 10 {
			t.Fatalf("%s: found only %d policy documents", s.stack.Config.StackName, len(docs))
		}
		for _, d := range docs {
			for _, line := range s.flatten(d) {
				f := strings.Fields(line)
				if f[0] == "Allow" && (f[1] == "*" || strings.HasSuffix(f[1], ":*")) {
					t.Errorf("%s: wildcard action granted: %s", s.stack.Config.StackName, line)
				}
			}
		}
	}
}

func TestIngestStateMachine(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			p := props(s.resources[s.lid(t, "ingest")])
			s.checkDefinition(t, p, statemachine.Ingest, "EXPRESS", s.stack.Config.StackName+"-ingest")
			got := s.stateMachineInvokes(t, p)
			if want := invokes("validate", "grayscale", "resize", "store", "quarantine"); !slices.Equal(got, want) {
				t.Errorf("ingest may invoke\n %q\nwant %q", got, want)
			}
		})
	}
}

func invokes(handlers ...string) []string {
	var lines []string
	for _, h := range handlers {
		lines = append(lines, "Allow lambda:InvokeFunction "+h+".Arn", "Allow lambda:InvokeFunction "+h+".Arn:*")
	}
	slices.Sort(lines)
	return lines
}

func TestReprocessStateMachine(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			if s.stack.Reprocess == nil {
				t.Fatal("no reprocess state machine")
			}
			name := s.stack.Config.StackName + "-reprocess"
			p := props(s.resources[s.lid(t, "reprocess")])
			s.checkDefinition(t, p, statemachine.Reprocess, "STANDARD", name)
			var got []string
			for _, line := range s.statements(t, p["RoleArn"]) {
				if strings.Contains(line, " lambda:") || strings.Contains(line, " states:") || strings.Contains(line, " s3:") {
					got = append(got, line)
				}
			}
			arn := ":states:ref:AWS::Region:ref:AWS::AccountId:"
			list := "Allow s3:ListBucket input.Arn"
			if p := s.stack.Config.KeyPrefix; p != "" {
				list += ` {"StringLike":{"s3:prefix":"` + p + `*"}}`
			}
			results := "output.Arn/reprocess-results/*"
			want := append(invokes("validate", "grayscale", "resize", "store", "quarantine", "check", "summarize"),
				"Allow s3:PutObject "+results, "Allow s3:GetObject "+results,
				"Allow s3:ListMultipartUploadParts "+results, "Allow s3:AbortMultipartUpload "+results,
				"Allow states:StartExecution arn:ref:AWS::Partition"+arn+"stateMachine:"+name,
				"Allow states:DescribeExecution arn:ref:AWS::Partition"+arn+"execution:"+name+"/*",
				"Allow states:StopExecution arn:ref:AWS::Partition"+arn+"execution:"+name+"/*",
				list)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("reprocess may\n %q\nwant %q", got, want)
			}
			// The name the self-grant is built from is the machine's own.
			if arn := s.str(s.outputs["ReprocessStateMachineArn"].(map[string]any)["Value"]); arn != "ref:reprocess" {
				t.Errorf("ReprocessStateMachineArn output %s", arn)
			}
		})
	}
}

// checkDefinition: the deployed definition is the file, byte for byte,
// with each ${Function} substituted by that function's ARN; rendered the
// way the local engine renders it, both sides give the same JSON.
func (s *synth) checkDefinition(t *testing.T, p map[string]any, file []byte, typ, name string) {
	t.Helper()
	if p["StateMachineType"] != typ || p["StateMachineName"] != name {
		t.Errorf("type %v name %v, want %s %s", p["StateMachineType"], p["StateMachineName"], typ, name)
	}
	deployed, _ := p["DefinitionString"].(string)
	if deployed != string(file) {
		t.Errorf("deployed definition differs from the file (%d vs %d bytes)", len(deployed), len(file))
	}
	subs := p["DefinitionSubstitutions"].(map[string]any)
	var names []string
	tokens := map[string]string{}
	for k, v := range subs {
		names = append(names, k)
		tokens[k] = "arn:test:" + s.str(v)
	}
	slices.Sort(names)
	if want := statemachine.Placeholders(file); !slices.Equal(names, want) {
		t.Errorf("substitutions %v, want %v", names, want)
	}
	for _, f := range statemachine.Functions {
		if v, ok := subs[f.Substitution]; ok {
			if got := s.str(v); got != f.Handler+".Arn" {
				t.Errorf("${%s} = %s, want %s.Arn", f.Substitution, got, f.Handler)
			}
		}
	}
	gotJSON, err := statemachine.Render([]byte(deployed), tokens)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := statemachine.Render(file, tokens)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(gotJSON, &got); err != nil {
		t.Fatalf("deployed definition after substitution is not JSON: %v", err)
	}
	json.Unmarshal(wantJSON, &want)
	if !reflect.DeepEqual(got, want) {
		t.Error("rendered deployed definition differs from the rendered file")
	}
	logs := p["LoggingConfiguration"].(map[string]any)
	if logs["Level"] != "ALL" || logs["IncludeExecutionData"] != true {
		t.Errorf("logging %s, want level ALL with execution data", s.str(logs))
	}
	dest := s.str(logs["Destinations"])
	lg := strings.TrimSuffix(strings.TrimPrefix(dest, `[{"CloudWatchLogsLogGroup":{"LogGroupArn":`), "}}]")
	found := false
	for _, r := range s.ofType("AWS::Logs::LogGroup") {
		if props(r)["LogGroupName"] == "/aws/vendedlogs/states/"+name {
			found = props(r)["RetentionInDays"] == float64(30)
		}
	}
	if !found || lg == dest {
		t.Errorf("log destination %s: want the /aws/vendedlogs/states/%s group kept 30 days", dest, name)
	}
	if got := s.str(p["TracingConfiguration"]); got != `{"Enabled":true}` {
		t.Errorf("tracing %s, want enabled", got)
	}
}

// stateMachineInvokes returns the lambda: lines of a machine's role policy
// and fails on any Lambda grant that is not an InvokeFunction.
func (s *synth) stateMachineInvokes(t *testing.T, p map[string]any) []string {
	var out []string
	for _, line := range s.statements(t, p["RoleArn"]) {
		if strings.Contains(line, " lambda:") {
			out = append(out, line)
		}
	}
	return out
}

func TestIngestRule(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			rules := s.ofType("AWS::Events::Rule")
			if len(rules) != 1 {
				t.Fatalf("got %d rules, want 1", len(rules))
			}
			p := props(s.resources[s.lid(t, "rule")])
			// The pattern is statemachine's, with the input bucket's name.
			want, _ := json.Marshal(statemachine.IngestEventPattern("BUCKET", s.stack.Config.KeyPrefix))
			wantS := strings.Replace(string(want), `"BUCKET"`, `"ref:input"`, 1)
			got, _ := json.Marshal(p["EventPattern"])
			gotS := strings.Replace(string(got), `{"Ref":"`+s.lid(t, inputBucket)+`"}`, `"ref:input"`, 1)
			if !jsonEqual(gotS, wantS) {
				t.Errorf("pattern\n got %s\nwant %s", gotS, wantS)
			}
			// Recursion-proof: only the input bucket can match.
			names := p["EventPattern"].(map[string]any)["detail"].(map[string]any)["bucket"].(map[string]any)["name"].([]any)
			if len(names) != 1 || s.str(names[0]) != "ref:input" {
				t.Errorf("pattern bucket names %s, want only the input bucket", s.str(names))
			}
			for _, b := range []string{outputBucket, scratchBucket} {
				if matchesBucket(names, s.lid(t, b)) {
					t.Errorf("an Object Created event from the %s bucket would start the workflow", b)
				}
			}
			if p["State"] != "ENABLED" {
				t.Errorf("rule state %v", p["State"])
			}

			targets := list(p["Targets"])
			if len(targets) != 1 {
				t.Fatalf("got %d targets, want 1", len(targets))
			}
			tg := targets[0].(map[string]any)
			if got := s.str(tg["Arn"]); got != "ref:ingest" {
				t.Errorf("target %s, want the ingest machine", got)
			}
			if got := s.str(tg["RetryPolicy"]); got != `{"MaximumEventAgeInSeconds":86400,"MaximumRetryAttempts":185}` {
				t.Errorf("retry policy %s", got)
			}
			if got := s.str(tg["DeadLetterConfig"]); got != `{"Arn":"dlq.Arn"}` {
				t.Errorf("dead-letter config %s, want the queue", got)
			}
			if got := s.statements(t, tg["RoleArn"]); !slices.Equal(got, []string{"Allow states:StartExecution ref:ingest"}) {
				t.Errorf("events role may %q, want only StartExecution of ingest", got)
			}
			dlq := props(s.resources[s.lid(t, "dlq")])
			if dlq["SqsManagedSseEnabled"] != true || dlq["MessageRetentionPeriod"] != float64(14*24*3600) {
				t.Errorf("dead-letter queue %s", s.str(dlq))
			}
			var sends []string
			for _, qp := range s.ofType("AWS::SQS::QueuePolicy") {
				for _, line := range s.flatten(props(qp)["PolicyDocument"]) {
					if strings.HasPrefix(line, "Allow sqs:SendMessage") {
						sends = append(sends, line)
					}
				}
			}
			if want := `Allow sqs:SendMessage dlq.Arn {"ArnEquals":{"aws:SourceArn":"rule.Arn"}}`; len(sends) != 1 || sends[0] != want {
				t.Errorf("queue lets send %q, want %s", sends, want)
			}
		})
	}
}

func matchesBucket(names []any, lid string) bool {
	for _, n := range names {
		if m, ok := n.(map[string]any); ok && m["Ref"] == lid {
			return true
		}
	}
	return false
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func TestMonitoring(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			dashes := s.ofType("AWS::CloudWatch::Dashboard")
			if len(dashes) != 1 {
				t.Fatalf("got %d dashboards", len(dashes))
			}
			var body string
			for _, d := range dashes {
				body = s.str(props(d)["DashboardBody"])
			}
			for _, want := range []string{
				`"ExecutionsStarted"`, `"ExecutionsSucceeded"`, `"ExecutionsFailed"`,
				`"ExecutionTime"`, `"stat":"p50"`, `"stat":"p95"`,
				`"AWS/Lambda","Errors"`, `"AWS/Lambda","Throttles"`, `"AWS/Lambda","Duration"`,
				`"imgprep/` + s.stack.Config.StackName + `","QuarantinedInputs"`,
				`"ApproximateNumberOfMessagesVisible"`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("dashboard has no %s", want)
				}
			}
			for _, f := range statemachine.Functions {
				if n := strings.Count(body, "ref:"+f.Handler); n < 3 {
					t.Errorf("dashboard shows %s in %d metrics, want errors, throttles and duration", f.Handler, n)
				}
			}

			filters := s.ofType("AWS::Logs::MetricFilter")
			if len(filters) != 1 {
				t.Fatalf("got %d metric filters, want 1", len(filters))
			}
			for _, mf := range filters {
				p := props(mf)
				if got := s.str(p["LogGroupName"]); got != "ref:quarantine-logs" {
					t.Errorf("metric filter on %s, want the quarantine function's logs", got)
				}
				if p["FilterPattern"] != `{ $.message = "quarantined" }` {
					t.Errorf("filter pattern %v", p["FilterPattern"])
				}
			}

			alarms := s.ofType("AWS::CloudWatch::Alarm")
			wantAlarms := 3
			if s.stack.Reprocess != nil {
				wantAlarms = 4
			}
			if len(alarms) != wantAlarms {
				t.Errorf("got %d alarms, want %d", len(alarms), wantAlarms)
			}
			var text []string
			for _, a := range alarms {
				p := props(a)
				text = append(text, s.str(p["Metrics"])+s.str(p["MetricName"]))
				if p["Threshold"] != float64(1) || p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" {
					t.Errorf("alarm %v: threshold %v %v, want >= 1", p["AlarmDescription"], p["ComparisonOperator"], p["Threshold"])
				}
				actions := s.str(p["AlarmActions"])
				if s.stack.AlarmTopic != nil && actions != "[ref:alarm-topic]" {
					t.Errorf("alarm %v actions %s, want the SNS topic", p["AlarmDescription"], actions)
				}
				if s.stack.AlarmTopic == nil && p["AlarmActions"] != nil {
					t.Errorf("alarm %v has actions %s without a topic configured", p["AlarmDescription"], actions)
				}
			}
			all := strings.Join(text, "\n")
			for _, want := range []string{"ExecutionsFailed", "ApproximateNumberOfMessagesVisible", "Throttles", "ExecutionThrottled"} {
				if !strings.Contains(all, want) {
					t.Errorf("no alarm watches %s", want)
				}
			}
			topics := s.ofType("AWS::SNS::Topic")
			subs := s.ofType("AWS::SNS::Subscription")
			if s.stack.Config.AlarmEmail != "" {
				if len(topics) != 1 || len(subs) != 1 {
					t.Fatalf("got %d topics, %d subscriptions, want 1, 1", len(topics), len(subs))
				}
				for _, sub := range subs {
					if p := props(sub); p["Protocol"] != "email" || p["Endpoint"] != s.stack.Config.AlarmEmail {
						t.Errorf("subscription %s", s.str(p))
					}
				}
			} else if len(topics) != 0 {
				t.Errorf("got %d topics without an alarm email", len(topics))
			}
		})
	}
}

func TestOutputs(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		want := []string{"DashboardUrl", "DeadLetterQueueUrl", "IngestStateMachineArn", "InputBucketName", "OutputBucketName", "ScratchBucketName"}
		if s.stack.Reprocess != nil {
			want = append(want, "ReprocessStateMachineArn")
		}
		if s.stack.AlarmTopic != nil {
			want = append(want, "AlarmTopicArn")
		}
		slices.Sort(want)
		got := sortedKeys(s.outputs)
		if !slices.Equal(got, want) {
			t.Errorf("%s outputs %v, want %v", s.stack.Config.StackName, got, want)
		}
		url := s.str(s.outputs["DashboardUrl"].(map[string]any)["Value"])
		if want := "#dashboards:name=" + s.stack.Config.StackName; !strings.HasSuffix(url, want) || !strings.HasPrefix(url, "https://") {
			t.Errorf("dashboard URL %s, want https://… ending %s", url, want)
		}
		for k, ref := range map[string]string{"InputBucketName": "ref:input", "OutputBucketName": "ref:output", "ScratchBucketName": "ref:scratch", "IngestStateMachineArn": "ref:ingest"} {
			if got := s.str(s.outputs[k].(map[string]any)["Value"]); got != ref {
				t.Errorf("output %s = %s, want %s", k, got, ref)
			}
		}
	}
}

// The assertions library's own matchers, for the properties a reader of
// the brief checks first.
func TestTemplateMatchers(t *testing.T) {
	tpl := defaults.template
	must(t, "express ingest machine with full logging and tracing", func() {
		tpl.HasResourceProperties(jsii.String("AWS::StepFunctions::StateMachine"), &map[string]any{
			"StateMachineType":     "EXPRESS",
			"DefinitionString":     string(statemachine.Ingest),
			"LoggingConfiguration": map[string]any{"Level": "ALL", "IncludeExecutionData": true},
			"TracingConfiguration": map[string]any{"Enabled": true},
		})
	})
	must(t, "one arm64 provided.al2023 function per handler, with active tracing", func() {
		tpl.ResourcePropertiesCountIs(jsii.String("AWS::Lambda::Function"), &map[string]any{
			"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "TracingConfig": map[string]any{"Mode": "Active"},
		}, jsii.Number(float64(len(statemachine.Functions))))
	})
	must(t, "input bucket sends events to EventBridge", func() {
		tpl.HasResourceProperties(jsii.String("Custom::S3BucketNotifications"), &map[string]any{
			"BucketName":                map[string]any{"Ref": defaults.lidOf(inputBucket)},
			"NotificationConfiguration": map[string]any{"EventBridgeConfiguration": map[string]any{}},
		})
	})
	must(t, "scratch expiry", func() {
		tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), &map[string]any{
			"LifecycleConfiguration": map[string]any{"Rules": assertions.Match_ArrayWith(&[]any{
				assertions.Match_ObjectLike(&map[string]any{"Prefix": tasks.DefaultScratchPrefix, "ExpirationInDays": 1, "Status": "Enabled"}),
			})},
		})
	})
	// The matchers must be able to fail, or the checks above prove nothing.
	failed := false
	func() {
		defer func() { failed = recover() != nil }()
		tpl.HasResourceProperties(jsii.String("AWS::StepFunctions::StateMachine"), &map[string]any{"StateMachineType": "NOPE"})
	}()
	if !failed {
		t.Error("a matcher for a property no resource has did not fail")
	}
}
