package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/logging"
	"github.com/spacekeep/spacekeep/host/nmhost"
	"github.com/spacekeep/spacekeep/host/watch"
	"github.com/spacekeep/spacekeep/host/watcher"
	"github.com/spacekeep/spacekeep/protocol"
)

// NewCmdWatch is `spacekeep watch` and its subcommands.
func NewCmdWatch(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch <command>",
		Short: "Watch hosts and record their Spaces from the first second",
		Long: `Keep a list of hosts (and topics) to watch. Whoever watches (the background service,
else the browser's spacekeep while the browser is open, or 'spacekeep watch run' in a
terminal) looks at X every 30 s and records each Space of a watched host from its start;
a topic is X's Space search for its words, every 5 minutes, its live Spaces recorded.`,
		Example: `  spacekeep watch add @alice @bob
  spacekeep watch add --search "rust lang" --min-listeners 50
  spacekeep watch list
  spacekeep watch run -o ~/Spaces --cookies-from-browser firefox`,
	}
	groupOf(cmd)
	cmd.AddCommand(NewCmdWatchEdit(env, "add", nil), NewCmdWatchEdit(env, "remove", nil), NewCmdWatchList(env, nil),
		NewCmdWatchStatus(env, nil), NewCmdWatchRun(env, nil))
	return cmd
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

// WatchEditOptions is `watch add` or `watch remove`.
type WatchEditOptions struct {
	Env                         *Env
	Verb                        string // add or remove
	Hosts                       []string
	Cookies, CookiesFromBrowser string
	// Search is a topic instead of hosts: X's Space search for its words.
	Search                    string
	MinListeners, MaxParallel int
}

// NewCmdWatchEdit is `spacekeep watch add` (verb "add") or `watch remove`.
func NewCmdWatchEdit(env *Env, verb string, runF func(*WatchEditOptions) error) *cobra.Command {
	o := &WatchEditOptions{Env: env, Verb: verb}
	cmd := &cobra.Command{
		Use:     verb + " [flags] <@handle or user id>... | --search WORDS",
		Short:   map[string]string{"add": "Watch these hosts, or a topic", "remove": "Stop watching these hosts, or a topic"}[verb],
		Example: fmt.Sprintf("  spacekeep watch %s @alice\n  spacekeep watch %s @alice 783214\n  spacekeep watch %s --search \"rust lang\"", verb, verb, verb),
		Args: func(c *cobra.Command, args []string) error {
			switch {
			case o.Search != "" && len(args) > 0:
				return FlagErrorf("%s takes hosts or --search, not both", c.CommandPath())
			case o.Search == "" && len(args) == 0:
				return FlagErrorf("%s needs at least one @handle (or --search WORDS)", c.CommandPath())
			case o.Search == "" && (c.Flags().Changed("min-listeners") || c.Flags().Changed("max-parallel")):
				return FlagErrorf("--min-listeners and --max-parallel go with --search")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			o.Hosts = args
			if runF != nil {
				return runF(o)
			}
			return status(watchEdit(o))
		},
	}
	if verb == "add" {
		cmd.Long = "Add hosts to the watch list. A handle is resolved to X's user id when a session is at hand (--cookies-from-browser, --cookies or the environment), else by the watcher later."
		cmd.Flags().StringVar(&o.CookiesFromBrowser, "cookies-from-browser", "", "take the x.com session from `BROWSER[:PROFILE]` to resolve handles now")
		cmd.Flags().StringVar(&o.Cookies, "cookies", "", "Netscape cookies.txt `FILE` (else $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0), to resolve handles now")
		cmd.Flags().StringVar(&o.Search, "search", "", "a topic instead of hosts: X's Space search `WORDS` (searched every 5 minutes)")
		cmd.Flags().IntVar(&o.MinListeners, "min-listeners", 0, "with --search: only live Spaces with at least `N` listeners")
		cmd.Flags().IntVar(&o.MaxParallel, "max-parallel", 0, "with --search: at most `N` of the topic's Spaces recorded at once (default 2)")
	} else {
		cmd.Long = "Remove hosts (or, with --search, a topic) from the watch list; recordings already running go on."
		cmd.Flags().StringVar(&o.Search, "search", "", "the topic to stop watching: its search `WORDS`")
	}
	return cmd
}

func watchEdit(o *WatchEditOptions) int {
	env, verb := o.Env, o.Verb
	if o.Search != "" {
		k, _ := newKeeper(env, nil, zerolog.Nop(), nil, "cli", "", 0)
		return watchTopicEdit(env, k, verb, protocol.WatchRef{Search: o.Search, MinListeners: o.MinListeners, MaxParallel: o.MaxParallel})
	}
	log, closeLog, secret := openLogTo(env, nil, "", "watch", nil)
	defer closeLog()
	k, _ := newKeeper(env, nil, log, secret, "cli", "", 0)
	if verb == "add" {
		if c, err := sessionFrom(env, o.Cookies, o.CookiesFromBrowser); err == nil && c.AuthToken != "" {
			k.SetSession(c)
		} else if err != nil && (o.Cookies != "" || o.CookiesFromBrowser != "") {
			return fail(env, err)
		}
	}
	code := exitOK
	for _, a := range o.Hosts {
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
			fmt.Fprintf(env.Stderr, "spacekeep: %s: %s\n", oneLine(a), oneLine(protocol.AsError(err).Error()))
			code = protocol.ExitCode(err)
			continue
		}
		for _, h := range list {
			if verb == "add" && (strings.EqualFold(h.Handle, strings.TrimPrefix(a, "@")) || h.ID == a) {
				fmt.Fprintf(env.Stdout, "watching %s\n", describeHost(h))
			}
		}
		if verb == "remove" {
			fmt.Fprintf(env.Stdout, "no longer watching %s\n", oneLine(a))
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
		return "@" + oneLine(handle)
	}
	return oneLine(id)
}

func describeHost(h protocol.WatchedHost) string {
	h.Handle, h.ID = oneLine(h.Handle), oneLine(h.ID)
	switch {
	case h.Handle != "" && h.ID != "":
		return "@" + h.Handle + " (" + h.ID + ")"
	case h.Handle != "":
		return "@" + h.Handle + " (id not known yet)"
	}
	return h.ID
}

// WatchListOptions is `watch list`.
type WatchListOptions struct {
	Env  *Env
	JSON bool
}

// NewCmdWatchList is `spacekeep watch list`.
func NewCmdWatchList(env *Env, runF func(*WatchListOptions) error) *cobra.Command {
	o := &WatchListOptions{Env: env}
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Short:   "The watched hosts",
		Long:    "List the watched hosts: @handle and X's user id (when known).",
		Example: "  spacekeep watch list\n  spacekeep watch list --json",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return status(watchList(o))
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print a JSON array")
	return cmd
}

func watchList(o *WatchListOptions) int {
	env := o.Env
	k, _ := newKeeper(env, nil, zerolog.Nop(), nil, "cli", "", 0)
	list, err := k.List()
	if err != nil {
		return fail(env, err)
	}
	if o.JSON {
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

// WatchStatusOptions is `watch status`.
type WatchStatusOptions struct {
	Env  *Env
	JSON bool
}

// NewCmdWatchStatus is `spacekeep watch status`.
func NewCmdWatchStatus(env *Env, runF func(*WatchStatusOptions) error) *cobra.Command {
	o := &WatchStatusOptions{Env: env}
	cmd := &cobra.Command{
		Use:     "status [flags]",
		Short:   "What the watcher does now",
		Long:    "Say who watches (the background service, the browser's spacekeep) and what: the hosts, the session, the last look, the recordings running.",
		Example: "  spacekeep watch status\n  spacekeep watch status --json",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return status(watchStatus(o))
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the status as JSON")
	return cmd
}

// watchStatus asks the background service's watcher when the service
// answers; else it says who watches and what is on the list.
func watchStatus(o *WatchStatusOptions) int {
	env := o.Env
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
	if o.JSON {
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
		fmt.Fprintf(env.Stdout, "  %s\n", oneLine(st.Message))
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
		fmt.Fprintf(env.Stdout, "recording: %s: %s (job %s)\n", liveHost(r.Space.HostHandle, r.Space.HostID), oneLine(r.Space.Title), r.Job)
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

// WatchRunOptions is `watch run`.
type WatchRunOptions struct {
	Env                                 *Env
	OutDir, Cookies, CookiesFromBrowser string
	FFmpeg                              string
	Interval                            time.Duration
	Verbose                             bool
}

// NewCmdWatchRun is `spacekeep watch run`.
func NewCmdWatchRun(env *Env, runF func(*WatchRunOptions) error) *cobra.Command {
	o := &WatchRunOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "run [flags]",
		Short: "Watch in this terminal and record until Ctrl-C",
		Long: `Watch the hosts on the list from this terminal and record each of their Spaces from
its start into the output folder, until Ctrl-C (which stops the recordings, keeping
what they have). Watching needs an x.com session: --cookies-from-browser, --cookies,
or $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0.`,
		Example: `  spacekeep watch run --cookies-from-browser firefox
  spacekeep watch run -o ~/Spaces --interval 1m --cookies cookies.txt`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return status(watchRun(o))
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.OutDir, "output", "o", "", "output `folder` (default: the settings' folder)")
	f.DurationVar(&o.Interval, "interval", 30*time.Second, "time between two looks at X (at least 5s)")
	f.StringVar(&o.CookiesFromBrowser, "cookies-from-browser", "", "take the x.com session from `BROWSER[:PROFILE]`")
	f.StringVar(&o.Cookies, "cookies", "", "Netscape cookies.txt `FILE` with your x.com auth_token and ct0")
	f.StringVar(&o.FFmpeg, "ffmpeg", "", "ffmpeg `path` (default: the one on PATH)")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "show log lines on stderr (the log file has them anyway)")
	cmd.MarkFlagsMutuallyExclusive("cookies", "cookies-from-browser")
	return cmd
}

// watchRun watches in the foreground. Ctrl-C stops the recordings it
// started (each keeps what was recorded, as download does) and exits.
func watchRun(o *WatchRunOptions) int {
	env := o.Env
	c, err := sessionFrom(env, o.Cookies, o.CookiesFromBrowser)
	if err != nil {
		return fail(env, err)
	}
	if c.AuthToken == "" {
		// Downloads may go as a guest; asking who is live needs a session.
		return fail(env, protocol.Errorf(protocol.CodeAuth,
			"No x.com session: watching needs one. Pass --cookies-from-browser BROWSER or --cookies cookies.txt, or set SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0."))
	}
	if o.Interval < watch.MinInterval {
		fmt.Fprintf(env.Stderr, "--interval %s is below the least X allows without rate limits: looking every %s.\n", o.Interval, watch.MinInterval)
		o.Interval = watch.MinInterval
	}
	dir := ""
	if o.OutDir != "" {
		if dir, err = filepath.Abs(o.OutDir); err != nil {
			return fail(env, protocol.Errorf(protocol.CodeBadRequest, "bad output folder %q", o.OutDir))
		}
	}
	console := logging.Options{Console: env.Stderr, ConsoleLevel: "warn", ConsoleWords: true}
	if o.Verbose || env.Getenv(logging.EnvLevel) != "" {
		console = logging.Options{Console: env.Stderr}
		if env.Getenv(logging.EnvLevel) == "" {
			console.ConsoleLevel = "info"
		}
	}
	log, closeLog, secret := openLogWith(env, console, "watch", env.Stderr)
	defer closeLog()
	m, err := newEngine(env, engineConfig{Log: log, Secret: secret, FFmpeg: o.FFmpeg, Owner: "spacekeep watch run"})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	k, _ := newKeeper(env, m, log, secret, "cli", dir, o.Interval)
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
			printed <- "saved " + clean(ev.Path)
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
		printed <- fmt.Sprintf("recording %s: %s (job %s)", liveHost(ev.Space.HostHandle, ev.Space.HostID), oneLine(ev.Space.Title), ev.Job)
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
	log.Info().Int("hosts", len(list)).Dur("interval", o.Interval).Msg("watching")
	fmt.Fprintf(env.Stderr, "Watching %s, looking every %s. Ctrl-C stops (recordings keep what they have).\n", plural(len(list), "host"), o.Interval)
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
