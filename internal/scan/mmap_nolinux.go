//go:build unix && !linux

package scan

const mapPopulate = 0

func adviseSequential([]byte) {}
