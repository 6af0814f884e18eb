// go17165: Go issue 17165 against Go's real runtime on windows/amd64.
//
// C threads created with CreateThread call go17165Callback in a loop while
// the CPU profiler samples every M.  Each call borrows an extra M, and with a
// pause between calls the Ms move between C threads: the condition in which
// the profiler can sample an M after it moved to another running thread.
// Built three ways (see build.sh): stock, with the 17165 fix reverted, and
// with a local mitigation of the nil-g crash that the stock runtime shows.
package main

/*
// -Wno-unused-parameter: cgo's generated wrappers have an unused argument.
#cgo CFLAGS: -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter
#include "cthreads.h"
*/
import "C"

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// variant is set at link time (-X main.variant=...) by build.sh.
var variant = "unknown"

const exitUsage = 64

var pauseModes = map[string]C.int{
	"none":   C.GS_PAUSE_NONE,
	"yield":  C.GS_PAUSE_YIELD,
	"sleep0": C.GS_PAUSE_SLEEP0,
	"sleep1": C.GS_PAUSE_SLEEP1,
	"spin":   C.GS_PAUSE_SPIN,
	"wait0":  C.GS_PAUSE_WAIT0,
	"wait1":  C.GS_PAUSE_WAIT1,
}

type config struct {
	threads    int
	hogs       int
	pause      string
	spin       int64
	allocs     int
	size       int
	keep       int
	goSpin     int
	depth      int
	cgo        bool
	cSpin      int
	procs      int
	hz         int
	durationMs int
	seed       uint64
	profileOut string
	points     string
	acts       []pointAction
	minWindows uint64
	maxMs      int
}

func usageError(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go17165: "+format+"\n", args...)
	fmt.Fprintln(os.Stderr, "run with -h for the flags")
	os.Exit(exitUsage)
}

func parseFlags() config {
	var c config
	fs := flag.NewFlagSet("go17165", flag.ContinueOnError)
	fs.IntVar(&c.threads, "threads", 4, "C threads calling into Go (1..64)")
	fs.IntVar(&c.hogs, "hogs", 0, "C threads that only busy-loop, never calling Go (0..64)")
	fs.StringVar(&c.pause, "pause", "yield", "what C threads do between calls: none|yield|sleep0|sleep1|spin|wait0|wait1")
	fs.Int64Var(&c.spin, "spin", 0, "busy-loop iterations for -pause spin (1..1e9)")
	fs.IntVar(&c.allocs, "allocs", 4, "allocations per callback (0..100000)")
	fs.IntVar(&c.size, "size", 64, "mean allocation size in bytes, ±50% (1..1048576)")
	fs.IntVar(&c.keep, "keep", 256, "allocations each thread keeps live (1..65536)")
	fs.IntVar(&c.goSpin, "gospin", 0, "extra Go-side work per callback, loop iterations (0..1e8)")
	fs.IntVar(&c.depth, "depth", 0, "Go frames the callback recurses before allocating (0..10000)")
	fs.BoolVar(&c.cgo, "cgo", false, "make a Go->C call after each allocation")
	fs.IntVar(&c.cSpin, "cspin", 0, "busy-loop iterations inside each -cgo call (0..1e8)")
	fs.IntVar(&c.procs, "procs", 0, "GOMAXPROCS (0 = leave the runtime's default; 1..256)")
	fs.IntVar(&c.hz, "hz", 1000, "CPU profile rate in Hz (0 = profiler off; Windows caps it at 1000)")
	fs.IntVar(&c.durationMs, "duration", 5000, "run time in ms (1..3600000)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the allocation-size generators")
	fs.StringVar(&c.profileOut, "profile-out", "", "write the CPU profile here (default: discard)")
	fs.StringVar(&c.points, "points", "off", "schedule points, POINT:ACTION[:ARG][,...] (variants built with points only; see docs/go-runtime.md)")
	fs.Uint64Var(&c.minWindows, "min-windows", 0, "with a sigprof-trap hold point: after -duration, run on until this many windows were held through (hold_left: the trap raised on a moved M while its new owner ran Go code, until that owner left Go), at most -max-duration")
	fs.IntVar(&c.maxMs, "max-duration", 10000, "with -min-windows: the longest run in ms (1..3600000)")
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(exitUsage)
		}
		usageError("%v", err)
	}
	if fs.NArg() != 0 {
		usageError("unexpected argument %q", fs.Arg(0))
	}
	if c.threads < 1 || c.threads > maxThreads {
		usageError("-threads %d out of range 1..%d", c.threads, maxThreads)
	}
	if c.hogs < 0 || c.hogs > maxThreads {
		usageError("-hogs %d out of range 0..%d", c.hogs, maxThreads)
	}
	if _, ok := pauseModes[c.pause]; !ok {
		usageError("-pause %q: want none, yield, sleep0, sleep1, spin, wait0 or wait1", c.pause)
	}
	if c.pause == "spin" && (c.spin < 1 || c.spin > 1e9) {
		usageError("-pause spin needs -spin in 1..1000000000, got %d", c.spin)
	}
	if c.pause != "spin" && c.spin != 0 {
		usageError("-spin is only meaningful with -pause spin")
	}
	if c.allocs < 0 || c.allocs > 100000 {
		usageError("-allocs %d out of range 0..100000", c.allocs)
	}
	if c.size < 1 || c.size > 1<<20 {
		usageError("-size %d out of range 1..1048576", c.size)
	}
	if c.keep < 1 || c.keep > 65536 {
		usageError("-keep %d out of range 1..65536", c.keep)
	}
	if c.goSpin < 0 || c.goSpin > 1e8 {
		usageError("-gospin %d out of range 0..100000000", c.goSpin)
	}
	if c.depth < 0 || c.depth > 10000 {
		usageError("-depth %d out of range 0..10000", c.depth)
	}
	if c.cSpin < 0 || c.cSpin > 1e8 {
		usageError("-cspin %d out of range 0..100000000", c.cSpin)
	}
	if c.cSpin != 0 && !c.cgo {
		usageError("-cspin is only meaningful with -cgo")
	}
	if c.procs < 0 || c.procs > 256 {
		usageError("-procs %d out of range 0..256", c.procs)
	}
	if c.hz < 0 || c.hz > 1000 {
		usageError("-hz %d out of range 0..1000", c.hz)
	}
	if c.durationMs < 1 || c.durationMs > 3600000 {
		usageError("-duration %d out of range 1..3600000 ms", c.durationMs)
	}
	acts, err := parsePoints(c.points, c.seed)
	if err != nil {
		usageError("%v", err)
	}
	if len(acts) > 0 && !haveSchedulePoints {
		usageError("-points: variant %s has no schedule points in its runtime", variant)
	}
	if c.minWindows > 1000000 {
		usageError("-min-windows %d out of range 0..1000000", c.minWindows)
	}
	if c.minWindows > 0 && !holdsTrap(acts) {
		usageError("-min-windows needs a sigprof-trap:hold point (it counts the windows held through)")
	}
	if c.minWindows > 0 && (c.maxMs < c.durationMs || c.maxMs > 3600000) {
		usageError("-max-duration %d out of range -duration (%d)..3600000 ms", c.maxMs, c.durationMs)
	}
	c.acts = acts
	return c
}

func main() {
	c := parseFlags()
	cbAllocs, cbSize, cbKeep, cbSpinIter = c.allocs, c.size, c.keep, c.goSpin
	cbDepth, cbCgo, cbCSpin = c.depth, c.cgo, c.cSpin
	initSlots(c.threads, c.seed)
	if c.procs > 0 {
		runtime.GOMAXPROCS(c.procs)
	}

	var out io.Writer = io.Discard
	if c.profileOut != "" {
		f, err := os.Create(c.profileOut)
		if err != nil {
			fmt.Fprintf(os.Stderr, "go17165: -profile-out: %v\n", err)
			os.Exit(1)
		}
		defer f.Close()
		out = f
	}
	if err := enablePoints(c.acts); err != nil {
		fmt.Fprintf(os.Stderr, "go17165: -points: %v\n", err)
		os.Exit(1)
	}
	if c.hz > 0 {
		// pprof always asks for 100 Hz; a rate set first wins (the runtime
		// prints a warning about it on stderr, which is expected).
		if c.hz != 100 {
			runtime.SetCPUProfileRate(c.hz)
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			fmt.Fprintf(os.Stderr, "go17165: StartCPUProfile: %v\n", err)
			os.Exit(1)
		}
	}

	start := time.Now()
	if C.gs_start(C.int(c.threads), pauseModes[c.pause], C.long(c.spin), C.int(c.hogs)) != 0 {
		fmt.Fprintln(os.Stderr, "go17165: CreateThread failed")
		os.Exit(1)
	}
	time.Sleep(time.Duration(c.durationMs) * time.Millisecond)
	// A loaded machine runs few callbacks a second, and a new owner starved
	// of CPU may not run while the trap is up, so a fixed duration tests few
	// windows or none: -min-windows runs on until enough were held through
	// (the owner ran Go code with the trap raised until it left Go), the
	// same count in the fixed and the reverted runtime.
	for heldWindows() < c.minWindows && time.Since(start) < time.Duration(c.maxMs)*time.Millisecond {
		time.Sleep(5 * time.Millisecond)
	}
	calls := int64(C.gs_stop())
	elapsed := time.Since(start)
	if c.hz > 0 {
		pprof.StopCPUProfile()
	}

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("go17165 result=ok variant=%s go=%s threads=%d hogs=%d pause=%s spin=%d allocs=%d size=%d keep=%d gospin=%d depth=%d cgo=%t cspin=%d procs=%d hz=%d duration_ms=%d seed=%d calls=%d allocs_done=%d gc_cycles=%d elapsed_ms=%d points=%s%s\n",
		variant, runtime.Version(), c.threads, c.hogs, c.pause, c.spin, c.allocs, c.size, c.keep, c.goSpin, c.depth, c.cgo, c.cSpin,
		runtime.GOMAXPROCS(0), c.hz, c.durationMs, c.seed, calls, totalAllocs(c.threads), ms.NumGC, elapsed.Milliseconds(), describePoints(c.acts), pointStats())
}
