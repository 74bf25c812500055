// Command mkdist packs a release from binaries that `make dist` has
// cross-built: an archive per platform (binary, README, LICENSE, INSTALL),
// the .deb and .rpm packages (through nfpm, used as a library) that put the
// host in /usr/bin and register it with every browser system-wide, and
// SHA256SUMS over everything in the output folder (the packed extension
// included). Every byte depends only on the inputs and -epoch, so two runs
// on one commit give identical files.
//
//	mkdist -bin bin/dist -out dist -version 0.1.0 -epoch "$(git log -1 --format=%ct)"
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Platform is one target of the release.
type Platform struct{ OS, Arch string }

// Platforms are the release targets, in the order they are packed.
var Platforms = []Platform{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Exe is the binary's name on p.
func (p Platform) Exe() string {
	if p.OS == "windows" {
		return "spacekeep.exe"
	}
	return "spacekeep"
}

// BinName is the cross-built binary's name in the -bin folder.
func (p Platform) BinName() string {
	n := "spacekeep_" + p.OS + "_" + p.Arch
	if p.OS == "windows" {
		n += ".exe"
	}
	return n
}

// config is what one run packs.
type config struct {
	binDir, outDir, root, version string
	mtime                         time.Time
	completions                   bool
}

func main() {
	var c config
	var epoch string
	flag.StringVar(&c.binDir, "bin", "bin/dist", "`folder` of the cross-built binaries (spacekeep_<os>_<arch>[.exe])")
	flag.StringVar(&c.outDir, "out", "dist", "output `folder`")
	flag.StringVar(&c.root, "root", ".", "the repository's top `folder` (README.md, LICENSE)")
	flag.StringVar(&c.version, "version", "", "release `version` (as in 0.1.0)")
	flag.StringVar(&epoch, "epoch", os.Getenv("SOURCE_DATE_EPOCH"), "every file's time, in `seconds` since 1970 (the commit's time)")
	flag.BoolVar(&c.completions, "completions", false, "put shell completions (from the binary's `completion` command) in the packages")
	flag.Parse()
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil || c.version == "" {
		fmt.Fprintln(os.Stderr, "mkdist: -version and -epoch (or SOURCE_DATE_EPOCH) are required")
		os.Exit(2)
	}
	c.mtime = time.Unix(sec, 0).UTC()
	if err := run(c); err != nil {
		fmt.Fprintf(os.Stderr, "mkdist: %v\n", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if err := os.MkdirAll(c.outDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", c.outDir, err)
	}
	readme, err := os.ReadFile(c.root + "/README.md")
	if err != nil {
		return fmt.Errorf("read the README: %w", err)
	}
	license, err := os.ReadFile(c.root + "/LICENSE")
	if err != nil {
		return fmt.Errorf("read the LICENSE: %w", err)
	}
	for _, p := range Platforms {
		name, err := writeArchive(c, p, readme, license)
		if err != nil {
			return fmt.Errorf("%s/%s: %w", p.OS, p.Arch, err)
		}
		fmt.Println(name)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		names, err := writePackages(c, arch, readme, license)
		if err != nil {
			return fmt.Errorf("linux/%s packages: %w", arch, err)
		}
		for _, n := range names {
			fmt.Println(n)
		}
	}
	if err := writeSums(c.outDir); err != nil {
		return err
	}
	fmt.Println("SHA256SUMS")
	return nil
}
