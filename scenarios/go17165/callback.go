// The Go function that the C threads call.  It lives in its own file because
// a cgo file with //export may only declare, not define, C in its preamble.
package main

// #include "cthreads.h"
import "C"

const maxThreads = 64

// Per-thread state.  Slot i is only touched by C thread i (one callback at a
// time), so no lock is needed.
type slot struct {
	rng    uint64
	allocs uint64
	ring   [][]byte
	next   int
	// depthSink is written by every descend frame so the recursion is
	// not a tail call the compiler could turn into a loop.
	depthSink uint64
}

var (
	slots      [maxThreads]slot
	cbAllocs   int
	cbSize     int
	cbKeep     int
	cbSpinIter int
	cbDepth    int
	cbCgo      bool
	cbCSpin    int
)

// go17165Callback is what every C thread calls in a loop: each call borrows
// an extra M (needm) and gives it back on return (dropm).
//
//export go17165Callback
func go17165Callback(id C.int) {
	descend(&slots[int(id)], cbDepth)
}

// descend recurses n frames before doing the callback's work, so that the
// work runs under a deep Go stack.  When the profiler samples a moved M whose
// new owner is inside a Go->C call (see work), sigprof walks that owner's
// goroutine stack from its syscall sp while the trap on the sampled M is
// raised: the deeper the stack, the longer that walk (up to the profiler's
// 64 frames).  Four call sites give four return pcs, so the walk's pcvalue
// cache does not turn every frame into a hit.
//
//go:noinline
func descend(s *slot, n int) {
	switch {
	case n <= 0:
		work(s)
	case n&3 == 0:
		descend(s, n-1)
	case n&3 == 1:
		descend(s, n-1)
	case n&3 == 2:
		descend(s, n-1)
	default:
		descend(s, n-1)
	}
	s.depthSink++
}

// work allocates cbAllocs objects of about cbSize bytes (±50%, drawn from
// the thread's seeded generator), keeps the last cbKeep live so that the
// heap grows and the GC runs while samples are taken, and with -cgo makes a
// Go->C call after each allocation (which is what routes a profiler sample
// of this M through sigprof's syscallsp traceback).
func work(s *slot) {
	for i := 0; i < cbAllocs; i++ {
		s.rng ^= s.rng << 13
		s.rng ^= s.rng >> 7
		s.rng ^= s.rng << 17
		n := cbSize/2 + int(s.rng%uint64(cbSize+1))
		if n < 1 {
			n = 1
		}
		b := make([]byte, n)
		b[0] = byte(s.rng)
		s.ring[s.next] = b
		s.next = (s.next + 1) % len(s.ring)
		s.allocs++
		if cbCgo {
			C.gs_cwork(C.long(cbCSpin))
		}
	}
	// Optional Go-side work so samples land while the M is in Go code.
	x := s.rng
	for i := 0; i < cbSpinIter; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	s.rng |= x & 1
}

func initSlots(threads int, seed uint64) {
	for i := 0; i < threads; i++ {
		s := &slots[i]
		// Never zero: xorshift would stay at zero.
		s.rng = seed*0x9E3779B97F4A7C15 + uint64(i+1)*0xBF58476D1CE4E5B9 | 1
		s.ring = make([][]byte, cbKeep)
	}
}

func totalAllocs(threads int) uint64 {
	var t uint64
	for i := 0; i < threads; i++ {
		t += slots[i].allocs
	}
	return t
}
