package console_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The console is stdlib plus the Service it reads (doc.go): no AWS SDK of
// its own, nothing above it.
func TestImportsStayInLayer(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.Contains(imp, ".") && !strings.HasPrefix(imp, "github.com/imgprep/imgprep/") {
			t.Errorf("local/console imports %s directly, want stdlib only", imp)
		}
		for _, f := range []string{"tasks", "cmd", "infra", "local/stack"} {
			if strings.HasPrefix(imp, "github.com/imgprep/imgprep/"+f) {
				t.Errorf("local/console imports %s", imp)
			}
		}
	}
}
