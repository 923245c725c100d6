package asl_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine must stay free of AWS and of the layers above it (doc.go).
func TestImportsStayPure(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".", "./asltest").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	forbidden := []string{"github.com/aws/", "github.com/imgprep/imgprep/local", "github.com/imgprep/imgprep/tasks",
		"github.com/imgprep/imgprep/cmd", "github.com/imgprep/imgprep/infra"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("statemachine/asl depends on %s", dep)
			}
		}
	}
}
