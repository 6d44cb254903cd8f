// Command gendocs writes rootwatch's man pages and shell completions from
// the cobra command tree, for the release packages:
//
//	go run ./internal/tools/gendocs -out dist/docs -version v1.2.3
//
// writes DIR/man/rootwatch*.1 and DIR/completions/{rootwatch.bash,_rootwatch,
// rootwatch.fish}. The date in the man pages is SOURCE_DATE_EPOCH when set
// (reproducible builds), else today.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/rootwatch/rootwatch/internal/cli"
)

func main() {
	out := flag.String("out", "dist/docs", "directory to write man/ and completions/ into")
	version := flag.String("version", "dev", "version named in the man pages")
	flag.Parse()
	if err := run(*out, *version); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(out, version string) error {
	date, err := buildDate()
	if err != nil {
		return err
	}
	root := cli.NewRootCmd(cli.NewSystemFactory())
	root.DisableAutoGenTag = true
	man := filepath.Join(out, "man")
	if err := os.MkdirAll(man, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{Title: "ROOTWATCH", Section: "1", Source: "rootwatch " + version, Manual: "rootwatch manual", Date: &date}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	comp := filepath.Join(out, "completions")
	if err := os.MkdirAll(comp, 0o755); err != nil {
		return err
	}
	for name, gen := range map[string]func(*cobra.Command, string) error{
		"rootwatch.bash": func(c *cobra.Command, p string) error { return c.GenBashCompletionFileV2(p, true) },
		"_rootwatch":     func(c *cobra.Command, p string) error { return c.GenZshCompletionFile(p) },
		"rootwatch.fish": func(c *cobra.Command, p string) error { return c.GenFishCompletionFile(p, true) },
	} {
		if err := gen(root, filepath.Join(comp, name)); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
	}
	return nil
}

func buildDate() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Now().UTC(), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}
