package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// compare downloads the same shaped Space's playlist with other tools, for
// the README's table: ffmpeg's HLS demuxer and yt-dlp's native HLS
// downloader (default and with 16 concurrent fragments). Each gets its own
// fake CDN, over TLS like spacekeep's, so that the connections it opens can
// be counted; they trust its certificate through SSL_CERT_FILE (and yt-dlp's
// --no-check-certificate, as Python may not read it).
func compare(c config, p profile) error {
	dir, err := os.MkdirTemp("", "spacebench-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tools := []struct {
		name string
		args func(loc string) []string
	}{
		{"ffmpeg -i playlist -c copy", func(loc string) []string {
			return []string{"ffmpeg", "-v", "error", "-tls_verify", "0", "-i", loc, "-c", "copy", filepath.Join(dir, "ffmpeg.m4a")}
		}},
		{"yt-dlp (default)", func(loc string) []string {
			return []string{"yt-dlp", "-q", "--no-progress", "--no-check-certificate", "-o", filepath.Join(dir, "ytdlp1.%(ext)s"), loc}
		}},
		{"yt-dlp -N 16", func(loc string) []string {
			return []string{"yt-dlp", "-q", "--no-progress", "--no-check-certificate", "-N", "16", "-o", filepath.Join(dir, "ytdlp16.%(ext)s"), loc}
		}},
	}
	for _, t := range tools {
		args := t.args("")
		if _, err := exec.LookPath(args[0]); err != nil {
			fmt.Printf("%-34s not installed\n", t.name)
			continue
		}
		if err := compareOne(c, p, t.name, t.args); err != nil {
			return err
		}
	}
	return nil
}

func compareOne(c config, p profile, name string, args func(loc string) []string) error {
	x, err := fakex.New(p.options())
	if err != nil {
		return err
	}
	n := int(c.hours * 1200)
	x.AddSpace(fakex.SpaceSpec{ID: fakex.DemoID, Title: "Benchmark", State: fakex.StateEnded, Replayable: true, Chunks: n,
		HostName: "Bench", HostHandle: "bench"})
	if err := x.Start(); err != nil {
		return err
	}
	defer x.Close()
	loc, _ := x.Location(fakex.DemoID)
	a := args(loc)
	start := time.Now()
	cmd := exec.Command(a[0], a[1:]...)
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+x.CertFile())
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	wall := time.Since(start)
	st := x.CDNConns()
	if err != nil {
		fmt.Printf("%-34s failed after %.1f s: %v\n", name, wall.Seconds(), err)
		return nil
	}
	fmt.Printf("%-34s %.1f s, peak RSS %.1f MB, %s, %d connections (at most %d at once)\n", name, wall.Seconds(),
		float64(peakRSS(cmd.ProcessState))/1e6, protos(st.Protos), st.Accepted, st.Peak)
	return nil
}
