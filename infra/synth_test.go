package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Synthesis starts a node process and takes seconds, so every test shares
// two stacks synthesized once in TestMain: the defaults, and a "custom" one
// that turns every option away from its default.
var defaults, custom *synth

var dump = flag.String("dump", "", "write the synthesized templates into this directory")

var customConfig = func() Config {
	c := DefaultConfig()
	c.StackName = "imgprep-test"
	c.KeyPrefix = "uploads/"
	c.Params.Width, c.Params.Height, c.Params.Mode, c.Params.Format = 128, 96, "fit", "jpeg"
	c.Limits.MaxPixels = 30_000_000
	c.GrayscaleMemoryMB = 1024
	c.Destroy = true
	c.AlarmEmail = "ops@example.com"
	return c
}()

func TestMain(m *testing.M) {
	code, err := synthesizeAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "infra tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func synthesizeAndRun(m *testing.M) (int, error) {
	defer jsii.Close()
	root, err := repoRoot(".")
	if err != nil {
		return 0, err
	}
	dir, err := EnsureBootstrap(root, false)
	if err != nil {
		return 0, err
	}
	// One app each: an app synthesizes once, and Template_FromStack synthesizes.
	if defaults, err = newSynth(awscdk.NewApp(nil), "Defaults", DefaultConfig(), dir); err != nil {
		return 0, err
	}
	if custom, err = newSynth(awscdk.NewApp(nil), "Custom", customConfig, dir); err != nil {
		return 0, err
	}
	flag.Parse()
	if *dump != "" {
		for _, s := range []*synth{defaults, custom} {
			b, _ := json.MarshalIndent(s.template.ToJSON(), "", "  ")
			if err := os.WriteFile(filepath.Join(*dump, s.stack.Config.StackName+".template.json"), b, 0o644); err != nil {
				return 0, err
			}
		}
	}
	return m.Run(), nil
}

// synth is one synthesized stack: the assertions Template and its JSON.
type synth struct {
	stack     *Stack
	lambdaDir string
	template  assertions.Template
	resources map[string]map[string]any // logical id → resource
	outputs   map[string]any
	// names gives the role ("input", "validate", "ingest" …) of the
	// logical ids tests refer to.
	names map[string]string
}

func newSynth(app awscdk.App, id string, c Config, lambdaDir string) (*synth, error) {
	st, err := NewStack(app, id, &StackProps{Config: c, LambdaDir: lambdaDir})
	if err != nil {
		return nil, err
	}
	tpl := assertions.Template_FromStack(st.Stack, nil)
	js := *tpl.ToJSON()
	s := &synth{stack: st, lambdaDir: lambdaDir, template: tpl, resources: map[string]map[string]any{}, names: map[string]string{}}
	for lid, r := range js["Resources"].(map[string]any) {
		s.resources[lid] = r.(map[string]any)
	}
	s.outputs, _ = js["Outputs"].(map[string]any)
	name := func(n string, el awscdk.CfnElement) { s.names[*st.Stack.GetLogicalId(el)] = n }
	name(inputBucket, st.InputBucket.Node().DefaultChild().(awscdk.CfnElement))
	name(outputBucket, st.OutputBucket.Node().DefaultChild().(awscdk.CfnElement))
	name(scratchBucket, st.ScratchBucket.Node().DefaultChild().(awscdk.CfnElement))
	for h, fn := range st.Functions {
		name(h, fn.Node().DefaultChild().(awscdk.CfnElement))
		name(h+"-logs", st.FunctionLogs[h].Node().DefaultChild().(awscdk.CfnElement))
	}
	name("ingest", st.Ingest.Node().DefaultChild().(awscdk.CfnElement))
	if st.Reprocess != nil {
		name("reprocess", st.Reprocess.Node().DefaultChild().(awscdk.CfnElement))
	}
	if c.AlarmEmail != "" {
		name("alarm-topic", st.AlarmTopic.Node().DefaultChild().(awscdk.CfnElement))
	}
	name("dlq", st.DeadLetterQueue.Node().DefaultChild().(awscdk.CfnElement))
	name("rule", st.Rule.Node().DefaultChild().(awscdk.CfnElement))
	return s, nil
}

// lid returns the logical id with the given role name.
func (s *synth) lid(t *testing.T, name string) string {
	t.Helper()
	for id, n := range s.names {
		if n == name {
			return id
		}
	}
	t.Fatalf("no resource named %q", name)
	return ""
}

func (s *synth) lidOf(name string) string {
	for id, n := range s.names {
		if n == name {
			return id
		}
	}
	return ""
}

func (s *synth) ofType(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.resources {
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// str renders a template value with intrinsic functions in a short, stable
// text form: GetAtt/Ref of a named resource become its name
// ("input", "validate.Arn"), Fn::Join is joined.
func (s *synth) str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = s.str(p)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		if ref, ok := v["Ref"].(string); ok {
			return "ref:" + s.nameOf(ref)
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return s.nameOf(ga[0].(string)) + "." + ga[1].(string)
		}
		if j, ok := v["Fn::Join"].([]any); ok && len(j) == 2 {
			var b strings.Builder
			for i, p := range j[1].([]any) {
				if i > 0 {
					b.WriteString(j[0].(string))
				}
				b.WriteString(s.str(p))
			}
			return b.String()
		}
	}
	b, _ := json.Marshal(s.plain(v))
	return string(b)
}

// plain replaces every intrinsic function inside v by its str form.
func (s *synth) plain(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = s.plain(x)
		}
		return out
	case map[string]any:
		for _, k := range []string{"Ref", "Fn::GetAtt", "Fn::Join"} {
			if _, ok := v[k]; ok && len(v) == 1 {
				return s.str(v)
			}
		}
		out := map[string]any{}
		for k, x := range v {
			out[k] = s.plain(x)
		}
		return out
	}
	return v
}

func (s *synth) nameOf(lid string) string {
	if n, ok := s.names[lid]; ok {
		return n
	}
	if strings.HasPrefix(lid, "AWS::") {
		return lid
	}
	return "?" + lid
}

func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// statements flattens the policies attached to a role into sorted lines
// "Effect action resource [condition]", one per action and resource.
func (s *synth) statements(t *testing.T, roleArn any) []string {
	t.Helper()
	ga, ok := roleArn.(map[string]any)["Fn::GetAtt"].([]any)
	if !ok {
		t.Fatalf("role %v is not a GetAtt of a role in the stack", roleArn)
	}
	roleID := ga[0].(string)
	var lines []string
	for _, p := range s.ofType("AWS::IAM::Policy") {
		for _, r := range list(props(p)["Roles"]) {
			if r.(map[string]any)["Ref"] != roleID {
				continue
			}
			lines = append(lines, s.flatten(props(p)["PolicyDocument"])...)
		}
	}
	for _, p := range list(props(s.resources[roleID])["Policies"]) {
		lines = append(lines, s.flatten(p.(map[string]any)["PolicyDocument"])...)
	}
	sort.Strings(lines)
	return lines
}

func (s *synth) flatten(doc any) []string {
	var lines []string
	for _, st := range list(doc.(map[string]any)["Statement"]) {
		st := st.(map[string]any)
		cond := ""
		if c, ok := st["Condition"]; ok {
			cond = " " + s.str(c)
		}
		resources := list(st["Resource"])
		if resources == nil {
			resources = []any{"-"} // trust policies name a Principal instead
		}
		for _, a := range list(st["Action"]) {
			for _, r := range resources {
				lines = append(lines, fmt.Sprintf("%s %s %s%s", st["Effect"], a, s.str(r), cond))
			}
		}
	}
	return lines
}

// must runs an assertions call, which panics (a JavaScript exception) on
// a mismatch, and reports the mismatch as a test error.
func must(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}
