// Command imgprep runs the image-preprocessing pipeline on the embedded
// default (no AWS), executes state machine definitions locally, and talks to
// the local or AWS Step Functions API.
//
// Each subcommand lives in its own file and registers itself in init, so the
// main function stays a dispatcher.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0 // the work was done; every input is accounted for
	exitFailure  = 1 // the command ran but something it was asked to do failed
	exitUsage    = 2 // bad flags or arguments
	exitInternal = 3 // the embedded stack could not start or broke down
)

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	if _, dup := commands[name]; dup {
		panic("imgprep: command registered twice: " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "imgprep: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: imgprep <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'imgprep <command> -h' for the flags of one command.")
	fmt.Fprintln(w, "Exit codes: 0 done, 1 some work failed, 2 bad usage, 3 the embedded stack failed.")
}
