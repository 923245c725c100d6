package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeExecFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExecCommand(t *testing.T) {
	dir := t.TempDir()
	fn := "arn:aws:lambda:us-east-1:123456789012:function:f"
	tests := []struct {
		name     string
		def      string
		input    string
		lambdas  string
		s3       string
		wantCode int
		want     map[string]any
	}{
		{"succeeds", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"a":1},"End":true}}}`, `{}`, "", "", exitOK,
			map[string]any{"status": "SUCCEEDED", "output": map[string]any{"a": 1.0}}},
		{"fails with exit 0", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}}`, `{}`, "", "", exitOK,
			map[string]any{"status": "FAILED", "error": "E", "cause": "C"}},
		{"scripted lambda", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fn + `","End":true}}}`, `{"x":1}`,
			`{"` + fn + `":{"behaviour":"constant","result":{"ok":true}}}`, "", exitOK,
			map[string]any{"status": "SUCCEEDED", "output": map[string]any{"ok": true}}},
		{"s3 item reader", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"k"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{}`, "", `{"objects":[{"bucket":"b","key":"k","body":"[1,2]"}]}`, exitOK,
			map[string]any{"status": "SUCCEEDED", "output": []any{1.0, 2.0}}},
		{"invalid definition", `{"StartAt":"X","States":{}}`, `{}`, "", "", exitFailure, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--definition", writeExecFile(t, dir, "def.json", tc.def), "--input", writeExecFile(t, dir, "in.json", tc.input)}
			if tc.lambdas != "" {
				args = append(args, "--lambdas", writeExecFile(t, dir, "l.json", tc.lambdas))
			}
			if tc.s3 != "" {
				args = append(args, "--s3", writeExecFile(t, dir, "s3.json", tc.s3))
			}
			var out, errOut bytes.Buffer
			if code := runExec(args, &out, &errOut); code != tc.wantCode {
				t.Fatalf("exit: got %d (%s), want %d", code, errOut.String(), tc.wantCode)
			}
			if tc.want == nil {
				return
			}
			var got map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("stdout %q: %v", out.String(), err)
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(tc.want)
			if string(gb) != string(wb) {
				t.Errorf("got %s, want %s", gb, wb)
			}
		})
	}
}

func TestExecUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runExec(nil, &out, &errOut); code != exitUsage {
		t.Errorf("no flags: got exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut.String(), "--definition DEF.json") {
		t.Errorf("usage text: got %q, want it to show --definition", errOut.String())
	}
	errOut.Reset()
	if code := runExec([]string{"-h"}, &out, &errOut); code != exitOK {
		t.Errorf("-h: got exit %d, want %d", code, exitOK)
	}
}
