package main

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"
	"time"
)

func TestThrottledLog(t *testing.T) {
	var buf bytes.Buffer
	log.SetOutput(&buf)
	defer log.SetOutput(os.Stderr)
	now := time.Unix(0, 0)
	tl := newThrottledLog(time.Minute)
	tl.now = func() time.Time { return now }

	tl.Printf("api", "down")
	now = now.Add(5 * time.Second)
	tl.Printf("api", "down")
	tl.Printf("api", "down")
	now = now.Add(time.Minute)
	tl.Printf("api", "down")
	out := buf.String()
	if n := strings.Count(out, "down"); n != 2 {
		t.Errorf("want 2 lines, got %d:\n%s", n, out)
	}
	if !strings.Contains(out, "(2 similar suppressed)") {
		t.Errorf("missing suppressed count:\n%s", out)
	}
	if !tl.Clear("api") || tl.Clear("api") {
		t.Errorf("Clear should report a prior failure exactly once")
	}
}
