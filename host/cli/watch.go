package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/nmhost"
	"github.com/spacekeep/spacekeep/host/watch"
	"github.com/spacekeep/spacekeep/host/watcher"
	"github.com/spacekeep/spacekeep/protocol"
)

func watchUsage(env *Env) {
	fmt.Fprintln(env.Stderr, `Usage: spacekeep watch <command>

  add @handle…        watch these hosts (resolved to user ids when a session is at hand)
  add --search WORDS [--min-listeners N] [--max-parallel N]
                      watch a topic: record live Spaces X's Space search finds for
                      WORDS (searched every 5 minutes; default at most 2 at once)
  remove @handle…     stop watching them (remove --search WORDS: the topic)
  list [--json]       the watched hosts
  status [--json]     what the watcher does now (the service's, when it runs)
  run [-o DIR] [--interval D] [--cookies FILE]
                      watch in the foreground and record into DIR (default: the
                      settings' folder) until Ctrl-C; the session comes from
                      --cookies or $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0`)
}

func runWatch(env *Env, args []string) int {
	if len(args) == 0 {
		watchUsage(env)
		return exitUsage
	}
	switch args[0] {
	case "add", "remove":
		return watchEdit(env, args[0], args[1:])
	case "list":
		return watchList(env, args[1:])
	case "status":
		return watchStatus(env, args[1:])
	case "run":
		return watchRun(env, args[1:])
	case "-h", "--help", "help":
		watchUsage(env)
		return exitOK
	}
	fmt.Fprintf(env.Stderr, "spacekeep watch: unknown command %q\n\n", args[0])
	watchUsage(env)
	return exitUsage
}

// newKeeper returns a watcher over d (nil for commands that only edit the list).
func newKeeper(env *Env, d job.Driver, log zerolog.Logger, secret func(string), where, out string, interval time.Duration) (*watcher.Keeper, error) {
	if interval == 0 {
		// Tests and impatient users; the watcher never goes below 5 s.
		if d, err := time.ParseDuration(env.Getenv("SPACEKEEP_WATCH_INTERVAL")); err == nil {
			interval = d
		}
	}
	return watcher.New(watcher.Config{
		APIBase:   env.Getenv("SPACEKEEP_API_BASE"),
		Driver:    d,
		ClaimDir:  watchDir(env),
		OutputDir: out,
		Interval:  interval,
		Where:     where,
		Secret:    secret,
		Log:       log,
	}), nil
}

// watchDir holds the watchers' shared state: one claim per Space being
// recorded, and the beacon of a `watch run` (see watch.Beacon).
func watchDir(env *Env) string {
	if cache, err := cacheRoot(env); err == nil {
		return filepath.Join(cache, ".watch")
	}
	return ""
}

func watchEdit(env *Env, verb string, args []string) int {
	fs := flag.NewFlagSet("spacekeep watch "+verb, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cookies := fs.String("cookies", "", "Netscape cookies.txt `file` (else $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0), to resolve handles now")
	search := fs.String("search", "", "a topic instead of hosts: X's Space search `words`")
	minListeners := fs.Int("min-listeners", 0, "with --search: only live Spaces with at least `N` listeners")
	maxParallel := fs.Int("max-parallel", 0, "with --search: at most `N` of the topic's Spaces recorded at once (default 2)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if *search != "" {
		k, _ := newKeeper(env, nil, zerolog.Nop(), nil, "cli", "", 0)
		return watchTopicEdit(env, k, verb, protocol.WatchRef{Search: *search, MinListeners: *minListeners, MaxParallel: *maxParallel})
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(env.Stderr, "Usage: spacekeep watch %s @handle…\n", verb)
		return exitUsage
	}
	log, closeLog, secret := openLogTo(env, env.Stderr, "warn", "watch")
	defer closeLog()
	k, _ := newKeeper(env, nil, log, secret, "cli", "", 0)
	if verb == "add" {
		if c, err := loadCookies(env, *cookies); err == nil {
			k.SetSession(c)
		} else if *cookies != "" {
			return fail(env, err)
		}
	}
	code := exitOK
	for _, a := range fs.Args() {
		ref := protocol.WatchRef{Handle: a}
		if isDigits(a) {
			ref = protocol.WatchRef{ID: a}
		}
		var (
			list []protocol.WatchedHost
			err  error
		)
		if verb == "add" {
			list, err = k.Add(env.Ctx, ref)
		} else {
			list, err = k.Remove(ref)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "spacekeep: %s: %s\n", a, oneLine(protocol.AsError(err).Error()))
			code = protocol.ExitCode(err)
			continue
		}
		for _, h := range list {
			if verb == "add" && (strings.EqualFold(h.Handle, strings.TrimPrefix(a, "@")) || h.ID == a) {
				fmt.Fprintf(env.Stdout, "watching %s\n", describeHost(h))
			}
		}
		if verb == "remove" {
			fmt.Fprintf(env.Stdout, "no longer watching %s\n", a)
		}
	}
	return code
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// liveHost names a host that went live: its handle, else its id.
func liveHost(handle, id string) string {
	if handle != "" {
		return "@" + handle
	}
	return id
}

func describeHost(h protocol.WatchedHost) string {
	switch {
	case h.Handle != "" && h.ID != "":
		return "@" + h.Handle + " (" + h.ID + ")"
	case h.Handle != "":
		return "@" + h.Handle + " (id not known yet)"
	}
	return h.ID
}

func watchList(env *Env, args []string) int {
	fs := flag.NewFlagSet("spacekeep watch list", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	k, _ := newKeeper(env, nil, zerolog.Nop(), nil, "cli", "", 0)
	list, err := k.List()
	if err != nil {
		return fail(env, err)
	}
	if *asJSON {
		jsonLine(env.Stdout, list)
		return exitOK
	}
	for _, h := range list {
		fmt.Fprintln(env.Stdout, describeHost(h))
	}
	if printTopics(env.Stdout, k) == 0 && len(list) == 0 {
		fmt.Fprintln(env.Stderr, "No host watched. Add one: spacekeep watch add @handle")
	}
	return exitOK
}

// watchStatus asks the background service's watcher when the service
// answers; else it says who watches and what is on the list.
func watchStatus(env *Env, args []string) int {
	fs := flag.NewFlagSet("spacekeep watch status", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print the status as JSON")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	var st protocol.WatchStatus
	if conn, _, _ := dialService(env); conn != nil {
		got, err := askService(conn, protocol.TypeWatchStatus)
		conn.Close()
		if err != nil {
			return fail(env, err)
		}
		if err := json.Unmarshal(got, &st); err != nil {
			return fail(env, protocol.Errorf(protocol.CodeInternal, "the service's watch status: %w", err))
		}
	} else if b, ok := watch.Running(watchDir(env)); ok && json.Unmarshal(b, &st) == nil {
		// A `watch run` in another terminal.
	} else {
		k, _ := newKeeper(env, nil, zerolog.Nop(), nil, "", "", 0)
		st = k.Status()
		st.State = protocol.WatchOff
		st.Message = "No background service runs: the browser's spacekeep watches while the browser is open (or run: spacekeep watch run)."
	}
	if *asJSON {
		jsonLine(env.Stdout, st)
		return exitOK
	}
	printStatus(env, st)
	return exitOK
}

func printStatus(env *Env, st protocol.WatchStatus) {
	where := ""
	if st.Where != "" {
		where = " (in the " + st.Where + ")"
	}
	fmt.Fprintf(env.Stdout, "watcher: %s%s\n", st.State, where)
	if st.Message != "" {
		fmt.Fprintf(env.Stdout, "  %s\n", st.Message)
	}
	fmt.Fprintf(env.Stdout, "hosts: %d", st.Hosts)
	if st.Pending > 0 {
		fmt.Fprintf(env.Stdout, " (%d handles not resolved yet)", st.Pending)
	}
	fmt.Fprintln(env.Stdout)
	if st.State != protocol.WatchOff {
		fmt.Fprintf(env.Stdout, "session: %v\n", map[bool]string{true: "yes (in memory)", false: "none"}[st.Session])
	}
	if st.Last > 0 {
		fmt.Fprintf(env.Stdout, "last look: %s\n", time.UnixMilli(st.Last).Local().Format("15:04:05"))
	}
	for _, r := range st.Recording {
		fmt.Fprintf(env.Stdout, "recording: %s: %s (job %s)\n", liveHost(r.Space.HostHandle, r.Space.HostID), r.Space.Title, r.Job)
	}
}

// askService sends one request over a service connection and returns the
// result of its reply.
func askService(conn net.Conn, typ string) (json.RawMessage, error) {
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := protocol.ReadFrame(conn); err != nil { // hello
		return nil, protocol.Errorf(protocol.CodeInternal, "the service did not greet: %w", err)
	}
	if err := protocol.NewWriter(conn).WriteFrame(protocol.Request{ID: json.RawMessage("1"), Type: typ}); err != nil {
		return nil, protocol.Errorf(protocol.CodeInternal, "ask the service: %w", err)
	}
	for {
		body, err := protocol.ReadFrame(conn)
		if err != nil {
			return nil, protocol.Errorf(protocol.CodeInternal, "the service's answer: %w", err)
		}
		var r struct {
			ID     json.RawMessage `json:"id"`
			OK     bool            `json:"ok"`
			Result json.RawMessage `json:"result"`
			Error  *protocol.Error `json:"error"`
		}
		if json.Unmarshal(body, &r) != nil || string(r.ID) != "1" {
			continue // an event
		}
		if !r.OK {
			if r.Error == nil {
				return nil, protocol.Errorf(protocol.CodeInternal, "the service failed")
			}
			return nil, r.Error
		}
		return r.Result, nil
	}
}

// watchRun watches in the foreground. Ctrl-C stops the recordings it
// started (each keeps what was recorded, as download does) and exits.
func watchRun(env *Env, args []string) int {
	fs := flag.NewFlagSet("spacekeep watch run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	out := fs.String("o", "", "output `folder` (default: the settings' folder)")
	interval := fs.Duration("interval", 30*time.Second, "time between two looks (at least 5s)")
	cookies := fs.String("cookies", "", "Netscape cookies.txt `file` with your x.com auth_token and ct0 (else $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0)")
	ffmpeg := fs.String("ffmpeg", "", "ffmpeg `path` (default: the one on PATH)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "spacekeep watch run takes no arguments (add hosts with: spacekeep watch add @handle)\n")
		return exitUsage
	}
	c, err := loadCookies(env, *cookies)
	if err != nil {
		return fail(env, err)
	}
	if c.AuthToken == "" {
		// Downloads may go as a guest; asking who is live needs a session.
		return fail(env, protocol.Errorf(protocol.CodeAuth,
			"No x.com session: watching needs one. Pass --cookies cookies.txt or set SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0."))
	}
	dir := ""
	if *out != "" {
		if dir, err = filepath.Abs(*out); err != nil {
			return fail(env, protocol.Errorf(protocol.CodeBadRequest, "bad output folder %q", *out))
		}
	}
	consoleLevel := "info"
	if env.Getenv("SPACEKEEP_LOG") != "" {
		consoleLevel = ""
	}
	log, closeLog, secret := openLogTo(env, env.Stderr, consoleLevel, "watch")
	defer closeLog()
	m, err := newEngine(env, engineConfig{Log: log, Secret: secret, FFmpeg: *ffmpeg, Owner: "spacekeep watch run"})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	k, _ := newKeeper(env, m, log, secret, "cli", dir, *interval)
	if err := k.SetSession(c); err != nil {
		return fail(env, err)
	}

	var (
		mu   sync.Mutex
		jobs = map[string]bool{} // recordings started and not ended
		wg   sync.WaitGroup
	)
	printed := make(chan string, 64)
	unsubJobs := m.Subscribe(func(ev protocol.Event) {
		if ev.Type != protocol.TypeJobDone && ev.Type != protocol.TypeJobFailed {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !jobs[ev.Job] {
			return
		}
		delete(jobs, ev.Job)
		if ev.Type == protocol.TypeJobDone {
			printed <- "saved " + ev.Path
		} else {
			printed <- "failed: " + oneLine(cliMessage(ev, false))
		}
		wg.Done()
	})
	defer unsubJobs()
	unsubLive := k.Subscribe(func(ev protocol.Event) {
		mu.Lock()
		if !jobs[ev.Job] {
			jobs[ev.Job] = true
			wg.Add(1)
		}
		mu.Unlock()
		printed <- fmt.Sprintf("recording %s: %s (job %s)", liveHost(ev.Space.HostHandle, ev.Space.HostID), ev.Space.Title, ev.Job)
	})
	defer unsubLive()
	printerDone := make(chan struct{})
	go func() {
		defer close(printerDone)
		for line := range printed {
			fmt.Fprintln(env.Stdout, line)
		}
	}()
	list, _ := k.List()
	log.Info().Int("hosts", len(list)).Dur("interval", *interval).Msg("watching; Ctrl-C stops")
	stopBeacon := announceWatch(env, k, log)
	k.Run(env.Ctx)
	stopBeacon()

	// Ctrl-C: stop each recording (it keeps what it has) and wait for the files.
	mu.Lock()
	for id := range jobs {
		m.Cancel(id)
	}
	mu.Unlock()
	wg.Wait()
	unsubLive()
	unsubJobs()
	close(printed)
	<-printerDone
	return exitOK
}

// announceWatch shows k's status to `watch status` in other terminals
// until the returned func is called.
func announceWatch(env *Env, k *watcher.Keeper, log zerolog.Logger) (stop func()) {
	b, ok, err := watch.Announce(watchDir(env))
	if err != nil {
		log.Debug().Err(err).Msg("watch status will not see this watcher")
	}
	if !ok {
		return func() {}
	}
	publish := func() {
		data, err := json.Marshal(k.Status())
		if err == nil {
			err = b.Publish(data)
		}
		if err != nil {
			log.Debug().Err(err).Msg("cannot publish the watcher's status")
		}
	}
	publish()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				publish()
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		b.Close()
	}
}

// startWatcher runs a watcher beside the native session (the browser's host
// or the background service) until ctx ends, and returns it for the
// session's watch.* requests.
func startWatcher(ctx context.Context, env *Env, d job.Driver, log zerolog.Logger, secret func(string), where string) nmhost.Watcher {
	k, err := newKeeper(env, d, log, secret, where, "", 0)
	if err != nil {
		log.Warn().Err(err).Msg("watch: cannot start the watcher")
		return nil
	}
	go k.Run(ctx)
	return k
}
