//go:build tools

// Package tools lists the CoreDNS command this wrapper module builds (never compiled).
package tools

import (
	_ "github.com/coredns/coredns"
)
