// runtime-shim is registered as dockerd's default OCI runtime on hosts whose capability bounding set
// lacks CAP_SYS_RESOURCE (see shared/FACTS.md). Docker asks for every capability in a --privileged
// container, and for `docker exec` into one; stock runc then fails with "unable to apply caps:
// operation not permitted", because no process on this host may hold that capability. The shim
// removes that one capability from the OCI spec runc is about to read, then execs the real runc
// with the original arguments. Everything else passes through untouched.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// realRuncCandidates are tried in order; Debian's runc package installs /usr/sbin/runc.
var realRuncCandidates = []string{"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"}

const droppedCapability = "CAP_SYS_RESOURCE"

func main() {
	args := os.Args[1:]
	if target := specFileToPatch(args); target != "" {
		if err := dropCapabilityInFile(target, droppedCapability); err != nil {
			// Fail loudly: running runc on the unpatched spec would fail with a far less helpful error.
			fmt.Fprintf(os.Stderr, "runtime-shim: cannot drop %s from %s: %v\n", droppedCapability, target, err)
			os.Exit(1)
		}
	}
	real := findRealRunc()
	if real == "" {
		fmt.Fprintln(os.Stderr, "runtime-shim: no runc found; install Debian's runc package")
		os.Exit(1)
	}
	argv := append([]string{real}, args...)
	if err := syscall.Exec(real, argv, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "runtime-shim: exec %s: %v\n", real, err)
		os.Exit(1)
	}
}

func findRealRunc() string {
	self, _ := os.Executable()
	for _, c := range realRuncCandidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			if abs, _ := filepath.EvalSymlinks(c); abs != self {
				return c
			}
		}
	}
	return ""
}
