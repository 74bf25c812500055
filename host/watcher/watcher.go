// Package watcher runs spacekeep's watching of hosts: the watch list kept
// in the settings, X's avatar_content (host/xapi) as the "who is live"
// source of the generic loop (host/watch), the job driver as its recorder,
// and the x.com session the extension hands over, held in memory only.
// The background service, the browser's host and `spacekeep watch run`
// each run one Keeper.
package watcher

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/host/watch"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// Config configures a Keeper.
type Config struct {
	// SettingsDir holds the settings and the watch list; empty means settings.Dir().
	SettingsDir string
	// APIBase is X's API base ($SPACEKEEP_API_BASE); empty means https://x.com.
	APIBase string
	// HTTP calls X's API; nil means a default with timeouts.
	HTTP *http.Client
	// Driver runs the recordings: normal download.start jobs. nil makes a
	// Keeper that only edits the list (the CLI's add, remove, list).
	Driver job.Driver
	// ClaimDir holds one lock file per Space being recorded, shared by every
	// spacekeep process of the user; empty means no lock across processes.
	ClaimDir string
	// OutputDir is where recordings go; empty means the settings' folder,
	// read at each start.
	OutputDir string
	// Interval between looks; 0 means 30 s (never below 5 s).
	Interval time.Duration
	// TopicInterval between two searches of a watched topic; 0 means
	// DefaultTopicInterval (topics.go).
	TopicInterval time.Duration
	// Where names the process in watch.status: "service", "browser" or "cli".
	Where string
	// Secret registers a value the logs must never show.
	Secret func(string)
	Log    zerolog.Logger
}

// Keeper is one watcher with its session and its listeners.
type Keeper struct {
	cfg Config
	w   *watch.Watcher

	mu      sync.Mutex
	cookies protocol.Cookies // in memory only: never written anywhere
	subs    map[int]func(protocol.Event)
	nextSub int
	waiters map[string]chan struct{} // job → closed when it ends
	ended   map[string]bool          // jobs that ended before their waiter came
	// noResolveUntil pauses resolving handles after a failure: X allows
	// UserByScreenName ~50 times per 15 minutes.
	noResolveUntil time.Time

	listMu sync.Mutex // serialises the watch list's read-modify-write

	topic topicState // the watched topics' loop (topics.go)
}

// New returns a Keeper; Run runs it. It subscribes to cfg.Driver's events.
func New(cfg Config) *Keeper {
	if cfg.Secret == nil {
		cfg.Secret = func(string) {}
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	k := &Keeper{cfg: cfg, subs: map[int]func(protocol.Event){}, waiters: map[string]chan struct{}{}, ended: map[string]bool{}}
	wc := watch.Config{
		Hosts:    k.hostIDs,
		Source:   k.source,
		Record:   k.record,
		Interval: cfg.Interval,
		OnLive:   k.onLive,
		Log:      cfg.Log,
	}
	if cfg.ClaimDir != "" {
		wc.Claim = watch.FileClaimer(cfg.ClaimDir)
	}
	k.w = watch.New(wc)
	k.newTopics()
	if cfg.Driver != nil {
		cfg.Driver.Subscribe(k.onJobEvent)
	}
	return k
}

// Run watches the hosts and the topics until ctx is done.
func (k *Keeper) Run(ctx context.Context) error {
	go k.topic.w.Run(ctx)
	return k.w.Run(ctx)
}

// SetSession hands the watcher the x.com session (the extension sends it on
// connect and when the cookies change). It is kept in memory only.
func (k *Keeper) SetSession(c protocol.Cookies) error {
	if c.AuthToken == "" || c.CT0 == "" {
		return protocol.NewError(protocol.CodeAuth, nil)
	}
	k.cfg.Secret(c.AuthToken)
	k.cfg.Secret(c.CT0)
	k.mu.Lock()
	changed := k.cookies != c
	k.cookies = c
	k.mu.Unlock()
	if changed {
		k.w.Wake()
		k.topic.w.Wake()
	}
	return nil
}

func (k *Keeper) session() (protocol.Cookies, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.cookies, k.cookies.AuthToken != ""
}

func (k *Keeper) client() (*xapi.Client, error) {
	c, ok := k.session()
	if !ok {
		return nil, watch.ErrNoSession
	}
	return xapi.New(c, xapi.Options{Base: k.cfg.APIBase, HTTP: k.cfg.HTTP, Log: k.cfg.Log})
}

func (k *Keeper) settingsDir() (string, error) {
	if k.cfg.SettingsDir != "" {
		return k.cfg.SettingsDir, nil
	}
	return settings.Dir()
}

// List returns the watch list.
func (k *Keeper) List() ([]protocol.WatchedHost, error) {
	dir, err := k.settingsDir()
	if err != nil {
		return nil, err
	}
	return settings.LoadWatch(dir)
}

// Add puts a host on the list. A handle is resolved to its user id now when
// a session is held, else at the next look that has one.
func (k *Keeper) Add(ctx context.Context, ref protocol.WatchRef) ([]protocol.WatchedHost, error) {
	if ref.Search != "" {
		return k.addTopic(ref)
	}
	h := protocol.WatchedHost{ID: strings.TrimSpace(ref.ID)}
	if h.ID != "" && !xapi.ValidUserID(h.ID) {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "%q is not an X user id", h.ID)
	}
	if ref.Handle != "" {
		handle, err := xapi.ParseHandle(ref.Handle)
		if err != nil {
			return nil, err
		}
		h.Handle = handle
	}
	if h.ID == "" && h.Handle == "" {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "watch.add needs a handle or an id")
	}
	if h.ID == "" {
		if c, err := k.client(); err == nil {
			id, name, err := c.UserID(ctx, h.Handle)
			switch {
			case err == nil:
				h.ID, h.Handle = id, name
			case protocol.CodeOf(err) == protocol.CodeNotFound:
				return nil, err
			default:
				k.cfg.Log.Warn().Err(err).Str("handle", h.Handle).Msg("watch: cannot resolve the handle now; later")
			}
		}
	}
	list, err := k.update(func(l []protocol.WatchedHost) ([]protocol.WatchedHost, error) {
		return settings.AddWatched(l, h), nil
	})
	k.w.Wake()
	return list, err
}

// Remove takes a host (by handle or id) off the list.
func (k *Keeper) Remove(ref protocol.WatchRef) ([]protocol.WatchedHost, error) {
	if ref.Search != "" {
		return k.removeTopic(ref.Search)
	}
	key := ref.ID
	if key == "" {
		key = strings.TrimPrefix(strings.TrimSpace(ref.Handle), "@")
	}
	return k.update(func(l []protocol.WatchedHost) ([]protocol.WatchedHost, error) {
		out, found := settings.RemoveWatched(l, key)
		if !found {
			return nil, protocol.Errorf(protocol.CodeBadRequest, "@%s is not on the watch list", key)
		}
		return out, nil
	})
}

func (k *Keeper) update(fn func([]protocol.WatchedHost) ([]protocol.WatchedHost, error)) ([]protocol.WatchedHost, error) {
	k.listMu.Lock()
	defer k.listMu.Unlock()
	dir, err := k.settingsDir()
	if err != nil {
		return nil, protocol.NewError(protocol.CodeDisk, err)
	}
	list, err := settings.LoadWatch(dir)
	if err != nil {
		return nil, protocol.NewError(protocol.CodeDisk, err)
	}
	next, err := fn(list)
	if err != nil {
		return nil, err
	}
	if err := settings.SaveWatch(dir, next); err != nil {
		if protocol.CodeOf(err) == protocol.CodeBadRequest {
			return nil, err
		}
		return nil, protocol.Errorf(protocol.CodeDisk, "save the watch list: %w", err)
	}
	return next, nil
}

// hostIDs is the loop's list: the ids on the watch list, resolving handles
// that have none yet (once each: the id is then kept).
func (k *Keeper) hostIDs() ([]string, error) {
	list, err := k.List()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, h := range list {
		if h.ID == "" {
			h.ID = k.resolve(h.Handle)
		}
		if h.ID != "" {
			ids = append(ids, h.ID)
		}
	}
	return ids, nil
}

func (k *Keeper) resolve(handle string) string {
	k.mu.Lock()
	paused := time.Now().Before(k.noResolveUntil)
	k.mu.Unlock()
	if paused {
		return ""
	}
	c, err := k.client()
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id, name, err := c.UserID(ctx, handle)
	if err != nil {
		until := time.Now().Add(watch.DefaultRateWait)
		var rl *xapi.RateLimitError
		if errors.As(err, &rl) && rl.RetryAt().After(time.Now()) {
			until = watch.Bound(rl.RetryAt(), time.Now())
		}
		k.mu.Lock()
		k.noResolveUntil = until
		k.mu.Unlock()
		k.cfg.Log.Warn().Err(err).Str("handle", handle).Str("retry", watch.At(until, time.Now())).Msg("watch: cannot resolve the handle")
		return ""
	}
	_, err = k.update(func(l []protocol.WatchedHost) ([]protocol.WatchedHost, error) {
		for i := range l {
			if strings.EqualFold(l[i].Handle, handle) && l[i].ID == "" {
				l[i].ID, l[i].Handle = id, name
			}
		}
		return l, nil
	})
	if err != nil {
		k.cfg.Log.Warn().Err(err).Msg("watch: cannot save the resolved id")
	}
	return id
}

// source is the loop's "who is live": one avatar_content request. Only the
// users asked about count (an answer naming others is not trusted), and
// only a Space the watched user hosts (avatar_content also lists users who
// speak in someone else's Space).
func (k *Keeper) source(ctx context.Context, ids []string) (watch.Answer, error) {
	c, err := k.client()
	if err != nil {
		return watch.Answer{}, err
	}
	ans, err := c.LiveSpaces(ctx, ids)
	if err != nil {
		return watch.Answer{}, err
	}
	handles := map[string]string{}
	if list, err := k.List(); err == nil {
		for _, h := range list {
			handles[h.ID] = h.Handle
		}
	}
	asked := make(map[string]bool, len(ids))
	for _, id := range ids {
		asked[id] = true
	}
	var out watch.Answer
	ignored := 0
	for _, s := range ans.Spaces {
		if !asked[s.UserID] {
			ignored++ // X answered about someone not watched: never trusted, never logged one by one
			continue
		}
		if s.CreatorID != "" && s.CreatorID != s.UserID {
			continue
		}
		out.Live = append(out.Live, watch.Live{Host: s.UserID, Handle: handles[s.UserID], Space: s.SpaceID, Title: s.Title})
	}
	if ignored > 0 {
		k.cfg.Log.Debug().Int("ignored", ignored).Int("asked", len(ids)).Msg("watch: avatar_content named users not asked about; ignored")
	}
	if ans.Remaining == 0 && !ans.Reset.IsZero() {
		out.NotBefore = ans.Reset
	}
	return out, nil
}

// record starts a normal download.start job, which records a live Space
// from its start until it ends.
func (k *Keeper) record(_ context.Context, l watch.Live) (string, <-chan struct{}, error) {
	c, ok := k.session()
	if !ok {
		return "", nil, watch.ErrNoSession
	}
	dir, err := k.settingsDir()
	if err != nil {
		return "", nil, err
	}
	st, err := settings.Load(dir)
	if err != nil {
		k.cfg.Log.Warn().Err(err).Msg("watch: settings unreadable, using defaults")
	}
	// The record beside the audio, as every mode writes it: the library
	// can be rebuilt from it (library import).
	opts := settings.Fill(protocol.Options{OutputDir: k.cfg.OutputDir, WriteInfoJSON: true}, st)
	if !filepath.IsAbs(opts.OutputDir) {
		return "", nil, protocol.Errorf(protocol.CodeBadRequest, "output folder must be an absolute path, not %q", opts.OutputDir)
	}
	// Hold the job's end until its id is known.
	k.mu.Lock()
	defer k.mu.Unlock()
	id, err := k.cfg.Driver.Start(protocol.DownloadStart{Space: l.Space, Cookies: c, Options: opts})
	if err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	if k.ended[id] {
		delete(k.ended, id)
		close(done)
	} else {
		k.waiters[id] = done
	}
	return id, done, nil
}

// onJobEvent closes the waiter of a job that ended. It must not block.
func (k *Keeper) onJobEvent(ev protocol.Event) {
	if ev.Type != protocol.TypeJobDone && ev.Type != protocol.TypeJobFailed {
		return
	}
	go func() { // record holds mu while it starts the job
		k.mu.Lock()
		defer k.mu.Unlock()
		if ch, ok := k.waiters[ev.Job]; ok {
			close(ch)
			delete(k.waiters, ev.Job)
			return
		}
		k.ended[ev.Job] = true
	}()
}

func (k *Keeper) onLive(l watch.Live) {
	ev := protocol.Event{Type: protocol.TypeWatchLive, Job: l.Job, Stage: protocol.StageRecording,
		Space: &protocol.SpaceInfo{ID: l.Space, Title: l.Title, State: xapi.StateRunning,
			HostID: l.Host, HostHandle: l.Handle, URL: xapi.SpaceURL(l.Space)}}
	k.mu.Lock()
	subs := make([]func(protocol.Event), 0, len(k.subs))
	for _, fn := range k.subs {
		subs = append(subs, fn)
	}
	k.mu.Unlock()
	for _, fn := range subs {
		fn(ev)
	}
}

// Subscribe calls fn with every watch.live event until unsubscribe. fn must not block.
func (k *Keeper) Subscribe(fn func(protocol.Event)) (unsubscribe func()) {
	k.mu.Lock()
	id := k.nextSub
	k.nextSub++
	k.subs[id] = fn
	k.mu.Unlock()
	return func() {
		k.mu.Lock()
		delete(k.subs, id)
		k.mu.Unlock()
	}
}

// Status is the watcher's state for watch.status.
func (k *Keeper) Status() protocol.WatchStatus {
	st := k.w.Status()
	_, has := k.session()
	out := protocol.WatchStatus{State: st.State, Message: st.Message, Where: k.cfg.Where, Session: has,
		Hosts: st.Hosts, Every: k.w.Interval().Seconds()}
	if list, err := k.List(); err == nil {
		out.Hosts = len(list)
		for _, h := range list {
			if h.ID == "" {
				out.Pending++
			}
		}
	}
	k.topicStatus(&out)
	if !has && out.Hosts+out.Topics > 0 {
		out.State = protocol.WatchNoSession
		out.Message = "Paused: no x.com session. Open the browser with x.com logged in (or pass --cookies to spacekeep watch run)."
	}
	if !st.Last.IsZero() {
		out.Last = st.Last.UnixMilli()
	}
	if !st.Until.IsZero() {
		out.Until = st.Until.UnixMilli()
	}
	for _, l := range st.Recording {
		out.Recording = append(out.Recording, protocol.WatchRecording{Job: l.Job, Space: &protocol.SpaceInfo{
			ID: l.Space, Title: l.Title, State: xapi.StateRunning, HostID: l.Host, HostHandle: l.Handle, URL: xapi.SpaceURL(l.Space)}})
	}
	return out
}
