// Command kgunzip decompresses gzip files with klauspost/compress and
// discards the output: bench/scan.sh's baseline for what the pure-Go
// .json.gz path costs before any JSON is looked at.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
)

func main() {
	var total int64
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		z, err := gzip.NewReader(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, name, err)
			os.Exit(1)
		}
		n, err := io.Copy(io.Discard, z)
		if err != nil {
			fmt.Fprintln(os.Stderr, name, err)
			os.Exit(1)
		}
		total += n
		_ = f.Close()
	}
	fmt.Println(total)
}
