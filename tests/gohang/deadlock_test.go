// A test that deadlocks the way real ones do: two transfers between the
// same accounts in opposite directions, each holding its first account's
// lock while it waits for the other's.  A ticker keeps a timer pending,
// as a server's keepalives or a metrics flusher do, so Go's own deadlock
// detector stays quiet and the process just hangs: racelab's tests check
// that the hang's log names transfer.
package gohang

import (
	"sync"
	"testing"
	"time"
)

type account struct {
	mu      sync.Mutex
	balance int
}

func transfer(from, to *account, amount int, bothLocked *sync.WaitGroup) {
	from.mu.Lock()
	defer from.mu.Unlock()
	bothLocked.Done()
	bothLocked.Wait()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func TestTransfer(t *testing.T) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	go func() {
		for range tick.C {
		}
	}()
	a, b := &account{balance: 10}, &account{balance: 10}
	var bothLocked, done sync.WaitGroup
	bothLocked.Add(2)
	done.Add(2)
	go func() { defer done.Done(); transfer(a, b, 1, &bothLocked) }()
	go func() { defer done.Done(); transfer(b, a, 1, &bothLocked) }()
	done.Wait()
}
