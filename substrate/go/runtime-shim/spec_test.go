package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestSpecFileToPatch(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--root", "/run/docker/runtime-runc/moby", "--log", "/x/log.json", "--log-format", "json", "create", "--bundle", "/b/1", "--pid-file", "/b/1/init.pid", "id1"}, "/b/1/config.json"},
		{[]string{"--root", "/r", "exec", "--process", "/tmp/runc-process123", "--detach", "id1"}, "/tmp/runc-process123"},
		{[]string{"run", "-b=/b/2", "id2"}, "/b/2/config.json"},
		{[]string{"--root", "/r", "state", "id1"}, ""},
		{[]string{"--root", "/r", "delete", "--force", "id1"}, ""},
	}
	for _, c := range cases {
		if got := specFileToPatch(c.args); got != c.want {
			t.Errorf("specFileToPatch(%v) = %q, want %q", c.args, got, c.want)
		}
	}
}

func TestDropCapabilityInConfigAndProcess(t *testing.T) {
	dir := t.TempDir()
	all := []string{"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_SYS_RESOURCE", "CAP_NET_ADMIN"}
	config := map[string]any{"ociVersion": "1.0.2", "process": map[string]any{"capabilities": map[string]any{
		"bounding": all, "effective": all, "permitted": all, "inheritable": all,
	}}}
	process := map[string]any{"args": []string{"sh"}, "capabilities": map[string]any{"bounding": all, "ambient": []string{}}}
	for name, doc := range map[string]any{"config.json": config, "process.json": process} {
		p := filepath.Join(dir, name)
		raw, _ := json.Marshal(doc)
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := dropCapabilityInFile(p, "CAP_SYS_RESOURCE"); err != nil {
			t.Fatal(err)
		}
		back, _ := os.ReadFile(p)
		var parsed map[string]any
		if err := json.Unmarshal(back, &parsed); err != nil {
			t.Fatal(err)
		}
		caps := parsed["capabilities"]
		if proc, ok := parsed["process"].(map[string]any); ok {
			caps = proc["capabilities"]
		}
		for set, list := range caps.(map[string]any) {
			for _, c := range list.([]any) {
				if c == "CAP_SYS_RESOURCE" {
					t.Errorf("%s: %s still holds CAP_SYS_RESOURCE", name, set)
				}
			}
		}
		if set := caps.(map[string]any)["bounding"].([]any); len(set) != 3 {
			t.Errorf("%s: bounding set should keep the other 3 capabilities, got %v", name, set)
		}
		st, _ := os.Stat(p)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode changed to %v", name, st.Mode().Perm())
		}
	}
}
