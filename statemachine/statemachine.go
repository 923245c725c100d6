package statemachine

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Ingest is the Express workflow started for every upload.
//
//go:embed ingest.asl.json
var Ingest []byte

// Reprocess is the Standard workflow that runs the same chain over every
// object under a prefix, through a Distributed Map.
//
//go:embed reprocess.asl.json
var Reprocess []byte

// Function is one task handler the definitions call: its handler name (the
// _HANDLER of the single Lambda binary) and the substitution that carries its
// ARN in the definitions.
type Function struct {
	Handler      string
	Substitution string
}

// Functions lists every task handler: the chain in order, then quarantine
// and the reprocess-only check.
var Functions = []Function{
	{Handler: "validate", Substitution: "ValidateFunctionArn"},
	{Handler: "grayscale", Substitution: "GrayscaleFunctionArn"},
	{Handler: "resize", Substitution: "ResizeFunctionArn"},
	{Handler: "store", Substitution: "StoreFunctionArn"},
	{Handler: "quarantine", Substitution: "QuarantineFunctionArn"},
	// Used by reprocess only: is the output already there? And the sum of
	// the counts its children wrote.
	{Handler: "check", Substitution: "CheckFunctionArn"},
	{Handler: "summarize", Substitution: "SummarizeFunctionArn"},
}

// OutputBucketSubstitution carries the output bucket's name: reprocess
// writes its map run results there (under reprocess-results/).
const OutputBucketSubstitution = "OutputBucketName"

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)\}`)

// Placeholders returns the substitution names a definition uses, sorted.
func Placeholders(def []byte) []string {
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllSubmatch(def, -1) {
		seen[string(m[1])] = true
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Render replaces every ${Name} in def with subs[Name], as Step Functions does
// with DefinitionSubstitutions. A placeholder without a value is an error, so a
// local run never starts with an unresolved ARN.
func Render(def []byte, subs map[string]string) ([]byte, error) {
	var missing []string
	out := placeholder.ReplaceAllFunc(def, func(m []byte) []byte {
		name := string(m[2 : len(m)-1])
		v, ok := subs[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("statemachine: no value for substitution %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// LocalFunctionARN is the ARN the embedded stack gives a handler; the local
// Lambda invoker resolves it back to the in-process handler.
func LocalFunctionARN(region, account, handler string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:imgprep-%s", region, account, handler)
}

// LocalSubstitutions maps every Function's substitution to its local ARN,
// and the output bucket's to its name.
func LocalSubstitutions(region, account, outputBucket string) map[string]string {
	subs := make(map[string]string, len(Functions)+1)
	for _, f := range Functions {
		subs[f.Substitution] = LocalFunctionARN(region, account, f.Handler)
	}
	subs[OutputBucketSubstitution] = outputBucket
	return subs
}
