package s3event

import (
	"go/build"
	"strings"
	"testing"
)

// s3event is imported by tasks and by local/s3local alike, so it must stay a
// leaf: standard library only.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
			t.Errorf("s3event imports %q, want standard library only", imp)
		}
	}
}
