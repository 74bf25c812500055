package nmhost

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/protocol"
)

// fakeDriver is a job.Driver whose events the test emits by hand.
type fakeDriver struct {
	mu        sync.Mutex
	subs      map[int]func(protocol.Event)
	nextSub   int
	started   []protocol.DownloadStart
	cancelled []string
	closed    bool
	running   map[string]bool
	panicList bool
	infoGate  chan struct{} // SpaceInfo waits on it when set
	list      []protocol.JobStatus
}

func newFakeDriver() *fakeDriver {
	return &fakeDriver{subs: map[int]func(protocol.Event){}, running: map[string]bool{}}
}

func (d *fakeDriver) Start(req protocol.DownloadStart) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.started = append(d.started, req)
	id := fmt.Sprintf("job-%d", len(d.started))
	d.running[id] = true
	fns := make([]func(protocol.Event), 0, len(d.subs))
	for _, fn := range d.subs {
		fns = append(fns, fn)
	}
	d.mu.Unlock()
	// Like the engine, report the queued job before Start returns.
	for _, fn := range fns {
		fn(protocol.Event{Type: protocol.TypeJobProgress, Job: id, Stage: protocol.StageQueued})
	}
	d.mu.Lock()
	return id, nil
}

func (d *fakeDriver) Cancel(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.running[id] {
		return protocol.NewError(protocol.CodeUnknownJob, nil)
	}
	d.cancelled = append(d.cancelled, id)
	return nil
}

func (d *fakeDriver) List() []protocol.JobStatus {
	d.mu.Lock()
	p := d.panicList
	d.mu.Unlock()
	if p {
		panic("list exploded")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.list
}

func (d *fakeDriver) Subscribe(fn func(protocol.Event)) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.nextSub
	d.nextSub++
	d.subs[n] = fn
	return func() { d.mu.Lock(); delete(d.subs, n); d.mu.Unlock() }
}

func (d *fakeDriver) SpaceInfo(ctx context.Context, q protocol.SpaceQuery) (protocol.SpaceInfo, error) {
	if d.infoGate != nil {
		select {
		case <-d.infoGate:
		case <-ctx.Done():
			return protocol.SpaceInfo{}, ctx.Err()
		}
	}
	return protocol.SpaceInfo{ID: q.Space, Title: "T", State: "Ended", Replayable: true, URL: "https://x.com/i/spaces/" + q.Space}, nil
}

// Close cancels running jobs, which end with job.failed cancelled, as the engine's do.
func (d *fakeDriver) Close() {
	d.mu.Lock()
	d.closed = true
	var ids []string
	for id := range d.running {
		ids = append(ids, id)
	}
	d.running = map[string]bool{}
	d.mu.Unlock()
	for _, id := range ids {
		d.emit(protocol.Event{Type: protocol.TypeJobFailed, Job: id, Stage: protocol.StageFailed, Code: protocol.CodeCancelled})
	}
}

func (d *fakeDriver) emit(e protocol.Event) {
	d.mu.Lock()
	fns := make([]func(protocol.Event), 0, len(d.subs))
	for _, fn := range d.subs {
		fns = append(fns, fn)
	}
	d.mu.Unlock()
	for _, fn := range fns {
		fn(e)
	}
}

func (d *fakeDriver) isClosed() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.closed }

// harness runs Serve on pipes and decodes every frame it writes.
type harness struct {
	t      *testing.T
	d      *fakeDriver
	in     *io.PipeWriter
	frames chan map[string]any
	done   chan error // Serve's result
	outErr chan error // the out reader's end: must be io.EOF (nothing but frames)
}

type recOpener struct {
	mu    sync.Mutex
	calls []string
}

func (o *recOpener) Reveal(p string) error {
	o.mu.Lock()
	o.calls = append(o.calls, "reveal "+p)
	o.mu.Unlock()
	return nil
}
func (o *recOpener) Open(p string) error {
	o.mu.Lock()
	o.calls = append(o.calls, "open "+p)
	o.mu.Unlock()
	return nil
}

func startHost(t *testing.T, opts Options) *harness {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", "")
	if opts.FFmpeg == "" {
		opts.FFmpeg = "/nonexistent/ffmpeg" // hello stays quick and predictable
	}
	if opts.SettingsDir == "" {
		opts.SettingsDir = t.TempDir()
	}
	if opts.Opener == nil {
		opts.Opener = &recOpener{}
	}
	opts.Logger = zerolog.New(zerolog.NewTestWriter(t))
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	h := &harness{t: t, d: newFakeDriver(), in: inW, frames: make(chan map[string]any, 100000),
		done: make(chan error, 1), outErr: make(chan error, 1)}
	go func() {
		err := Serve(context.Background(), inR, outW, h.d, opts)
		outW.Close()
		h.done <- err
	}()
	go func() {
		for {
			body, err := protocol.ReadFrame(outR)
			if err != nil {
				h.outErr <- err
				close(h.frames)
				return
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				h.outErr <- err
				close(h.frames)
				return
			}
			h.frames <- m
		}
	}()
	t.Cleanup(func() { h.in.Close() })
	return h
}

func (h *harness) send(v any) {
	h.t.Helper()
	if err := protocol.WriteFrame(h.in, v); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) next() map[string]any {
	h.t.Helper()
	select {
	case m, ok := <-h.frames:
		if !ok {
			h.t.Fatalf("output ended: %v", <-h.outErr)
		}
		return m
	case <-time.After(5 * time.Second):
		h.t.Fatal("no frame within 5s")
	}
	return nil
}

// nextReply skips events until a reply comes.
func (h *harness) nextReply() map[string]any {
	h.t.Helper()
	for {
		m := h.next()
		if _, ok := m["ok"]; ok {
			return m
		}
	}
}

// finish closes the input and returns Serve's result and the remaining frames.
func (h *harness) finish() ([]map[string]any, error) {
	h.t.Helper()
	h.in.Close()
	var rest []map[string]any
	for m := range h.frames {
		rest = append(rest, m)
	}
	if err := <-h.outErr; err != io.EOF {
		h.t.Fatalf("out ended with %v: something other than frames reached it", err)
	}
	return rest, <-h.done
}

func req(id any, typ string, payload any) map[string]any {
	m := map[string]any{"id": id, "type": typ}
	if payload != nil {
		m["payload"] = payload
	}
	return m
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

var cookies = map[string]string{"auth_token": "secret-auth", "ct0": "secret-ct0"}

func TestHelloFirstThenReplies(t *testing.T) {
	h := startHost(t, Options{Version: "1.2.3"})
	hello := h.next()
	if hello["type"] != "hello" || hello["version"] != "1.2.3" || hello["protocol"] != float64(protocol.Version) || hello["ffmpeg"] != false {
		t.Fatalf("first frame %v", hello)
	}
	if caps, _ := hello["capabilities"].([]any); len(caps) != len(Capabilities) {
		t.Fatalf("capabilities %v", hello["capabilities"])
	}
	h.send(req(1, "ping", nil))
	if r := h.nextReply(); r["id"] != float64(1) || r["ok"] != true {
		t.Fatalf("ping: %v", r)
	}
	h.send(req("abc", "teleport", nil))
	if r := h.nextReply(); r["id"] != "abc" || r["ok"] != false || errCode(r) != "unknown_type" {
		t.Fatalf("unknown type: %v", r)
	}
	h.send([]int{1, 2})
	if r := h.nextReply(); r["id"] != nil || errCode(r) != "bad_request" {
		t.Fatalf("array: %v", r)
	}
	// A frame that is not JSON at all leaves the stream in sync.
	h.in.Write(binary.NativeEndian.AppendUint32(nil, 3))
	h.in.Write([]byte("xyz"))
	if r := h.nextReply(); errCode(r) != "bad_request" {
		t.Fatalf("not json: %v", r)
	}
	h.send(req(2, "jobs.list", nil))
	if r := h.nextReply(); r["id"] != float64(2) || fmt.Sprint(r["result"]) != "map[jobs:[]]" {
		t.Fatalf("jobs.list: %v", r)
	}
	if _, err := h.finish(); err != nil {
		t.Fatal(err)
	}
}

func TestDownloadStartFillsSettingsAndForwardsEvents(t *testing.T) {
	dir := t.TempDir()
	if err := settings.Save(dir, protocol.Settings{OutputDir: "/srv/spaces", Format: "mp3", NameTemplate: "{id}", Concurrency: 3}); err != nil {
		t.Fatal(err)
	}
	h := startHost(t, Options{SettingsDir: dir, ProgressInterval: time.Millisecond})
	h.next() // hello
	h.send(req(1, "download.start", map[string]any{"space": "1OyKAWgagpqJb", "cookies": map[string]string{"auth_token": "onlyhalfasession"}}))
	if r := h.nextReply(); errCode(r) != "auth_required" {
		t.Fatalf("half a session: %v", r)
	}
	h.send(req(2, "download.start", map[string]any{"space": "1OyKAWgagpqJb", "cookies": cookies, "options": map[string]any{"format": "m4a"}}))
	r := h.next() // the reply comes before the job's first event
	if r["ok"] != true || fmt.Sprint(r["result"]) != "map[job:job-1]" {
		t.Fatalf("start: %v", r)
	}
	if e := h.next(); e["type"] != "job.progress" || e["stage"] != "queued" {
		t.Fatalf("queued: %v", e)
	}
	got := h.d.started[0]
	want := protocol.Options{OutputDir: "/srv/spaces", Format: "m4a", NameTemplate: "{id}", Concurrency: 3}
	if got.Options != want || got.Cookies.AuthToken != "secret-auth" {
		t.Fatalf("driver got %+v", got.Options)
	}
	h.d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: "job-1", Stage: protocol.StageFetching, ChunksDone: 1, ChunksTotal: 2})
	if e := h.next(); e["type"] != "job.progress" || e["chunks_done"] != float64(1) {
		t.Fatalf("progress: %v", e)
	}
	h.d.emit(protocol.Event{Type: protocol.TypeJobDone, Job: "job-1", Stage: protocol.StageDone, Path: "/srv/spaces/a.m4a"})
	if e := h.next(); e["type"] != "job.done" || e["path"] != "/srv/spaces/a.m4a" {
		t.Fatalf("done: %v", e)
	}
	h.send(req(3, "job.cancel", map[string]any{"job": "nope"}))
	if r := h.nextReply(); errCode(r) != "unknown_job" {
		t.Fatalf("cancel: %v", r)
	}
	h.finish()
}

func TestDownloadStartRefusesBadOptions(t *testing.T) {
	h := startHost(t, Options{})
	h.next()
	h.send(req(1, "download.start", map[string]any{"space": "x", "cookies": cookies, "options": map[string]any{"format": "wav"}}))
	if r := h.nextReply(); errCode(r) != "bad_request" {
		t.Fatalf("wav: %v", r)
	}
	h.send(req(2, "download.start", map[string]any{"space": "x", "cookies": cookies, "options": map[string]any{"output_dir": "rel"}}))
	if r := h.nextReply(); errCode(r) != "bad_request" {
		t.Fatalf("relative: %v", r)
	}
	h.send(req(3, "download.start", "not an object"))
	if r := h.nextReply(); errCode(r) != "bad_request" {
		t.Fatalf("string payload: %v", r)
	}
	h.finish()
}

func TestProgressCoalesced(t *testing.T) {
	h := startHost(t, Options{ProgressInterval: 40 * time.Millisecond})
	h.next()
	const n = 20000
	t0 := time.Now()
	for i := 1; i <= n; i++ {
		h.d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: "j", ChunksDone: i, ChunksTotal: n})
	}
	emitTime := time.Since(t0)
	time.Sleep(150 * time.Millisecond) // let the latest become due
	h.d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: "j", ChunksDone: n + 1})
	h.d.emit(protocol.Event{Type: protocol.TypeJobDone, Job: "j", Path: "/p"})
	h.d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: "j", ChunksDone: n + 2}) // stale, after done
	frames, _ := h.finish()
	var progress []float64
	for i, f := range frames {
		switch f["type"] {
		case "job.progress":
			progress = append(progress, f["chunks_done"].(float64))
		case "job.done":
			if i != len(frames)-1 {
				t.Fatalf("done is frame %d of %d: %v", i, len(frames), frames[i+1:])
			}
		}
	}
	if frames[len(frames)-1]["type"] != "job.done" {
		t.Fatalf("last frame %v", frames[len(frames)-1])
	}
	if len(progress) == 0 || len(progress) > 10 {
		t.Fatalf("%d progress frames for %d events (emitting took %v): %v", len(progress), n, emitTime, progress)
	}
	// n+1 may be flushed before done arrives (a tick can fall between the
	// two) or dropped by it; either way nothing older than n is last.
	if last := progress[len(progress)-1]; last != n && last != n+1 {
		t.Fatalf("latest progress lost: %v", progress)
	}
	for i := 1; i < len(progress); i++ {
		if progress[i] <= progress[i-1] {
			t.Fatalf("progress out of order: %v", progress)
		}
	}
}

// blockedWriter stalls every write until released: a browser that does not read.
type blockedWriter struct {
	gate chan struct{}
	w    io.Writer
}

func (b *blockedWriter) Write(p []byte) (int, error) { <-b.gate; return b.w.Write(p) }

func TestSlowReaderNeverBlocksDriver(t *testing.T) {
	gate := make(chan struct{})
	d := newFakeDriver()
	inR, inW := io.Pipe()
	bw := &blockedWriter{gate: gate, w: io.Discard}
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), inR, bw, d, Options{SettingsDir: t.TempDir(), FFmpeg: "/nonexistent/ffmpeg", Logger: zerolog.Nop()})
	}()
	gate <- struct{}{} // let hello through
	for d.subCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	emitted := make(chan struct{})
	go func() {
		for i := range 10000 {
			d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: fmt.Sprint(i % 50), ChunksDone: i})
		}
		d.emit(protocol.Event{Type: protocol.TypeJobDone, Job: "1"})
		close(emitted)
	}()
	select {
	case <-emitted:
	case <-time.After(5 * time.Second):
		t.Fatal("the driver's callback blocked on a stalled output")
	}
	close(gate)
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func (d *fakeDriver) subCount() int { d.mu.Lock(); defer d.mu.Unlock(); return len(d.subs) }

func TestRepliesUnderEventFlood(t *testing.T) {
	h := startHost(t, Options{ProgressInterval: time.Millisecond})
	h.next()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			h.d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: fmt.Sprint(i % 100), ChunksDone: i})
			if i%97 == 0 {
				h.d.emit(protocol.Event{Type: protocol.TypeJobFailed, Job: fmt.Sprint("f", i), Code: protocol.CodeNetwork})
			}
		}
	})
	const n = 300
	go func() {
		for i := range n {
			h.send(req(i, "ping", nil))
		}
	}()
	seen := map[float64]bool{}
	for len(seen) < n {
		r := h.nextReply()
		seen[r["id"].(float64)] = true
	}
	close(stop)
	wg.Wait()
	if _, err := h.finish(); err != nil {
		t.Fatal(err)
	}
}

func TestEOFMidJobClosesDriver(t *testing.T) {
	h := startHost(t, Options{})
	h.next()
	h.send(req(1, "download.start", map[string]any{"space": "1", "cookies": cookies}))
	h.nextReply()
	h.d.emit(protocol.Event{Type: protocol.TypeJobProgress, Job: "job-1", ChunksDone: 5})
	rest, err := h.finish()
	if err != nil {
		t.Fatalf("EOF: %v", err)
	}
	if !h.d.isClosed() {
		t.Fatal("driver not closed at EOF")
	}
	last := rest[len(rest)-1]
	if last["type"] != "job.failed" || last["code"] != "cancelled" {
		t.Fatalf("the cancellation was not forwarded: %v", rest)
	}
}

func TestEOFWithKeepJobsLeavesDriverOpen(t *testing.T) {
	h := startHost(t, Options{KeepJobs: true})
	h.next()
	h.send(req(1, "download.start", map[string]any{"space": "1", "cookies": cookies}))
	h.nextReply()
	rest, err := h.finish()
	if err != nil {
		t.Fatalf("EOF: %v", err)
	}
	if h.d.isClosed() {
		t.Fatal("KeepJobs: the driver was closed at EOF")
	}
	for _, m := range rest {
		if m["type"] == "job.failed" {
			t.Fatalf("KeepJobs: a job was cancelled at EOF: %v", rest)
		}
	}
}

func TestOversizedFrameEndsSession(t *testing.T) {
	h := startHost(t, Options{})
	h.next()
	go h.in.Write(binary.NativeEndian.AppendUint32(nil, protocol.MaxIncoming+1))
	r := h.nextReply()
	if r["id"] != nil || errCode(r) != "frame_too_large" {
		t.Fatalf("got %v", r)
	}
	if err := <-h.done; !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("Serve returned %v", err)
	}
	if !h.d.isClosed() {
		t.Fatal("driver not closed")
	}
}

func TestTruncatedInputIsAnError(t *testing.T) {
	h := startHost(t, Options{})
	h.next()
	h.in.Write([]byte{10, 0})
	_, err := h.finish()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v", err)
	}
}

func TestPanicAnsweredAsInternal(t *testing.T) {
	h := startHost(t, Options{})
	h.next()
	h.d.panicList = true
	h.send(req(7, "jobs.list", nil))
	r := h.nextReply()
	if r["id"] != float64(7) || errCode(r) != "internal" {
		t.Fatalf("got %v", r)
	}
	h.send(req(8, "ping", nil))
	if r := h.nextReply(); r["ok"] != true {
		t.Fatalf("session did not survive the panic: %v", r)
	}
	h.finish()
}

func TestSettingsGetSet(t *testing.T) {
	h := startHost(t, Options{})
	h.next()
	h.send(req(1, "settings.get", nil))
	r := h.nextReply()
	res := r["result"].(map[string]any)
	if res["format"] != "m4a" || res["name_template"] != settings.DefaultNameTemplate {
		t.Fatalf("defaults: %v", r)
	}
	h.send(req(2, "settings.set", map[string]any{"format": "mp3", "concurrency": 4}))
	h.send(req(3, "settings.get", nil))
	if r := h.nextReply(); r["result"].(map[string]any)["format"] != "mp3" {
		t.Fatalf("set: %v", r)
	}
	if r := h.nextReply(); r["id"] != float64(3) || r["result"].(map[string]any)["concurrency"] != float64(4) {
		t.Fatalf("get after set: %v", r)
	}
	h.send(req(4, "settings.set", map[string]any{"format": "flac"}))
	if r := h.nextReply(); errCode(r) != "bad_request" {
		t.Fatalf("flac: %v", r)
	}
	h.finish()
}

func TestSlowSpaceInfoDoesNotHoldOthers(t *testing.T) {
	h := startHost(t, Options{})
	h.d.infoGate = make(chan struct{})
	h.next()
	h.send(req(1, "space.info", map[string]any{"space": "1OyKAWgagpqJb", "cookies": cookies}))
	h.send(req(2, "ping", nil))
	if r := h.nextReply(); r["id"] != float64(2) {
		t.Fatalf("ping waited for space.info: %v", r)
	}
	close(h.d.infoGate)
	if r := h.nextReply(); r["id"] != float64(1) || r["result"].(map[string]any)["id"] != "1OyKAWgagpqJb" {
		t.Fatalf("space.info: %v", r)
	}
	h.finish()
}

func TestFileRevealOnlyAllowedPaths(t *testing.T) {
	out := t.TempDir()
	other := t.TempDir()
	dir := t.TempDir()
	if err := settings.Save(dir, protocol.Settings{OutputDir: out, Format: "m4a", NameTemplate: "t"}); err != nil {
		t.Fatal(err)
	}
	inOut := filepath.Join(out, "a b.m4a")
	produced := filepath.Join(other, "made.m4a")
	transcript := filepath.Join(other, "made.txt") // written beside the audio, listed in files
	stranger := filepath.Join(other, "secret.txt")
	for _, p := range []string{inOut, produced, transcript, stranger} {
		os.WriteFile(p, []byte("x"), 0o644)
	}
	link := filepath.Join(out, "link")
	os.Symlink(stranger, link)
	// A file spacekeep made, later replaced by a symlink to a program.
	swapped := filepath.Join(out, "swapped.m4a")
	os.Symlink("/usr/bin/id", swapped)
	library := filepath.Join(other, "kept.m4a")
	os.WriteFile(library, []byte("x"), 0o644)
	op := &recOpener{}
	h := startHost(t, Options{SettingsDir: dir, Opener: op, ProgressInterval: time.Millisecond,
		KnownFile: func(p string) bool { return p == library }})
	h.next()
	h.d.emit(protocol.Event{Type: protocol.TypeJobDone, Job: "j", Path: produced, Files: []string{produced, transcript}})
	h.next()
	h.d.emit(protocol.Event{Type: protocol.TypeJobDone, Job: "k", Path: swapped})
	h.next()
	cases := []struct {
		typ, path string
		ok        bool
	}{
		{"file.reveal", inOut, false}, // in the output folder, but not spacekeep's
		{"file.open", produced, true},
		{"file.open", transcript, true},
		{"file.reveal", library, true}, // the hook vouches for it
		{"file.open", swapped, false},
		{"file.open", stranger, false},
		{"file.open", link, false}, // a symlink out of the folder
		{"file.reveal", out + "/../" + filepath.Base(other) + "/secret.txt", false},
		{"file.reveal", "relative.m4a", false},
		{"file.reveal", filepath.Join(out, "missing.m4a"), false},
	}
	for i, c := range cases {
		h.send(req(i, c.typ, map[string]any{"path": c.path}))
		r := h.nextReply()
		if (r["ok"] == true) != c.ok || (!c.ok && errCode(r) != "bad_request") {
			t.Errorf("%s %s: %v", c.typ, c.path, r)
		}
	}
	// The output folder set to "/" makes no program openable.
	h.send(req(100, "settings.set", map[string]any{"output_dir": "/"}))
	h.nextReply()
	for i, p := range []string{"/usr/bin/id", "/etc/passwd"} {
		h.send(req(101+i, "file.open", map[string]any{"path": p}))
		if r := h.nextReply(); r["ok"] == true || errCode(r) != "bad_request" {
			t.Errorf("file.open %s with output_dir /: %v", p, r)
		}
	}
	h.finish()
	if want := fmt.Sprint([]string{"open " + produced, "open " + transcript, "reveal " + library}); fmt.Sprint(op.calls) != want {
		t.Fatalf("opener calls %v, want %v", op.calls, want)
	}
}

func TestDoctorRequest(t *testing.T) {
	h := startHost(t, Options{Doctor: func(context.Context) protocol.Doctor {
		return protocol.Doctor{OK: true, Version: "v", OS: "linux", Browsers: []protocol.DoctorBrowser{{Name: "Chromium"}}}
	}})
	h.next()
	h.send(req(1, "doctor", nil))
	r := h.nextReply()
	if r["ok"] != true || r["result"].(map[string]any)["browsers"].([]any)[0].(map[string]any)["name"] != "Chromium" {
		t.Fatalf("doctor: %v", r)
	}
	h.finish()
}

// settings.set does not write over a settings file it cannot read (the
// user's only copy of their choices): it says which file is damaged and
// what to do, not that the disk may be full.
func TestSettingsSetKeepsADamagedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	bad := []byte(`{"output_dir": "/srv/spa`)
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	h := startHost(t, Options{SettingsDir: dir})
	h.next() // hello
	h.send(req(1, "settings.set", map[string]any{"format": "mp3"}))
	r := h.nextReply()
	e, _ := r["error"].(map[string]any)
	msg, _ := e["message"].(string)
	if r["ok"] == true || !strings.Contains(msg, path) || !strings.Contains(msg, "damaged") || strings.Contains(msg, "free space") {
		t.Errorf("settings.set over a damaged file: %v", r)
	}
	if e["code"] != string(protocol.CodeDamagedFile) {
		t.Errorf("settings.set over a damaged file answers code %v, want %s", e["code"], protocol.CodeDamagedFile)
	}
	h.finish()
	if got, _ := os.ReadFile(path); string(got) != string(bad) {
		t.Errorf("settings.json was written over: %q", got)
	}
}
