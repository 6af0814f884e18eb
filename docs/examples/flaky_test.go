// flaky_test.go - a Go test that fails now and then, for the walkthrough
// in docs/walkthrough.md: a worker's result races a deadline.
// Build the test binary: go mod init flaky && go test -c -o flaky.test
package flaky

import (
	"testing"
	"time"
)

func work(d time.Duration) <-chan int {
	c := make(chan int, 1)
	go func() { time.Sleep(d); c <- 42 }()
	return c
}

func TestDeadline(t *testing.T) {
	select {
	case v := <-work(1 * time.Millisecond):
		if v != 42 {
			t.Fatalf("got %d", v)
		}
	case <-time.After(3 * time.Millisecond):
		t.Errorf("worker missed the deadline")
	}
}
