//go:build tools

// Package tools lists the kind command this wrapper module builds (never compiled).
package tools

import (
	_ "sigs.k8s.io/kind"
)
