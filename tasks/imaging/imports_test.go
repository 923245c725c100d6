package imaging

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsStayPure keeps doc.go's promise: this package uses the
// standard library, golang.org/x/image and its own fastjpeg subpackage,
// nothing from AWS or the rest of imgprep.
func TestImportsStayPure(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			stdlib := !strings.Contains(strings.Split(path, "/")[0], ".")
			ok := stdlib || strings.HasPrefix(path, "golang.org/x/image/") ||
				path == "github.com/imgprep/imgprep/tasks/imaging/fastjpeg"
			if !ok {
				t.Errorf("%s imports %s; imaging may import only the standard library, golang.org/x/image and fastjpeg", f, path)
			}
		}
	}
}
