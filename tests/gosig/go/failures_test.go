// failures_test.go - the ways a Go test fails, one test each, for racelab's
// built-in signatures (tests/gosig/test_gosig.c runs them by -test.run).
// Each failure varies from run to run the way real ones do, by the trial's
// RACELAB_SEED: how long the test took, which index was out of range.
package gosig

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// seed is RACELAB_SEED, or 0.
func seed() uint64 {
	s, _ := strconv.ParseUint(os.Getenv("RACELAB_SEED"), 10, 64)
	return s
}

// A plain failure: t.Errorf, after 0 to 40 ms, so "--- FAIL: TestErrorf
// (0.0Ns)" differs between trials.
func TestErrorf(t *testing.T) {
	time.Sleep(time.Duration(seed()%5) * 10 * time.Millisecond)
	t.Errorf("counter %d, want 0", 1)
}

// A panic: an index 3 to 7 into a slice of length 3.
func TestIndex(t *testing.T) {
	s := make([]int, 3)
	i := 3 + int(seed()%5)
	s[i]++
}

// A test that outlives -test.timeout: Go's testing package panics.
func TestTimeout(t *testing.T) {
	time.Sleep(time.Minute)
}

// A data race between the test and a goroutine, for -race builds.
func TestRace(t *testing.T) {
	x := 0
	done := make(chan bool)
	go func() {
		x++
		done <- true
	}()
	x++
	<-done
	if x < 0 {
		t.Log(x)
	}
}
