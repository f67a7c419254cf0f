package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// specFileToPatch returns the JSON file runc will read the process capabilities from, or "" when the
// command carries no capabilities (state, kill, delete, ...). create/run read <bundle>/config.json
// (bundle from --bundle/-b, default the working directory); exec reads the file given by --process/-p.
func specFileToPatch(args []string) string {
	sub, rest := subcommand(args)
	switch sub {
	case "create", "run":
		bundle := flagValue(rest, "--bundle", "-b")
		if bundle == "" {
			bundle = "."
		}
		return filepath.Join(bundle, "config.json")
	case "exec":
		return flagValue(rest, "--process", "-p")
	}
	return ""
}

// globalFlagsWithValue are runc's global options that take a separate value argument; knowing them
// lets us find the subcommand without mistaking a flag's value for it.
var globalFlagsWithValue = map[string]bool{
	"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true,
}

func subcommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if globalFlagsWithValue[a] && !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		return a, args[i+1:]
	}
	return "", nil
}

func flagValue(args []string, long, short string) string {
	for i, a := range args {
		if a == long || a == short {
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		for _, name := range []string{long, short} {
			if strings.HasPrefix(a, name+"=") {
				return strings.TrimPrefix(a, name+"=")
			}
		}
	}
	return ""
}

// dropCapabilityInFile rewrites an OCI config.json (capabilities under .process.capabilities) or an
// exec process.json (capabilities at the top level), leaving the file untouched when the capability
// is absent.
func dropCapabilityInFile(path, capability string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	changed := false
	if proc, ok := doc["process"].(map[string]any); ok {
		changed = dropFromCapabilitySets(proc, capability) || changed
	}
	changed = dropFromCapabilitySets(doc, capability) || changed
	if !changed {
		return nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".runtime-shim"
	if err := os.WriteFile(tmp, out, st.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func dropFromCapabilitySets(holder map[string]any, capability string) bool {
	caps, ok := holder["capabilities"].(map[string]any)
	if !ok {
		return false
	}
	changed := false
	for set, v := range caps {
		list, ok := v.([]any)
		if !ok {
			continue
		}
		kept := make([]any, 0, len(list))
		for _, c := range list {
			if c == capability {
				changed = true
				continue
			}
			kept = append(kept, c)
		}
		caps[set] = kept
	}
	return changed
}
