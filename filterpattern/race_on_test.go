//go:build race

package filterpattern

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// regexp (which pools its machines) allocates under -race.
const raceEnabled = true
