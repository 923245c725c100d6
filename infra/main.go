package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	defer jsii.Close()
	// Under the CDK CLI, CDK_OUTDIR says where to write; run alone
	// (`go run ./infra`), write to cdk.out as the CLI would, not to a
	// temporary directory nobody finds.
	var props *awscdk.AppProps
	standalone := os.Getenv("CDK_OUTDIR") == ""
	if standalone {
		props = &awscdk.AppProps{Outdir: jsii.String("cdk.out")}
	}
	app := awscdk.NewApp(props)
	cfg, err := LoadConfig(contextLookup(app), os.LookupEnv)
	if err != nil {
		return err
	}
	dir, err := lambdaAsset()
	if err != nil {
		return err
	}
	st, err := NewStack(app, "Imgprep", &StackProps{
		StackProps: awscdk.StackProps{Env: envFromCLI()},
		Config:     cfg,
		LambdaDir:  dir,
	})
	if err != nil {
		return err
	}
	asm := app.Synth(nil)
	if standalone {
		fmt.Fprintf(os.Stderr, "synthesized stack %s into %s\n", cfg.StackName, filepath.Join(*asm.Directory(), *st.Stack.TemplateFile()))
	}
	return nil
}

// lambdaAsset is IMGPREP_LAMBDA_DIR when set (a bootstrap built
// elsewhere, e.g. once in CI), else build/lambda, rebuilt now.
func lambdaAsset() (string, error) {
	if dir := os.Getenv("IMGPREP_LAMBDA_DIR"); dir != "" {
		if !isFile(filepath.Join(dir, "bootstrap")) {
			return "", fmt.Errorf("infra: IMGPREP_LAMBDA_DIR=%s holds no bootstrap", dir)
		}
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := repoRoot(wd)
	if err != nil {
		return "", err
	}
	return EnsureBootstrap(root, true)
}

// contextLookup reads CDK context (cdk.json, ~/.cdk.json, -c key=value); a
// value from cdk.json may be a bool or number, so it is printed back to text.
func contextLookup(app awscdk.App) func(string) (string, bool) {
	return func(key string) (string, bool) {
		v := app.Node().TryGetContext(jsii.String(key))
		if v == nil {
			return "", false
		}
		if s, ok := v.(string); ok {
			return s, true
		}
		return fmt.Sprint(v), true
	}
}

// envFromCLI pins the stack to the account and region of the CLI's
// credentials when the CLI provides them; without them the template stays
// environment-agnostic (as under `go run ./infra`).
func envFromCLI() *awscdk.Environment {
	account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION")
	if account == "" || region == "" {
		return nil
	}
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
