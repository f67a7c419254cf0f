package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIfChanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "net.d", conflistName) // dir is created on demand
	for i, tc := range []struct {
		content string
		want    bool
	}{{"a", true}, {"a", false}, {"b", true}} {
		wrote, err := writeIfChanged(path, []byte(tc.content))
		if err != nil || wrote != tc.want {
			t.Fatalf("step %d: wrote=%v err=%v, want %v", i, wrote, err, tc.want)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "b" {
		t.Errorf("content = %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v", st.Mode())
	}
}
