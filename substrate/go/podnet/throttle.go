package main

import (
	"log"
	"time"
)

// throttledLog prints a message at most once per interval per key. During
// a chaos test the API can be unreachable for minutes; logging every 5 s
// poll failure would drown the useful "route added/removed" lines.
type throttledLog struct {
	interval   time.Duration
	now        func() time.Time
	last       map[string]time.Time
	suppressed map[string]int
}

func newThrottledLog(interval time.Duration) *throttledLog {
	return &throttledLog{
		interval:   interval,
		now:        time.Now,
		last:       map[string]time.Time{},
		suppressed: map[string]int{},
	}
}

// Printf logs under key unless the same key logged within the interval.
func (t *throttledLog) Printf(key, format string, args ...any) {
	now := t.now()
	if last, ok := t.last[key]; ok && now.Sub(last) < t.interval {
		t.suppressed[key]++
		return
	}
	if n := t.suppressed[key]; n > 0 {
		format += " (%d similar suppressed)"
		args = append(args, n)
	}
	log.Printf(format, args...)
	t.last[key] = now
	t.suppressed[key] = 0
}

// Clear forgets key and reports whether it had logged anything, so callers
// can emit a one-off "recovered" line after a run of failures.
func (t *throttledLog) Clear(key string) bool {
	_, had := t.last[key]
	delete(t.last, key)
	delete(t.suppressed, key)
	return had
}
