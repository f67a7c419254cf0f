//go:build tools

// Package tools pins actionlint, the linter the unit tests run over .github/workflows: a broken
// nightly workflow must fail here, not at 3 a.m. Built from the Go module proxy like every other
// binary of the project (`go build github.com/rhysd/actionlint/cmd/actionlint`).
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
