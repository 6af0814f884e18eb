//go:build racelab_points

// Built into the variants whose runtime carries racelab's schedule points
// (build.sh passes -tags racelab_points with patch "points").
package main

import (
	"fmt"
	"runtime"
)

const haveSchedulePoints = true

func enablePoints(acts []pointAction) error {
	for _, a := range acts {
		if !runtime.RacelabSetPoint(a.point, a.slot, a.kind, a.arg) {
			return fmt.Errorf("the runtime refused point %d action %d", a.point, a.slot)
		}
	}
	if len(acts) > 0 {
		runtime.RacelabEnable()
	}
	return nil
}

// pointStats: extra-M samples, moved by prof-suspend, trap points on a moved
// M, and of those, the new owner running Go code when the point's wait
// ended; then the waits that reached their bound (prof-suspend's, the trap's)
// and how the trap's holds ended (the owner left Go, or the bound came);
// then the moved waits that reached their bound.
func pointStats() string {
	s := runtime.RacelabStats()
	return fmt.Sprintf(" extra_samples=%d moved=%d trap_moved=%d trap_running=%d susp_timeout=%d trap_timeout=%d hold_left=%d hold_bound=%d moved_timeout=%d",
		s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8])
}

// heldWindows is hold_left so far: holds of the trap on a moved M, begun
// while its new owner ran Go code on it, that ended because the owner left Go
// (in the reverted runtime it cannot allocate there without dying).
func heldWindows() uint64 {
	return runtime.RacelabStats()[6]
}
