package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// compare downloads the same shaped Space's playlist with other tools, for
// the README's table: ffmpeg's HLS demuxer and yt-dlp's native HLS
// downloader (default and with 16 concurrent fragments).
func compare(c config) error {
	x, err := fakex.New(fakex.Options{Latency: c.latency, ConnBandwidth: c.connBW, Downlink: c.downlink})
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
	if err := x.Prepare(context.Background()); err != nil {
		return err
	}
	auth, ct0 := x.Session()
	api, err := xapi.New(protocol.Cookies{AuthToken: auth, CT0: ct0}, xapi.Options{Base: x.APIBase()})
	if err != nil {
		return err
	}
	st, err := api.Status(context.Background(), x.MediaKey(fakex.DemoID))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "spacebench-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tools := []struct {
		name string
		args []string
	}{
		{"ffmpeg -i playlist -c copy", []string{"ffmpeg", "-v", "error", "-i", st.Location, "-c", "copy", filepath.Join(dir, "ffmpeg.m4a")}},
		{"yt-dlp (default)", []string{"yt-dlp", "-q", "--no-progress", "-o", filepath.Join(dir, "ytdlp1.%(ext)s"), st.Location}},
		{"yt-dlp -N 16", []string{"yt-dlp", "-q", "--no-progress", "-N", "16", "-o", filepath.Join(dir, "ytdlp16.%(ext)s"), st.Location}},
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t.args[0]); err != nil {
			fmt.Printf("%-34s not installed\n", t.name)
			continue
		}
		start := time.Now()
		cmd := exec.Command(t.args[0], t.args[1:]...)
		cmd.Stderr = os.Stderr
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			fmt.Printf("%-34s failed after %.1f s: %v\n", t.name, wall.Seconds(), err)
			continue
		}
		fmt.Printf("%-34s %.1f s, peak RSS %.1f MB\n", t.name, wall.Seconds(), float64(peakRSS(cmd.ProcessState))/1e6)
	}
	return nil
}
