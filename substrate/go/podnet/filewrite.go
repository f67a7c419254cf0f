package main

import (
	"bytes"
	"os"
	"path/filepath"
)

// writeIfChanged replaces path with content atomically (temp file + rename
// in the same directory) and reports whether it wrote. containerd watches
// the directory, so it must never observe a half-written conflist, and
// rewriting identical content would only cause spurious reloads.
func writeIfChanged(path string, content []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return false, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	// Leading dot + non-.conf suffix: containerd ignores the temp file.
	tmp, err := os.CreateTemp(dir, ".podnet-*.tmp")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return false, err
	}
	return true, nil
}
