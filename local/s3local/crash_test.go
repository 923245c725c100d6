package s3local

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// childDirEnv makes the test binary act as a bare endpoint process (see
// TestMain), so a test can kill it with SIGKILL like a crash.
const childDirEnv = "S3LOCAL_TEST_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		runChild(dir)
		return
	}
	os.Exit(m.Run())
}

func runChild(dir string) {
	s, err := Start(context.Background(), Config{Dir: dir})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Println("ENDPOINT", s.Endpoint())
	// Serve until killed; never read Events, never ack.
	select {}
}

// The process dies (SIGKILL, no Close) right after PutObject returned: the
// object and its event must both be there at the next Start.
func TestAcknowledgedUploadSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	endpoint := ""
	sc := bufio.NewScanner(stdout)
	deadline := time.After(20 * time.Second)
	lines := make(chan string)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for endpoint == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("child exited before serving")
			}
			if e, found := strings.CutPrefix(l, "ENDPOINT "); found {
				endpoint = e
			}
		case <-deadline:
			t.Fatal("child did not start")
		}
	}
	go func() {
		for range lines {
		}
	}()

	c := newClientAt(endpoint, DefaultRegion, DefaultAccessKey, DefaultSecretKey)
	put(t, c, testBucket, "crash/a b.jpg", "survives")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s := startServer(t, Config{Dir: dir})
	d, ev := nextEvent(t, s)
	if ev.Detail.Object.Key != "crash/a+b.jpg" || ev.Detail.Reason != "PutObject" || ev.Detail.Object.Size != 8 {
		t.Errorf("after kill: got %s, want the PutObject event of crash/a+b.jpg, size 8", d.Event)
	}
	if b, err := readFile(s.ObjectPath(testBucket, "crash/a b.jpg")); err != nil || b != "survives" {
		t.Errorf("object after kill = %q, %v; want %q", b, err, "survives")
	}
}
