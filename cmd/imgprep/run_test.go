package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunThenReprocess is the acceptance path of the CLI on the embedded
// default: run over the sample images, then reprocess them all to 128x128
// through the sfn API.
func TestRunThenReprocess(t *testing.T) {
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"run", "--data", data, "--json", "../../testdata/images"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("run: exit %d, stderr:\n%s", code, stderr.String())
	}
	var processed, rejected int
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var r runResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("run --json line %q: %v", sc.Text(), err)
		}
		bad := strings.Contains(r.Key, "bomb") || strings.Contains(r.Key, "truncated") || strings.Contains(r.Key, "text_named")
		switch {
		case r.Status == "processed" && !bad:
			processed++
			f, err := os.Open(r.Output)
			if err != nil {
				t.Fatalf("%s: output %s: %v", r.Key, r.Output, err)
			}
			cfg, err := png.DecodeConfig(f)
			f.Close()
			if err != nil || cfg.Width != 256 || cfg.Height != 256 {
				t.Errorf("%s: output %dx%d (%v), want 256x256 PNG", r.Key, cfg.Width, cfg.Height, err)
			}
		case r.Status == "rejected" && bad:
			rejected++
			if r.Error == "" || r.Reason == "" || r.Execution == "" {
				t.Errorf("%s: rejected without error, reason or execution: %+v", r.Key, r)
			}
		default:
			t.Errorf("%s: status %s (%s: %s)", r.Key, r.Status, r.Error, r.Reason)
		}
	}
	if processed != 5 || rejected != 3 {
		t.Fatalf("run: %d processed, %d rejected, want 5 and 3", processed, rejected)
	}

	stdout.Reset()
	stderr.Reset()
	if code := dispatch([]string{"reprocess", "--data", data, "--size", "128x128", "--wait", "--json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("reprocess: exit %d, stderr:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var sum struct {
		Execution, Status                           string
		Total, Processed, Rejected, Failed, Skipped int
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("reprocess --json last line %q: %v", lines[len(lines)-1], err)
	}
	if sum.Status != "SUCCEEDED" || sum.Total != 8 || sum.Processed != 5 || sum.Rejected != 3 || sum.Failed != 0 {
		t.Errorf("reprocess summary: got %+v, want SUCCEEDED 8 = 5 processed + 3 rejected", sum)
	}
	outs, _ := filepath.Glob(filepath.Join(data, "s3", "objects", "imgprep-output", "128x128-stretch", "images", "*"))
	if len(outs) != 5 {
		t.Errorf("128x128 outputs: got %d files, want 5", len(outs))
	}
}

func TestRunBadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no path", []string{"run", "--data", "x"}},
		{"missing path", []string{"run", "--data", "x", "/nonexistent/imgprep"}},
		{"bad size", []string{"run", "--size", "big", "."}},
		{"bad mode", []string{"run", "--mode", "zoom", "."}},
		{"bad format", []string{"run", "--format", "gif", "."}},
		{"unknown flag", []string{"run", "--nope", "."}},
		{"reprocess two targets", []string{"reprocess", "--data", "x", "--endpoint", "http://127.0.0.1:1"}},
		{"reprocess bad size", []string{"reprocess", "--size", "0x0"}},
		{"unknown command", []string{"frobnicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := dispatch(tt.args, &out, &errOut); code != exitUsage {
				t.Errorf("exit: got %d, want %d (stderr %q)", code, exitUsage, errOut.String())
			}
			if errOut.Len() == 0 {
				t.Error("no message on stderr")
			}
		})
	}
}
