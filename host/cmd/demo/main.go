// Command demo shows the whole pipeline without an X account or a network:
// it starts the built-in fake x.com and runs the real spacekeep binary
// against it to download the demo Space into a folder.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"

	"github.com/spacekeep/spacekeep/host/fakex"
)

func main() {
	bin := flag.String("bin", "bin/spacekeep", "the spacekeep binary")
	out := flag.String("o", "demo-output", "output folder")
	space := flag.String("space", fakex.DemoID, "the Space to download (an id of the fake's catalog)")
	flag.Parse()
	if err := run(*bin, *out, *space); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(bin, out, space string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	x, err := fakex.New(fakex.Options{TLS: true}) // as X: HTTPS, the CDN offering HTTP/2
	if err != nil {
		return fmt.Errorf("start the fake x.com: %w", err)
	}
	for _, s := range fakex.DefaultSpaces() {
		x.AddSpace(s)
	}
	if err := x.Start(); err != nil {
		return fmt.Errorf("start the fake x.com: %w", err)
	}
	defer x.Close()
	auth, ct0 := x.Session()
	abs, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	fmt.Fprintf(os.Stderr, "Fake x.com at %s (CDN %s). Downloading Space %s into %s\n", x.APIBase(), x.CDNBase(), space, abs)
	cmd := exec.CommandContext(ctx, bin, "download", "-o", abs, "--write-info-json", space)
	cmd.Env = append(os.Environ(), "SPACEKEEP_API_BASE="+x.APIBase(), "SPACEKEEP_AUTH_TOKEN="+auth, "SPACEKEEP_CT0="+ct0,
		"SSL_CERT_FILE="+x.CertFile())
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s download: %w", bin, err)
	}
	return nil
}
