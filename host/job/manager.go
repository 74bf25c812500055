package job

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// Config configures a Manager.
type Config struct {
	// APIBase is X's API base URL; empty means https://x.com.
	APIBase string
	// ChatBase is the chat service's base URL (captions); empty means
	// APIBase when that is set, else https://proxsee.pscp.tv. It is called
	// with APIClient, never with X's cookies.
	ChatBase string
	// APIClient calls X's API; CDNClient fetches playlists, chunks and
	// avatars. nil means defaults tuned for many parallel chunk requests.
	APIClient, CDNClient *http.Client
	// FFmpeg is the ffmpeg to use; empty means the one on PATH.
	FFmpeg string
	// CacheDir holds one folder per Space while it downloads.
	CacheDir string
	// MaxConns caps requests in flight across all jobs (times
	// hls.StreamsPerConn over HTTP/2); 0 means 64. Connections to one host
	// are at most hls.PoolConns.
	MaxConns int
	// Defaults fill a request's empty options.
	Defaults protocol.Settings
	// LivePoll is how often a live recording reads its playlist; 0 means
	// the playlist's target duration (3-4 s). StatusPoll is how often it
	// asks X whether the Space is still live; 0 means 30 s. LiveQuiet is
	// how long, once X says the Space ended, the playlist may stay
	// unchanged (or missing) before the recording is complete; 0 means 3
	// minutes (X's playlists may answer 404 for a minute after the end).
	// Tests shorten them.
	LivePoll, StatusPoll, LiveQuiet time.Duration
	// WaitPoll is how often a job waiting for a scheduled Space to start
	// asks X whether it has; 0 means 60 s. WaitPollSoon replaces it from
	// two minutes before the scheduled start and while the Space is late;
	// 0 means 10 s. Tests shorten them.
	WaitPoll, WaitPollSoon time.Duration
	// WaitForCache makes a job whose Space another process is downloading
	// (the same cache entry, locked) wait for it and then resume from the
	// cache; without it the job fails at once with code busy, naming the
	// other. Owner is what this process is, for the other's message
	// ("spacekeep download"); empty means "spacekeep".
	WaitForCache bool
	Owner        string
	// OnDone, when set, is told of every finished file (the library).
	OnDone OnDone
	// Kept, when set, says where a Space is kept (the library): a Space
	// whose audio is already in the output folder, there or under a name
	// that carries its id, is not fetched again; its job ends at once with
	// that file. Force fetches every Space anew (`download --force`).
	Kept  KeptFunc
	Force bool
	// Secret registers a value the logs must never show (the cookies).
	Secret func(string)
	Log    zerolog.Logger
}

// Manager runs download jobs in this process. It implements Driver.
type Manager struct {
	cfg   Config
	slots chan struct{}

	mu     sync.Mutex
	jobs   map[string]*entry
	subs   map[int]func(protocol.Event)
	nextID int
	closed bool
	wg     sync.WaitGroup
}

type entry struct {
	id      string
	spaceID string
	started time.Time
	cancel  context.CancelFunc
	last    protocol.Event
	running bool
	// live is set while the job records a live Space: Cancel then closes
	// stop, which ends the recording and keeps it, rather than cancel.
	live     bool
	stop     chan struct{}
	stopping bool
	// cancelled is set by Cancel: a new start of the Space must not be
	// answered with this job. done is closed once the job has returned
	// (and let go of the Space's cache).
	cancelled bool
	done      chan struct{}
	finished  time.Time // when its job.done or job.failed went out
}

var _ Driver = (*Manager)(nil)

// NewManager returns a Manager; Close it to stop its jobs.
func NewManager(cfg Config) *Manager {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 64
	}
	if cfg.APIClient == nil {
		cfg.APIClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.CDNClient == nil {
		cfg.CDNClient = NewCDNClient(cfg.MaxConns)
	}
	if cfg.Secret == nil {
		cfg.Secret = func(string) {}
	}
	// A slot is a request in flight: over HTTP/2 several share a connection.
	return &Manager{cfg: cfg, slots: make(chan struct{}, cfg.MaxConns*hls.StreamsPerConn),
		jobs: map[string]*entry{}, subs: map[int]func(protocol.Event){}}
}

// NewCDNClient returns a client for the CDN: a pool of up to maxConns
// (at most hls.PoolConns) connections per host whatever the protocol, and a
// timeout per request so that a stalled connection is retried rather than
// waited on.
func NewCDNClient(maxConns int) *http.Client {
	return &http.Client{Transport: hls.NewTransport(maxConns), Timeout: 2 * time.Minute}
}

// Start queues a download and returns its job id. Starting a Space that is
// already downloading returns that job's id: two writers to one cache
// would fight.
func (m *Manager) Start(req protocol.DownloadStart) (string, error) {
	spaceID, err := xapi.ParseSpaceURL(req.Space)
	if err != nil {
		return "", err
	}
	if (req.Cookies.AuthToken == "") != (req.Cookies.CT0 == "") { // none at all: a guest
		return "", protocol.NewError(protocol.CodeAuth, nil)
	}
	if err := validate(req.Options); err != nil {
		return "", err
	}
	m.cfg.Secret(req.Cookies.AuthToken)
	m.cfg.Secret(req.Cookies.CT0)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", protocol.Errorf(protocol.CodeInternal, "spacekeep is shutting down")
	}
	var ending []<-chan struct{} // jobs of this Space being cancelled: wait for them
	for _, e := range m.jobs {
		if e.spaceID == spaceID && e.running {
			if e.cancelled || e.stopping {
				ending = append(ending, e.done)
				continue
			}
			return e.id, nil
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &entry{id: newID(), spaceID: spaceID, started: time.Now(), cancel: cancel, running: true, stop: make(chan struct{}), done: make(chan struct{})}
	e.last = protocol.Event{Type: protocol.TypeJobProgress, Job: e.id, Stage: protocol.StageQueued,
		Space: &protocol.SpaceInfo{ID: spaceID, URL: xapi.SpaceURL(spaceID)}}
	m.jobs[e.id] = e
	m.wg.Add(1)
	go func() {
		// One writer per cache: the job being cancelled finishes first.
		for _, d := range ending {
			select {
			case <-d:
			case <-ctx.Done():
			}
		}
		m.run(ctx, e, spaceID, req)
	}()
	return e.id, nil
}

func newID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (m *Manager) run(ctx context.Context, e *entry, spaceID string, req protocol.DownloadStart) {
	defer m.wg.Done()
	defer close(e.done)
	defer e.cancel()
	r := &runner{m: m, entry: e, job: e.id, spaceID: spaceID, req: req, log: m.cfg.Log.With().Str("job", e.id).Str("space", spaceID).Logger()}
	var (
		done protocol.Event
		err  error
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.log.Error().Interface("panic", p).Bytes("stack", debug.Stack()).Msg("job panicked")
				err = protocol.Errorf(protocol.CodeInternal, "%s (%v)", protocol.Messages[protocol.CodeInternal], p)
			}
		}()
		done, err = r.run(ctx)
	}()
	if err != nil {
		if ctx.Err() != nil {
			err = protocol.NewError(protocol.CodeCancelled, nil)
		}
		pe := protocol.AsError(err)
		r.log.Info().Str("code", string(pe.Code)).Err(err).Msg("download failed") // the user sees the reason already
		ev := protocol.Event{Type: protocol.TypeJobFailed, Job: e.id, Stage: protocol.StageFailed,
			Code: pe.Code, Message: pe.Error(), Space: m.lastSpace(e.id)}
		m.emit(ev)
		return
	}
	r.log.Info().Str("path", done.Path).Msg("download done")
	m.keep(r, done)
	m.emit(done)
}

// Cancel stops a job; its cache stays so that starting it again resumes.
// A job recording a live Space is stopped instead: the recording ends with
// the chunks it has, and the job with job.done (or job.failed cancelled
// when no chunk was recorded yet). A second Cancel cancels it.
func (m *Manager) Cancel(id string) error {
	m.mu.Lock()
	e, ok := m.jobs[id]
	if ok && e.live && !e.stopping {
		e.stopping = true
		close(e.stop)
		m.mu.Unlock()
		return nil
	}
	if ok {
		e.cancelled = true
	}
	m.mu.Unlock()
	if !ok {
		return protocol.NewError(protocol.CodeUnknownJob, nil)
	}
	e.cancel()
	return nil
}

// setLive marks a job as recording a live Space, or no longer; it returns
// the channel that Cancel closes to stop the recording.
func (m *Manager) setLive(e *entry, live bool) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.live = live
	return e.stop
}

// List returns the latest event of every job, oldest first.
func (m *Manager) List() []protocol.JobStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	es := make([]*entry, 0, len(m.jobs))
	for _, e := range m.jobs {
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool { return es[i].started.Before(es[j].started) })
	out := make([]protocol.JobStatus, len(es))
	for i, e := range es {
		out[i] = e.last
	}
	return out
}

// Subscribe calls fn for every event until unsubscribe is called.
func (m *Manager) Subscribe(fn func(protocol.Event)) (unsubscribe func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := m.nextID
	m.nextID++
	m.subs[id] = fn
	return func() {
		m.mu.Lock()
		delete(m.subs, id)
		m.mu.Unlock()
	}
}

// emit records ev as its job's latest state and hands it to subscribers.
func (m *Manager) emit(ev protocol.Event) {
	m.mu.Lock()
	if e, ok := m.jobs[ev.Job]; ok {
		if ev.Space == nil {
			ev.Space = e.last.Space
		}
		e.last = ev
		if ev.Type != protocol.TypeJobProgress && e.running {
			e.running = false
			e.finished = time.Now()
			m.dropOldFinished()
		}
	}
	subs := make([]func(protocol.Event), 0, len(m.subs))
	for _, fn := range m.subs {
		subs = append(subs, fn)
	}
	m.mu.Unlock()
	for _, fn := range subs {
		fn(ev)
	}
}

func (m *Manager) lastSpace(id string) *protocol.SpaceInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.jobs[id]; ok {
		return e.last.Space
	}
	return nil
}

// Close cancels running jobs (their cache stays) and waits for them. A live
// recording is cancelled too, not stopped: its chunks stay in the cache and
// a new start of the same Space, live or ended, picks them up again, since
// the playlist it records lists every chunk since the Space's start.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	for _, e := range m.jobs {
		e.cancel()
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// Wait blocks until the job ends and returns its final event.
func (m *Manager) Wait(ctx context.Context, id string) (protocol.Event, error) {
	ch := make(chan protocol.Event, 1)
	unsub := m.Subscribe(func(ev protocol.Event) {
		if ev.Job == id && ev.Type != protocol.TypeJobProgress {
			select {
			case ch <- ev:
			default:
			}
		}
	})
	defer unsub()
	m.mu.Lock()
	e, ok := m.jobs[id]
	if ok && !e.running {
		last := e.last
		m.mu.Unlock()
		return last, nil
	}
	m.mu.Unlock()
	if !ok {
		return protocol.Event{}, protocol.NewError(protocol.CodeUnknownJob, nil)
	}
	select {
	case ev := <-ch:
		return ev, nil
	case <-ctx.Done():
		return protocol.Event{}, ctx.Err()
	}
}

// SpaceInfo looks a Space up without downloading it.
func (m *Manager) SpaceInfo(ctx context.Context, q protocol.SpaceQuery) (protocol.SpaceInfo, error) {
	id, err := xapi.ParseSpaceURL(q.Space)
	if err != nil {
		return protocol.SpaceInfo{}, err
	}
	m.cfg.Secret(q.Cookies.AuthToken)
	m.cfg.Secret(q.Cookies.CT0)
	c, err := m.apiClient(q.Cookies, q.Hints, q.Page, q.Browser)
	if err != nil {
		return protocol.SpaceInfo{}, err
	}
	sp, err := c.AudioSpaceByID(ctx, id)
	if err != nil {
		return protocol.SpaceInfo{}, fmt.Errorf("look up Space %s: %w", id, err)
	}
	info := spaceInfo(sp)
	// Whether it has a picture is known from where its recording is: one
	// more call to X, only for a Space that has a recording.
	if sp.MediaKey != "" && (sp.Status() == protocol.StatusLive || sp.Downloadable() == nil) {
		if st, err := c.Status(ctx, sp.MediaKey); err == nil {
			if lists, err := xapi.Playlists(st.Location); err == nil {
				info.Video = lists.Video()
			}
		} else {
			m.cfg.Log.Debug().Err(err).Msg("could not ask X where the Space's recording is")
		}
	}
	return info, nil
}
