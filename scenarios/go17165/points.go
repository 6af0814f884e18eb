// The -points flag: which racelab schedule points a trial turns on in a
// runtime built with them (patch "points", build tag racelab_points), and
// with what parameters.  See docs/go-runtime.md, "Schedule points".
package main

import (
	"fmt"
	"strconv"
	"strings"
)

// A point's name -> its index in the runtime (racelabPoint* in the
// generated racelab_points_windows.go) and whether it has a wait condition.
var pointNames = map[string]struct {
	index   int
	canWait bool
}{
	"prof-suspend": {0, true},  // wait: until the sampled extra M has a new owner running Go code on it
	"prof-context": {1, false}, // between SuspendThread and GetThreadContext
	"sigprof-trap": {2, true},  // wait: until the moved M's new owner runs Go code on it
	"needm":        {3, false},
	"dropm":        {4, false},
}

const (
	actYield = 1
	actDelay = 2
	actWait  = 3
	actHold  = 4
	actMoved = 5
)

type pointAction struct {
	point, slot int
	kind        int32
	arg         int64 // yield: count; delay, wait: nanoseconds
}

// parsePoints reads POINT:ACTION[:ARG][,...]: ACTION is yield[:N] (N
// osyields, default 1), delay:US, wait:US (until the point's condition holds)
// hold:US (while it holds) or moved:US (until the sampled extra M has been
// borrowed by another thread, which may still be in needm: prof-suspend's
// condition without its "running Go" half); US in microseconds, the bound.
// US may be a range LO-HI: the trial's seed picks the value, so a replay of
// the trial (same command line, same -seed) gets the same one.  At most two
// actions per point, run in the order given.
func parsePoints(spec string, seed uint64) ([]pointAction, error) {
	if spec == "" || spec == "off" {
		return nil, nil
	}
	rng := seed*0x9E3779B97F4A7C15 | 1
	var acts []pointAction
	slots := map[string]int{}
	for _, item := range strings.Split(spec, ",") {
		f := strings.Split(item, ":")
		p, ok := pointNames[f[0]]
		if !ok {
			return nil, fmt.Errorf("-points %q: unknown point %q (prof-suspend, prof-context, sigprof-trap, needm, dropm)", item, f[0])
		}
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("-points %q: want POINT:ACTION[:ARG]", item)
		}
		a := pointAction{point: p.index, slot: slots[f[0]]}
		if a.slot > 1 {
			return nil, fmt.Errorf("-points %q: at most two actions per point", item)
		}
		slots[f[0]]++
		switch f[1] {
		case "yield":
			a.kind, a.arg = actYield, 1
			if len(f) == 3 {
				n, err := strconv.ParseInt(f[2], 10, 64)
				if err != nil || n < 1 || n > 1000000 {
					return nil, fmt.Errorf("-points %q: yield count must be 1..1000000", item)
				}
				a.arg = n
			}
		case "delay", "wait", "hold", "moved":
			a.kind = map[string]int32{"delay": actDelay, "wait": actWait, "hold": actHold, "moved": actMoved}[f[1]]
			if a.kind != actDelay && !p.canWait {
				return nil, fmt.Errorf("-points %q: point %s has no condition to %s for (only prof-suspend and sigprof-trap)", item, f[0], f[1])
			}
			if len(f) != 3 {
				return nil, fmt.Errorf("-points %q: %s needs microseconds (US or LO-HI)", item, f[1])
			}
			us, err := parseMicros(f[2], &rng)
			if err != nil {
				return nil, fmt.Errorf("-points %q: %v", item, err)
			}
			a.arg = us * 1000
		default:
			return nil, fmt.Errorf("-points %q: unknown action %q (yield, delay, wait, hold, moved)", item, f[1])
		}
		acts = append(acts, a)
	}
	return acts, nil
}

// parseMicros reads US or LO-HI (0..10000000 µs); a range draws from rng.
func parseMicros(s string, rng *uint64) (int64, error) {
	lo, hi := s, s
	if i := strings.IndexByte(s, '-'); i >= 0 {
		lo, hi = s[:i], s[i+1:]
	}
	a, err1 := strconv.ParseInt(lo, 10, 64)
	b, err2 := strconv.ParseInt(hi, 10, 64)
	if err1 != nil || err2 != nil || a < 0 || b < a || b > 10000000 {
		return 0, fmt.Errorf("microseconds %q: want US or LO-HI within 0..10000000", s)
	}
	*rng ^= *rng << 13
	*rng ^= *rng >> 7
	*rng ^= *rng << 17
	return a + int64(*rng%uint64(b-a+1)), nil
}

// describePoints is the -points part of the result line: the values drawn.
func describePoints(acts []pointAction) string {
	if len(acts) == 0 {
		return "off"
	}
	names := map[int]string{}
	for n, p := range pointNames {
		names[p.index] = n
	}
	kinds := map[int32]string{actYield: "yield", actDelay: "delay", actWait: "wait", actHold: "hold", actMoved: "moved"}
	var parts []string
	for _, a := range acts {
		arg := a.arg
		if a.kind != actYield {
			arg /= 1000
		}
		parts = append(parts, fmt.Sprintf("%s:%s:%d", names[a.point], kinds[a.kind], arg))
	}
	return strings.Join(parts, ",")
}

// holdsTrap: acts hold the allocation trap (sigprof-trap:hold), which is
// what -min-windows counts.
func holdsTrap(acts []pointAction) bool {
	for _, a := range acts {
		if a.point == pointNames["sigprof-trap"].index && a.kind == actHold {
			return true
		}
	}
	return false
}
