package sfnapi_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The API sits beside the stack, not above it (doc.go).
func TestImportsStayInLayer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	forbidden := []string{"github.com/imgprep/imgprep/tasks", "github.com/imgprep/imgprep/cmd",
		"github.com/imgprep/imgprep/infra", "github.com/imgprep/imgprep/local/stack", "github.com/aws/aws-cdk-go"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("local/sfnapi depends on %s", dep)
			}
		}
	}
}
