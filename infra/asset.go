package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Where the Lambda asset lives, relative to the repository root.
const (
	lambdaDir   = "build/lambda"
	buildScript = "scripts/build-lambda.sh"
)

// repoRoot finds the repository root (the directory holding go.mod and
// cdk.json) from dir upwards: `cdk synth` runs the app from the root, `go
// test` from infra/.
func repoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "go.mod")) && isFile(filepath.Join(d, "cdk.json")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("infra: no go.mod with cdk.json above %s", dir)
		}
	}
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// EnsureBootstrap returns the asset directory holding the Lambda binary,
// building it with scripts/build-lambda.sh when it is missing, or always
// when rebuild is set (the app does, so a deploy never ships a stale
// binary; go's build cache makes an unchanged rebuild take a second or two).
func EnsureBootstrap(root string, rebuild bool) (string, error) {
	dir := filepath.Join(root, lambdaDir)
	if !rebuild && isFile(filepath.Join(dir, "bootstrap")) {
		return dir, nil
	}
	cmd := exec.Command("bash", filepath.Join(root, buildScript), dir)
	cmd.Dir = root
	// The CDK CLI reads the app's stdout as nothing but may print it:
	// keep the build's chatter on stderr.
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("infra: build Lambda binary with %s: %w", buildScript, err)
	}
	if !isFile(filepath.Join(dir, "bootstrap")) {
		return "", errors.New("infra: " + buildScript + " left no bootstrap in " + dir)
	}
	return dir, nil
}
