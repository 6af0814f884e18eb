//go:build !racelab_points

// The variants built without schedule points: -points is refused.
package main

import "errors"

const haveSchedulePoints = false

func enablePoints(acts []pointAction) error {
	if len(acts) > 0 {
		return errors.New("this variant's runtime has no schedule points (build it with patch points)")
	}
	return nil
}

func pointStats() string { return "" }

func heldWindows() uint64 { return 0 }
