// Command spacebench measures spacekeep end to end: a long Space from the
// fake CDN over TLS, offering HTTP/2 as X's CDN does, on shaped links
// (per-request latency, per-connection bandwidth, a downlink shared by all
// connections), downloaded by the real binary. For each link profile it
// prints wall time against the limit the downlink allows, the protocol
// negotiated, the connections the CDN accepted (total and at most at once),
// the merge time and the host's peak memory; then the time from the host's
// start to its hello frame.
package main

import (
	"bufio"
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
	bin             string
	hours, memHours float64
	profiles        []profile
	helloRuns       int
	ffmpeg          string
	compare         bool
}

// profile is a shaped link.
type profile struct {
	name             string
	latency          time.Duration
	connBW, downlink int64
}

// profiles are the links measured: a home connection, and a far, thin
// path where one request per connection cannot fill the downlink within
// 32 connections.
var profiles = []profile{
	{"home", 50 * time.Millisecond, 1_000_000, 8_000_000},
	{"far", 150 * time.Millisecond, 500_000, 8_000_000},
}

func (p profile) options() fakex.Options {
	return fakex.Options{TLS: true, Latency: p.latency, ConnBandwidth: p.connBW, Downlink: p.downlink}
}

func (p profile) String() string {
	return fmt.Sprintf("%s: %s per request, %s/s per connection, %s/s downlink", p.name, p.latency, mb(p.connBW), mb(p.downlink))
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "bin/spacekeep", "the spacekeep binary")
	flag.Float64Var(&c.hours, "hours", 2, "length of the shaped Space, hours (1,200 chunks an hour)")
	flag.Float64Var(&c.memHours, "mem-hours", 8, "length of an unshaped Space downloaded to compare peak memory; 0 skips")
	names := flag.String("profiles", "home,far", "link profiles to measure (home, far, custom)")
	var custom profile
	flag.DurationVar(&custom.latency, "latency", 50*time.Millisecond, "latency added to every request (profile custom)")
	flag.Int64Var(&custom.connBW, "conn-bw", 1_000_000, "bytes per second per connection (profile custom)")
	flag.Int64Var(&custom.downlink, "downlink", 8_000_000, "bytes per second shared by all connections (profile custom)")
	flag.IntVar(&c.helloRuns, "hello-runs", 20, "host starts to time until hello")
	flag.StringVar(&c.ffmpeg, "ffmpeg", "", "ffmpeg for the fake's audio")
	flag.BoolVar(&c.compare, "compare", false, "also time ffmpeg and yt-dlp on the same shaped Space (slow)")
	flag.Parse()
	custom.name = "custom"
	for _, n := range strings.Split(*names, ",") {
		found := false
		for _, p := range append(profiles, custom) {
			if p.name == strings.TrimSpace(n) {
				c.profiles, found = append(c.profiles, p), true
			}
		}
		if !found {
			fmt.Fprintf(os.Stderr, "spacebench: no profile %q (home, far, custom)\n", n)
			os.Exit(2)
		}
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "spacebench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	fmt.Printf("spacekeep end-to-end benchmark (%s over TLS, the CDN offering HTTP/2)\n", hoursLabel(c.hours))
	for _, p := range c.profiles {
		fmt.Printf("\n%s\n", p)
		if err := shaped(c, p); err != nil {
			return err
		}
	}
	fmt.Println()
	if c.memHours > 0 {
		m, err := download(c, c.memHours, fakex.Options{TLS: true})
		if err != nil {
			return err
		}
		fmt.Printf("%-34s %.1f MB; with children %.1f MB (%s, %d chunks, unshaped, %.1f s)\n", "host peak RSS, long Space", float64(m.rss)/1e6, float64(m.rssAll)/1e6, hoursLabel(c.memHours), m.chunks, m.wall.Seconds())
	}
	if c.helloRuns > 0 {
		med, worst, err := helloTime(c.bin, c.helloRuns)
		if err != nil {
			return err
		}
		fmt.Printf("%-34s median %.1f ms, worst %.1f ms (target < 20 ms)\n", "host start to hello frame", ms(med), ms(worst))
	}
	if c.compare {
		for _, p := range c.profiles {
			fmt.Printf("\nother tools, %s\n", p)
			if err := compare(c, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// shaped downloads the Space over profile p and prints the figures.
func shaped(c config, p profile) error {
	r, err := download(c, c.hours, p.options())
	if err != nil {
		return err
	}
	limit := float64(r.bytes) / float64(p.downlink)
	fmt.Printf("%-34s %d chunks, %.1f MB\n", "Space", r.chunks, float64(r.bytes)/1e6)
	fmt.Printf("%-34s %.2f s (fetch %.2f s, merge %.2f s)\n", "wall time, start to checked file", r.wall.Seconds(), r.fetch.Seconds(), r.merge.Seconds())
	fmt.Printf("%-34s %.2f MB/s\n", "throughput (fetch)", float64(r.bytes)/1e6/r.fetch.Seconds())
	fmt.Printf("%-34s %.2f s\n", "downlink limit (bytes / downlink)", limit)
	fmt.Printf("%-34s %.3f (target <= 1.15)\n", "ratio wall / limit", r.wall.Seconds()/limit)
	fmt.Printf("%-34s %s\n", "protocol (CDN requests)", protos(r.conns.Protos))
	fmt.Printf("%-34s %d opened, at most %d at once (cap 32)\n", "CDN connections (server side)", r.conns.Accepted, r.conns.Peak)
	fmt.Printf("%-34s %d at the end, at most %d\n", "connections reported by progress", r.connsEnd, r.connsPeak)
	fmt.Printf("%-34s %.1f MB (target < 40); with children %.1f MB\n", "host peak RSS", float64(r.rss)/1e6, float64(r.rssAll)/1e6)
	return nil
}

func protos(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

type result struct {
	wall, fetch, merge  time.Duration
	bytes               int64
	chunks              int
	connsEnd, connsPeak int
	rss                 int64 // the host process alone
	rssAll              int64 // the largest of the host and its children (ffmpeg)
	conns               fakex.ConnStats
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
		"SPACEKEEP_CACHE_DIR="+cache, "SSL_CERT_FILE="+x.CertFile())
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
	r.conns = x.CDNConns()
	r.bytes = r.conns.Bytes // the progress events' last count may precede the last chunk
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

func mb(b int64) string {
	if b < 1e6 {
		return fmt.Sprintf("%.0f KB", float64(b)/1e3)
	}
	return fmt.Sprintf("%.0f MB", float64(b)/1e6)
}
func ms(d time.Duration) float64  { return float64(d.Microseconds()) / 1000 }
func hoursLabel(h float64) string { return fmt.Sprintf("%g-hour Space", h) }
