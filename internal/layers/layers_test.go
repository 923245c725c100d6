package layers

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/imgprep/imgprep"

type pkg struct {
	ImportPath string
	Deps       []string
}

// rules: a package (or a tree, with "/...") must not depend on any of the
// listed prefixes.
var rules = []struct {
	pkg       string
	forbidden []string
}{
	{mod + "/tasks/imaging/...", []string{"github.com/aws/", mod + "/tasks", mod + "/local", mod + "/statemachine", mod + "/infra", mod + "/cmd", "net/http"}},
	{mod + "/statemachine/asl/...", []string{"github.com/aws/", mod + "/tasks", mod + "/local", mod + "/infra", mod + "/cmd", "net/http", "os/exec"}},
	{mod + "/statemachine", []string{"github.com/aws/", mod + "/tasks", mod + "/local", mod + "/infra", mod + "/cmd"}},
	{mod + "/tasks", []string{mod + "/local", mod + "/statemachine", mod + "/infra", mod + "/cmd"}},
	{mod + "/s3event", []string{"github.com/aws/", mod + "/tasks", mod + "/local", mod + "/statemachine", mod + "/infra", mod + "/cmd"}},
	{mod + "/local/...", []string{mod + "/infra", mod + "/cmd"}},
	{mod + "/cmd/...", []string{mod + "/infra"}},
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json", mod+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func matches(pattern, path string) bool {
	if tree, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == tree || strings.HasPrefix(path, tree+"/")
	}
	return path == pattern
}

func TestLayers(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 5 {
		t.Fatalf("go list found %d packages, want the whole module", len(pkgs))
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

func violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !matches(r.pkg, p.ImportPath) {
				continue
			}
			for _, d := range p.Deps {
				if matches(r.pkg, d) {
					continue // a tree may use its own subpackages
				}
				for _, f := range r.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
						out = append(out, p.ImportPath+" depends on "+d+" (rule: "+r.pkg+" must not import "+f+")")
					}
				}
			}
		}
		for _, d := range p.Deps {
			if strings.HasPrefix(d, mod+"/cmd/") {
				out = append(out, p.ImportPath+" imports "+d+": nothing imports cmd")
			}
			if (strings.HasPrefix(d, "github.com/aws/aws-cdk-go/") || strings.HasPrefix(d, "github.com/aws/jsii-runtime-go")) && !matches(mod+"/infra/...", p.ImportPath) {
				out = append(out, p.ImportPath+" depends on "+d+": only infra may use CDK")
			}
		}
	}
	return out
}

// TestViolationsReported keeps the checker honest on made-up packages.
func TestViolationsReported(t *testing.T) {
	tests := []struct {
		name string
		p    pkg
		want int
	}{
		{"clean", pkg{mod + "/tasks/imaging", []string{"image", "golang.org/x/image/webp", mod + "/tasks/imaging/fastjpeg"}}, 0},
		{"imaging uses the SDK", pkg{mod + "/tasks/imaging/fastjpeg", []string{"github.com/aws/aws-sdk-go-v2/aws"}}, 1},
		{"tasks imports local", pkg{mod + "/tasks", []string{mod + "/local/stack"}}, 1},
		{"local imports cmd", pkg{mod + "/local/stack", []string{mod + "/cmd/imgprep"}}, 2},
		{"cdk outside infra", pkg{mod + "/local/stack", []string{"github.com/aws/aws-cdk-go/awscdk/v2"}}, 1},
		{"cdk in infra", pkg{mod + "/infra", []string{"github.com/aws/aws-cdk-go/awscdk/v2"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := violations([]pkg{tt.p}); len(got) != tt.want {
				t.Errorf("got %d violations %v, want %d", len(got), got, tt.want)
			}
		})
	}
}
