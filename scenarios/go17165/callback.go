// The Go function that the C threads call.  It lives in its own file because
// a cgo file with //export may only declare, not define, C in its preamble.
package main

import "C"

const maxThreads = 64

// Per-thread state.  Slot i is only touched by C thread i (one callback at a
// time), so no lock is needed.
type slot struct {
	rng    uint64
	allocs uint64
	ring   [][]byte
	next   int
}

var (
	slots      [maxThreads]slot
	cbAllocs   int
	cbSize     int
	cbKeep     int
	cbSpinIter int
)

// go17165Callback allocates cbAllocs objects of about cbSize bytes (±50%,
// drawn from the thread's seeded generator) and keeps the last cbKeep live
// so that the heap grows and the GC runs while samples are taken.
//
//export go17165Callback
func go17165Callback(id C.int) {
	s := &slots[int(id)]
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
