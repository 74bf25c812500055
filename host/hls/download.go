package hls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/host/retry"
	"github.com/spacekeep/spacekeep/protocol"
)

// maxChunk bounds one chunk in memory: X's are ~36 KB (3 s at 96 kbit/s).
const maxChunk = 16 << 20

// Chunk is one segment to download.
type Chunk struct {
	// Dir + File is the chunk's URL; Dir is shared by all chunks of a
	// playlist (8 hours are 9,600 chunks).
	Dir, File string
	Name      string  // file name in the cache folder
	Duration  float64 // seconds (EXTINF)
}

// URL is the chunk's address.
func (c Chunk) URL() string { return c.Dir + c.File }

// Chunks turns a media playlist into chunks with stable cache names: the
// chunk's own file name, which does not change between runs the way
// signed URLs do. Chunks share one copy of their common URL prefix, so
// that an 8-hour Space's list stays small.
func Chunks(pl *playlist.Playlist) []Chunk {
	out := make([]Chunk, 0, len(pl.Segments))
	seen := make(map[string]bool, len(pl.Segments))
	prefix := ""
	for i, s := range pl.Segments {
		u := pl.SegmentURL(i)
		full := u.String()
		cut := strings.LastIndexByte(full, '/') + 1
		if full[:cut] != prefix {
			prefix = strings.Clone(full[:cut])
		}
		file := strings.Clone(full[cut:])
		name := safeName(path.Base(u.Path))
		if name == "" || seen[name] {
			name = fmt.Sprintf("%06d_%s", i, name)
		}
		seen[name] = true
		out = append(out, Chunk{Dir: prefix, File: file, Name: name, Duration: s.Duration})
	}
	return out
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func safeName(s string) string {
	s = unsafeChars.ReplaceAllString(s, "_")
	s = strings.TrimLeft(s, ".")
	if len(s) > 120 {
		s = s[len(s)-120:]
	}
	return s
}

// Progress is a download's state, reported after every chunk.
type Progress struct {
	Done, Total int     // Total grows with a live queue
	Bytes       int64   // bytes of the chunks on disk
	Seconds     float64 // audio of the chunks on disk, by their EXTINF
	Fetched     int64   // bytes fetched by this run
	Speed       float64 // bytes per second, recent
	Conns       int     // connections open now to the CDN (requests in flight if the client is not a Transport)
	Resumed     int     // chunks found on disk at the start
}

// Options configure a Download.
type Options struct {
	Client *http.Client
	Header http.Header // never cookies: the CDN needs none
	Dir    string      // the cache folder of this recording
	// MaxConns caps this download's connections; 0 means 32. Requests in
	// flight are capped at MaxConns too, or at MaxConns × StreamsPerConn
	// once the CDN answers over HTTP/2 (over a Transport, at most MaxConns
	// connections carry them). With Fixed the download keeps exactly
	// MaxConns requests in flight, else it finds the best level below the cap.
	MaxConns int
	Fixed    bool
	// Slots, if set, is shared by all downloads: a global cap on requests
	// in flight.
	Slots chan struct{}
	// Attempts per chunk before the download fails; 0 means 8.
	Attempts int
	Progress func(Progress)
	// OnChunk is called with the index of every chunk once it is on disk,
	// including those found there at the start, so that a merge can follow.
	OnChunk func(i int)
	// Store, if set, turns a chunk as served into what is kept on disk, or
	// refuses it (the chunk is fetched again, as a damaged one is). Nil
	// keeps the chunk as served once it holds ADTS audio.
	Store func(chunk []byte) ([]byte, error)
	// Allow, if set, is asked about every chunk URL before it is fetched,
	// redirects included; a refused chunk fails the download at once.
	Allow func(u *url.URL) error
	Log   zerolog.Logger
}

// Download fetches every chunk not yet in opt.Dir. It returns nil once all
// are on disk, complete and checked. On error the chunks already fetched
// stay, so that the next call fetches only what is missing.
func Download(ctx context.Context, chunks []Chunk, opt Options) error {
	q := NewQueue(chunks...)
	q.Close()
	return DownloadQueue(ctx, q, opt)
}

// DownloadQueue is Download for a queue that may still grow: it fetches
// chunks as they are added, and returns nil once the queue is closed and
// every chunk in it is on disk. Indices (OnChunk) are positions in q.
func DownloadQueue(ctx context.Context, q *Queue, opt Options) error {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 32
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 8
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return protocol.DiskError("create the cache folder", err)
	}
	cache, err := openCache(opt.Dir)
	if err != nil {
		return err
	}
	defer cache.close()
	d := &downloader{opt: opt, queue: q, cache: cache, meter: newMeter(3 * controlInterval), display: newMeter(3 * time.Second)}
	d.pool, _ = opt.Client.Transport.(*Transport)
	d.client = guarded(opt.Client, opt.Allow)
	return d.run(withConnCap(ctx, opt.MaxConns))
}

type downloader struct {
	opt     Options
	client  *http.Client // opt.Client, its redirects checked by opt.Allow
	queue   *Queue
	chunks  []Chunk     // taken from the queue so far; only run touches it
	cache   *cacheIndex // run and its fetches (which record what they store)
	pool    *Transport  // nil if the client is not one: connections are not known
	host    string      // "host:port" of the chunks, for pool.OpenConns
	meter   *meter      // judges concurrency levels
	display *meter      // the speed people see

	done, resumed  int
	bytes, fetched int64
	seconds        float64
}

type result struct {
	idx      int
	n        int64
	http2    bool // the answer came over HTTP/2: requests share connections
	err      error
	retry    bool // worth another attempt
	slowDown bool // the server asked us to back off (429/503)
	short    bool // the chunk held less audio than its EXTINF
}

func (d *downloader) run(ctx context.Context) error {
	// Deferred in this order so that on return the fetches are cancelled
	// first and then waited for: they may be blocked handing in a result.
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var pending []int
	var attempts []int
	var refetched []bool // chunks already fetched again for being short
	// take moves the queue's new chunks into pending, or counts them done
	// when an earlier run left them on disk.
	take := func() (changed <-chan struct{}, closed bool, err error) {
		more, changed, closed, err := d.queue.since(len(d.chunks))
		for _, c := range more {
			if d.host == "" {
				d.host = hostPort(c.Dir)
			}
			i := len(d.chunks)
			d.chunks = append(d.chunks, c)
			attempts = append(attempts, 0)
			refetched = append(refetched, false)
			if n, ok := d.cache.have(c.Name); ok {
				d.done++
				d.resumed++
				d.bytes += n
				d.seconds += c.Duration
				d.onChunk(i)
				continue
			}
			pending = append(pending, i)
		}
		return changed, closed, err
	}
	changed, closed, qerr := take()
	d.report(0)

	ctl := newController(d.opt.MaxConns, d.opt.Fixed)
	results := make(chan result)
	retryCh := make(chan int)
	active, waiting := 0, 0
	tick := time.NewTicker(controlInterval)
	defer tick.Stop()

	for {
		if qerr != nil {
			return qerr
		}
		if closed && d.done == len(d.chunks) {
			return nil
		}
		for active < ctl.limit && len(pending) > 0 {
			idx := pending[0]
			pending = pending[1:]
			active++
			wg.Add(1)
			c, total, again := d.chunks[idx], len(d.chunks), refetched[idx]
			go func() {
				defer wg.Done()
				r := d.fetch(ctx, idx, c, total, !again)
				select {
				case results <- r:
				case <-ctx.Done():
				}
			}()
		}
		select {
		case <-ctx.Done():
			return protocol.NewError(protocol.CodeCancelled, ctx.Err())
		case <-changed:
			before := d.done
			changed, closed, qerr = take()
			if d.done > before {
				d.report(active)
			}
		case <-tick.C:
			ctl.observe(d.meter.rate(), active, len(pending)+waiting > 0)
		case idx := <-retryCh:
			waiting--
			pending = append(pending, idx)
		case r := <-results:
			active--
			if r.http2 {
				ctl.multiplexed(StreamsPerConn)
			}
			if r.err == nil {
				d.done++
				d.bytes += r.n
				d.seconds += d.chunks[r.idx].Duration
				d.fetched += r.n
				d.meter.add(r.n)
				d.display.add(r.n)
				d.onChunk(r.idx)
				d.report(active)
				continue
			}
			if r.slowDown {
				ctl.backOff()
			}
			if r.short {
				refetched[r.idx] = true
			}
			attempts[r.idx]++
			if !r.retry || attempts[r.idx] >= d.opt.Attempts {
				return r.err
			}
			d.opt.Log.Debug().Err(r.err).Int("chunk", r.idx).Int("attempt", attempts[r.idx]).Msg("chunk failed, retrying")
			waiting++
			wait := retry.Backoff(attempts[r.idx], 250*time.Millisecond, 10*time.Second)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if retry.Sleep(ctx, wait) != nil {
					return
				}
				select {
				case retryCh <- r.idx:
				case <-ctx.Done():
				}
			}()
		}
	}
}

func (d *downloader) onChunk(i int) {
	if d.opt.OnChunk != nil {
		d.opt.OnChunk(i)
	}
}

func (d *downloader) report(active int) {
	if d.opt.Progress == nil {
		return
	}
	conns := active
	if d.pool != nil {
		conns = d.pool.OpenConns(d.host)
	}
	d.opt.Progress(Progress{Done: d.done, Total: len(d.chunks), Bytes: d.bytes, Seconds: d.seconds, Fetched: d.fetched,
		Speed: d.display.rate(), Conns: conns, Resumed: d.resumed})
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// fetch downloads one chunk, checks it and stores it under its cache name.
// A chunk is proven whole by its bytes: the length served and ADTS frames
// that parse. Its EXTINF is a hint: more audio is fine; a chunk short of
// it beyond rounding is fetched once more when refetch is set, and kept
// as served the second time (the merge notes it for the job's warnings).
func (d *downloader) fetch(ctx context.Context, idx int, c Chunk, total int, refetch bool) result {
	if d.opt.Slots != nil {
		select {
		case d.opt.Slots <- struct{}{}:
			defer func() { <-d.opt.Slots }()
		case <-ctx.Done():
			return result{idx: idx, err: ctx.Err()}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL(), nil)
	if err != nil {
		return result{idx: idx, err: protocol.Errorf(protocol.CodeBadPlaylist, "chunk %d has a bad URL: %w", idx, err)}
	}
	if err := check(d.opt.Allow, req.URL); err != nil {
		return result{idx: idx, err: err.(refusal).err}
	}
	for k, v := range d.opt.Header {
		req.Header[k] = v
	}
	resp, err := d.client.Do(req)
	if refused, ok := isRefused(err); ok {
		return result{idx: idx, err: refused}
	}
	if err != nil {
		return result{idx: idx, retry: true, err: protocol.Errorf(protocol.CodeNetwork, "%s (chunk %d: %w)", protocol.Messages[protocol.CodeNetwork], idx, retry.ScrubURLError(err))}
	}
	defer resp.Body.Close()
	h2 := resp.ProtoMajor == 2
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // reuse the connection
		slow := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		retry := slow || resp.StatusCode >= 500 || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusRequestTimeout
		return result{idx: idx, retry: retry, slowDown: slow, http2: h2,
			err: protocol.Errorf(protocol.CodeNetwork, "X's servers answered HTTP %d for chunk %d of %d. Try again later; the download resumes where it stopped", resp.StatusCode, idx+1, total)}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if resp.ContentLength > 0 && resp.ContentLength <= maxChunk {
		// The exact size: growing by doubling would hold ~64 KB for a
		// 37 KB chunk, times the requests in flight.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	n, err := io.Copy(buf, io.LimitReader(resp.Body, maxChunk+1))
	if err != nil {
		return result{idx: idx, retry: true, err: protocol.Errorf(protocol.CodeNetwork, "%s (chunk %d cut off: %w)", protocol.Messages[protocol.CodeNetwork], idx, err)}
	}
	if n > maxChunk {
		return result{idx: idx, err: protocol.Errorf(protocol.CodeBadPlaylist, "chunk %d is larger than 16 MB: not an audio chunk", idx)}
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return result{idx: idx, retry: true, err: protocol.Errorf(protocol.CodeNetwork, "chunk %d: got %d of %d bytes", idx, n, resp.ContentLength)}
	}
	keep := buf.Bytes()
	if d.opt.Store != nil {
		if keep, err = d.opt.Store(keep); err != nil {
			var p permanent
			return result{idx: idx, retry: !errors.As(err, &p), err: protocol.Errorf(protocol.CodeBadPlaylist, "chunk %d: %w", idx, err)}
		}
	} else if _, err := adts.Frames(keep); err != nil {
		// A CDN error page with status 200 or a damaged body: fetch again.
		// Something else than ADTS audio (MPEG-TS) stays what it is.
		return result{idx: idx, retry: !errors.Is(err, adts.ErrNotADTS), err: protocol.Errorf(protocol.CodeBadPlaylist, "chunk %d holds no audio: %w", idx, err)}
	}
	// The audio is measured in what is kept: a Store's ADTS, not the
	// MPEG-TS it came from, whose packet headers cut frames apart. MPEG-TS
	// kept whole (a picture, for an mp4) is not measured here: ffprobe
	// checks the mp4's length against the playlist.
	measured := d.opt.Store == nil // ADTS as served, checked above
	if !measured {
		_, err := adts.Frames(keep)
		measured = err == nil
	}
	if measured {
		st := adts.Inspect(keep)
		switch short := st.ShortOf(c.Duration); {
		case short && refetch:
			return result{idx: idx, retry: true, short: true, http2: h2, err: protocol.Errorf(protocol.CodeBadPlaylist,
				"chunk %d holds %.3f s of audio, less than the %.3f s its playlist lists", idx, st.Duration, c.Duration)}
		case short:
			d.opt.Log.Warn().Int("chunk", idx).Float64("held_s", st.Duration).Float64("listed_s", c.Duration).
				Msg("chunk served short of its EXTINF again: kept as served")
		case st.Duration > c.Duration+0.5 && c.Duration > 0:
			d.opt.Log.Debug().Int("chunk", idx).Float64("held_s", st.Duration).Float64("listed_s", c.Duration).
				Msg("chunk holds more audio than listed")
		}
	}
	if err := writeFileAtomic(filepath.Join(d.opt.Dir, c.Name), keep); err != nil {
		return result{idx: idx, err: err}
	}
	if err := d.cache.record(c.Name, int64(len(keep))); err != nil {
		return result{idx: idx, err: err}
	}
	return result{idx: idx, n: int64(len(keep)), http2: h2} // the size on disk, which a resume checks
}

// hostPort is the "host:port" a Transport dials for a URL (prefix).
func hostPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if u.Port() != "" {
		return u.Host
	}
	port := "443"
	if u.Scheme == "http" {
		port = "80"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// writeFileAtomic writes to a temporary name and renames, so that a crash
// never leaves a partial chunk under the final name.
func writeFileAtomic(p string, b []byte) error {
	tmp := p + ".part"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		os.Remove(tmp)
		return protocol.DiskError("write a chunk to the cache", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return protocol.DiskError("store a chunk in the cache", err)
	}
	return nil
}
