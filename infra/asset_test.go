package main

import (
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBootstrapBinary checks the asset the functions deploy: a static
// linux/arm64 executable built from cmd/bootstrap with the flags
// provided.al2023 wants.
func TestBootstrapBinary(t *testing.T) {
	path := filepath.Join(defaults.lambdaDir, "bootstrap")
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("machine %v, want EM_AARCH64", f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary has a dynamic loader: want a static build (CGO_ENABLED=0)")
		}
	}
	if f.Section(".symtab") != nil {
		t.Error("binary has a symbol table: want -ldflags \"-s -w\"")
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Path != "github.com/imgprep/imgprep/cmd/bootstrap" {
		t.Errorf("built from %s, want cmd/bootstrap", info.Path)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for k, want := range map[string]string{"GOOS": "linux", "GOARCH": "arm64", "CGO_ENABLED": "0", "-tags": "lambda.norpc", "-trimpath": "true"} {
		if settings[k] != want {
			t.Errorf("build setting %s = %q, want %q", k, settings[k], want)
		}
	}
	// -trimpath keeps -ldflags out of the build info; -w shows as no DWARF.
	for _, sec := range f.Sections {
		if strings.HasPrefix(sec.Name, ".debug_") || strings.HasPrefix(sec.Name, ".zdebug_") {
			t.Errorf("binary has section %s: want -ldflags \"-s -w\"", sec.Name)
			break
		}
	}
}

// TestCDKJSON: `npx aws-cdk@2 synth` runs this package.
func TestCDKJSON(t *testing.T) {
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		App string `json:"app"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.App != "go run ./infra" {
		t.Errorf("cdk.json app %q, want go run ./infra", c.App)
	}
}

func TestStackNames(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		if got := *s.stack.Stack.StackName(); got != s.stack.Config.StackName {
			t.Errorf("stack name %q, want %q", got, s.stack.Config.StackName)
		}
	}
}
