// Command spacebench measures spacekeep end to end: a long Space from the
// fake CDN over a shaped link (per-request latency, per-connection
// bandwidth, a downlink shared by all connections), downloaded by the real
// binary. It prints wall time against the limit the downlink allows, the
// connections used, the merge time and the host's peak memory, then the
// time from the host's start to its hello frame.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

type config struct {
	bin              string
	hours, memHours  float64
	latency          time.Duration
	connBW, downlink int64
	helloRuns        int
	ffmpeg           string
	compare          bool
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "bin/spacekeep", "the spacekeep binary")
	flag.Float64Var(&c.hours, "hours", 2, "length of the shaped Space, hours (1,200 chunks an hour)")
	flag.Float64Var(&c.memHours, "mem-hours", 8, "length of an unshaped Space downloaded to compare peak memory; 0 skips")
	flag.DurationVar(&c.latency, "latency", 50*time.Millisecond, "latency added to every request")
	flag.Int64Var(&c.connBW, "conn-bw", 1_000_000, "bytes per second per connection")
	flag.Int64Var(&c.downlink, "downlink", 8_000_000, "bytes per second shared by all connections")
	flag.IntVar(&c.helloRuns, "hello-runs", 20, "host starts to time until hello")
	flag.StringVar(&c.ffmpeg, "ffmpeg", "", "ffmpeg for the fake's audio")
	flag.BoolVar(&c.compare, "compare", false, "also time ffmpeg and yt-dlp on the same shaped Space (slow)")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "spacebench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	fmt.Printf("spacekeep end-to-end benchmark (%s, %s per request, %s/s per connection, %s/s downlink)\n\n",
		hoursLabel(c.hours), c.latency, mb(c.connBW), mb(c.downlink))
	r, err := download(c, c.hours, fakex.Options{Latency: c.latency, ConnBandwidth: c.connBW, Downlink: c.downlink})
	if err != nil {
		return err
	}
	limit := float64(r.bytes) / float64(c.downlink)
	fmt.Printf("%-34s %d chunks, %.1f MB\n", "Space", r.chunks, float64(r.bytes)/1e6)
	fmt.Printf("%-34s %.2f s (fetch %.2f s, merge %.2f s)\n", "wall time, start to checked file", r.wall.Seconds(), r.fetch.Seconds(), r.merge.Seconds())
	fmt.Printf("%-34s %.2f MB/s\n", "throughput (fetch)", float64(r.bytes)/1e6/r.fetch.Seconds())
	fmt.Printf("%-34s %.2f s\n", "downlink limit (bytes / downlink)", limit)
	fmt.Printf("%-34s %.3f (target <= 1.15)\n", "ratio wall / limit", r.wall.Seconds()/limit)
	fmt.Printf("%-34s %d (peak %d)\n", "connections at the end", r.connsEnd, r.connsPeak)
	fmt.Printf("%-34s %.1f MB (target < 40); ffmpeg's peak %.1f MB\n", "host peak RSS", float64(r.rss)/1e6, float64(r.rssAll)/1e6)
	if c.memHours > 0 {
		m, err := download(c, c.memHours, fakex.Options{})
		if err != nil {
			return err
		}
		fmt.Printf("%-34s %.1f MB; ffmpeg's peak %.1f MB (%s, %d chunks, unshaped, %.1f s)\n", "host peak RSS, long Space", float64(m.rss)/1e6, float64(m.rssAll)/1e6, hoursLabel(c.memHours), m.chunks, m.wall.Seconds())
	}
	if c.helloRuns > 0 {
		med, worst, err := helloTime(c.bin, c.helloRuns)
		if err != nil {
			return err
		}
		fmt.Printf("%-34s median %.1f ms, worst %.1f ms (target < 20 ms)\n", "host start to hello frame", ms(med), ms(worst))
	}
	if c.compare {
		fmt.Println()
		return compare(c)
	}
	return nil
}

type result struct {
	wall, fetch, merge  time.Duration
	bytes               int64
	chunks              int
	connsEnd, connsPeak int
	rss                 int64 // the host process alone
	rssAll              int64 // the largest of the host and its children (ffmpeg)
}

func download(c config, hours float64, opts fakex.Options) (result, error) {
	var r result
	x, err := fakex.New(opts)
	if err != nil {
		return r, err
	}
	n := int(hours * 1200)
	x.AddSpace(fakex.SpaceSpec{ID: fakex.DemoID, Title: "Benchmark", State: fakex.StateEnded, Replayable: true, Chunks: n,
		HostName: "Bench", HostHandle: "bench"})
	if err := x.Start(); err != nil {
		return r, err
	}
	defer x.Close()
	if err := x.Prepare(context.Background()); err != nil {
		return r, fmt.Errorf("prepare the fake's audio: %w", err)
	}
	out, err := os.MkdirTemp("", "spacebench-out-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(out)
	cache, err := os.MkdirTemp("", "spacebench-cache-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(cache)
	auth, ct0 := x.Session()
	cmd := exec.Command(c.bin, "download", "--json", "-o", out, fakex.DemoID)
	cmd.Env = append(os.Environ(), "SPACEKEEP_API_BASE="+x.APIBase(), "SPACEKEEP_AUTH_TOKEN="+auth, "SPACEKEEP_CT0="+ct0,
		"SPACEKEEP_CACHE_DIR="+cache)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return r, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start %s: %w", c.bin, err)
	}
	hwm := watchHWM(cmd.Process.Pid)
	var mergeStart time.Time
	var last protocol.Event
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var ev protocol.Event
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		if ev.Stage == protocol.StageFetching {
			r.connsPeak = max(r.connsPeak, ev.Connections)
			if ev.Connections > 0 {
				r.connsEnd = ev.Connections
			}
			r.bytes = max(r.bytes, ev.Bytes)
		}
		if ev.Stage == protocol.StageMerging && mergeStart.IsZero() {
			mergeStart = time.Now()
		}
		last = ev
	}
	if err := cmd.Wait(); err != nil {
		return r, fmt.Errorf("download failed (%s): %w", last.Message, err)
	}
	end := time.Now()
	r.wall = end.Sub(start)
	if !mergeStart.IsZero() {
		r.fetch, r.merge = mergeStart.Sub(start), end.Sub(mergeStart)
	}
	r.chunks = n
	r.rss = hwm()
	r.rssAll = peakRSS(cmd.ProcessState)
	if last.Type != protocol.TypeJobDone {
		return r, fmt.Errorf("download ended with %s: %s", last.Type, last.Message)
	}
	return r, nil
}

// helloTime starts the host as Chrome does and times its first frame.
func helloTime(bin string, runs int) (median, worst time.Duration, err error) {
	home, err := os.MkdirTemp("", "spacebench-home-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(home)
	var ds []time.Duration
	for range runs {
		cmd := exec.Command(bin, protocol.ChromeOrigin)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, 0, err
		}
		var hdr [4]byte
		if _, err := io.ReadFull(out, hdr[:]); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return 0, 0, fmt.Errorf("no hello from the host: %w", err)
		}
		body := make([]byte, binary.NativeEndian.Uint32(hdr[:]))
		io.ReadFull(out, body)
		d := time.Since(start)
		if !strings.Contains(string(body), `"hello"`) {
			return 0, 0, fmt.Errorf("first frame is not hello: %s", body)
		}
		in.Close()
		cmd.Wait()
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], ds[len(ds)-1], nil
}

func mb(b int64) string           { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }
func ms(d time.Duration) float64  { return float64(d.Microseconds()) / 1000 }
func hoursLabel(h float64) string { return fmt.Sprintf("%g-hour Space", h) }
