package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/host/browsercookies"
	"github.com/spacekeep/spacekeep/host/cookiefile"
	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/logging"
	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// DownloadOptions is what `spacekeep download` was asked to do.
type DownloadOptions struct {
	Env *Env

	Spaces    []string // URLs or ids, from the arguments and the batch file
	BatchFile string

	OutDir, Format, NameTemplate, SubFormat string
	Cookies, CookiesFromBrowser, FFmpeg     string
	Concurrency                             int

	JSON, DumpJSON, NoInfoJSON, NoCaptions, NoChapters, Video bool
	Quiet, Verbose, NoWait, Force                             bool
}

// NewCmdDownload is `spacekeep download`; runF, when a test passes one,
// gets the parsed options instead of downloadRun.
func NewCmdDownload(env *Env, runF func(*DownloadOptions) error) *cobra.Command {
	opts := &DownloadOptions{Env: env}
	writeInfo := true
	cmd := &cobra.Command{
		Use:   "download [flags] <Space URL or id>...",
		Short: "Download Spaces to audio files, with their speakers, captions and record",
		Long: `Download each Space named (a link such as https://x.com/i/spaces/1OyKAWgagpqJb, or its
id) into the output folder: the audio (m4a as X sends it, or mp3), X's captions (.vtt or
.srt and a .txt transcript), and the Space's record (<name>.info.json). A Space already
kept in that folder is not fetched again. A scheduled Space is waited for and recorded
from its start; a live one is recorded until it ends (Ctrl-C stops and keeps what was
recorded); a replay is fetched at once (Ctrl-C stops, and the next run resumes).

The x.com session comes from --cookies-from-browser, --cookies, or the environment
($SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0); without one, X is asked as a guest.

The last line on stdout is each file's path; progress goes to stderr. With several
Spaces, a summary line ends the run and the exit code is the worst one met.`,
		Example: `  spacekeep download https://x.com/i/spaces/1OyKAWgagpqJb
  spacekeep download -o ~/Spaces --format mp3 1OyKAWgagpqJb 1vOxwjaWEbdJB
  spacekeep download -a spaces.txt --cookies-from-browser firefox
  grep spaces links.txt | spacekeep download -a -
  spacekeep download -j 1OyKAWgagpqJb | jq .title
  spacekeep download --name-template '{date} {title}' 1OyKAWgagpqJb`,
		RunE: func(c *cobra.Command, args []string) error {
			if c.Flags().Changed("write-info-json") && !writeInfo {
				opts.NoInfoJSON = true
			}
			if err := opts.complete(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return downloadRun(opts)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVarP(&opts.OutDir, "output", "o", ".", "output `folder` (a folder, not a name: see --name-template)")
	f.StringVarP(&opts.BatchFile, "batch-file", "a", "", "read Space URLs or ids from `FILE`, one a line (# comments; - reads stdin)")
	f.StringVar(&opts.Format, "format", "m4a", "m4a (the original audio, no re-encode) or mp3 (needs ffmpeg)")
	f.StringVar(&opts.NameTemplate, "name-template", naming.DefaultTemplate, "file name `template`: {date} {time} {title} {host} {handle} {id} {state}")
	f.StringVar(&opts.CookiesFromBrowser, "cookies-from-browser", "", "take the x.com session from `BROWSER[:PROFILE]`: firefox, chrome, chromium, brave, edge, vivaldi, opera")
	f.StringVar(&opts.Cookies, "cookies", "", "Netscape cookies.txt `FILE` with your x.com auth_token and ct0")
	f.BoolVarP(&opts.DumpJSON, "dump-json", "j", false, "print each Space's record (JSON, one a line) without downloading")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON event per line on stdout (what the extension receives)")
	f.BoolVar(&opts.Force, "force", false, "download even when the Space is already kept in the output folder")
	f.BoolVar(&opts.NoInfoJSON, "no-write-info-json", false, "do not write the Space's record (what X said, speakers, captions, files) to <file>.info.json")
	f.BoolVar(&writeInfo, "write-info-json", true, "write the record (the default; kept for scripts)")
	f.BoolVar(&opts.NoCaptions, "no-captions", false, "do not fetch X's captions (<file>.vtt and the <file>.txt transcript)")
	f.BoolVar(&opts.NoChapters, "no-chapters", false, "no speaker chapters in the audio file")
	f.BoolVar(&opts.Video, "video", false, "for a Space with video, keep the picture too: an mp4 (H.264 and AAC copied; needs ffmpeg)")
	f.StringVar(&opts.SubFormat, "sub-format", "vtt", "captions `format`: vtt or srt")
	f.IntVar(&opts.Concurrency, "concurrency", 0, "parallel connections `N` (default: found automatically)")
	f.BoolVar(&opts.NoWait, "no-wait", false, "wait for nothing: fail if another spacekeep is downloading a Space (exit 18) or if it has not started yet (exit 7)")
	f.StringVar(&opts.FFmpeg, "ffmpeg", "", "ffmpeg `path`, for mp3 (default: $SPACEKEEP_FFMPEG, else the one on PATH)")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr, only what went wrong")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "show log lines on stderr (the log file has them anyway)")
	cmd.MarkFlagsMutuallyExclusive("cookies", "cookies-from-browser")
	cmd.MarkFlagsMutuallyExclusive("json", "dump-json")
	return cmd
}

// complete checks the flags and gathers the Spaces: the arguments, then
// the batch file's lines.
func (o *DownloadOptions) complete(args []string) error {
	if strings.Contains(o.OutDir, "%(") {
		return FlagErrorf("-o is a folder; use --name-template '{title}' for the file's name (yt-dlp's %%(title)s is {title} here, %%(id)s is {id})")
	}
	if o.SubFormat != "vtt" && o.SubFormat != "srt" {
		return FlagErrorf("--sub-format must be vtt or srt, not %q", o.SubFormat)
	}
	if o.Format != "m4a" && o.Format != "mp3" {
		return FlagErrorf("--format must be m4a or mp3, not %q", o.Format)
	}
	if o.Concurrency < 0 {
		return FlagErrorf("--concurrency must be 1 or more, not %d", o.Concurrency)
	}
	spaces := append([]string(nil), args...)
	if o.BatchFile != "" {
		lines, err := readBatch(o.Env, o.BatchFile)
		if err != nil {
			return FlagErrorf("the batch file: %v", err)
		}
		spaces = append(spaces, lines...)
	}
	if len(spaces) == 0 {
		if o.BatchFile != "" {
			return FlagErrorf("the batch file %s names no Space", o.BatchFile)
		}
		return FlagErrorf("download needs a Space URL or id (or -a FILE)")
	}
	// Each Space once, whichever way it was written.
	seen := map[string]bool{}
	for _, s := range spaces {
		key := s
		if id, err := xapi.ParseSpaceURL(s); err == nil {
			key = id
		}
		if !seen[key] {
			seen[key] = true
			o.Spaces = append(o.Spaces, s)
		}
	}
	return nil
}

// readBatch reads a batch file: one Space a line; blank lines and lines
// starting with # (or ;) are skipped; "-" is stdin.
func readBatch(env *Env, name string) ([]string, error) {
	var r io.Reader
	if name == "-" {
		if env.Stdin == nil {
			return nil, fmt.Errorf("no standard input")
		}
		r = env.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

// outcome is how one Space of a batch ended.
type outcome int

const (
	outKept outcome = iota
	outSkipped
	outFailed
)

// downloadRun downloads each Space in turn with one engine.
func downloadRun(o *DownloadOptions) error {
	env := o.Env
	cookies, guest, err := o.session()
	if err != nil {
		return exitStatus(fail(env, err))
	}
	if guest && !o.Quiet && !o.JSON && !o.DumpJSON {
		fmt.Fprintln(env.Stderr, "spacekeep: no x.com session given; asking X as a guest (--cookies-from-browser or --cookies help if X refuses guests)")
	}
	out, err := filepath.Abs(o.OutDir)
	if err != nil {
		return FlagErrorf("bad output folder %q", o.OutDir)
	}

	events := newEventPrinter(env, o.JSON, o.Quiet)
	// The terminal gets words: warnings (a rate limit waited out) as
	// sentences; log lines themselves only with -v or $SPACEKEEP_LOG.
	console := logging.Options{Console: events.logWriter(), ConsoleLevel: "warn", ConsoleWords: true}
	var warn io.Writer = env.Stderr
	switch {
	case o.Quiet:
		console, warn = logging.Options{}, nil
	case o.Verbose || env.Getenv(logging.EnvLevel) != "":
		console = logging.Options{Console: events.logWriter()}
		if env.Getenv(logging.EnvLevel) == "" {
			console.ConsoleLevel = "info"
		}
	}
	log, closeLog, redact := openLogWith(env, console, "download", warn)
	defer closeLog()
	m, err := newEngine(env, engineConfig{Log: log, Secret: redact, FFmpeg: o.FFmpeg, Owner: "spacekeep download",
		WaitForCache: !o.NoWait, Force: o.Force})
	if err != nil {
		return exitStatus(fail(env, err))
	}
	defer m.Close()

	if o.DumpJSON {
		return exitStatus(o.dump(m, cookies, guest))
	}
	unsub := m.Subscribe(func(ev protocol.Event) {
		if job.AlreadyKept(ev) {
			return // already kept: said below, it is no "Saved" line
		}
		events.handle(ev)
	})
	defer unsub()
	worst, counts := exitOK, map[outcome]int{}
	for i, space := range o.Spaces {
		if env.Ctx.Err() != nil {
			counts[outFailed] += len(o.Spaces) - i
			worst = worse(worst, protocol.ExitCodes[protocol.CodeCancelled])
			break
		}
		code, how := o.one(m, events, space, out, cookies, guest)
		counts[how]++
		worst = worse(worst, code)
	}
	if len(o.Spaces) > 1 && !o.JSON {
		fmt.Fprintln(env.Stderr, summary(len(o.Spaces), counts))
	}
	return status(worst)
}

// one downloads one Space and says how it went.
func (o *DownloadOptions) one(m *job.Manager, events *eventPrinter, space, out string, cookies protocol.Cookies, guest bool) (int, outcome) {
	env := o.Env
	events.start()
	if o.NoWait {
		// --no-wait waits for nothing: not for another download, nor for
		// a scheduled Space to start.
		if info, err := m.SpaceInfo(env.Ctx, protocol.SpaceQuery{Space: space, Cookies: cookies}); err == nil && info.Status == protocol.StatusScheduled {
			when := ""
			if info.StartedAt > 0 {
				when = " for " + time.UnixMilli(info.StartedAt).Local().Format("Mon 2 Jan 15:04")
			}
			return failAbout(env, space, len(o.Spaces), protocol.Errorf(protocol.CodeNotStarted,
				"This Space is scheduled%s and has not started. Without --no-wait, spacekeep waits for it and records it from its start.", when)), outFailed
		}
	}
	id, err := m.Start(protocol.DownloadStart{Space: space, Cookies: cookies, Options: protocol.Options{
		OutputDir: out, Format: o.Format, NameTemplate: o.NameTemplate, Concurrency: o.Concurrency, WriteInfoJSON: !o.NoInfoJSON,
		NoCaptions: o.NoCaptions, NoChapters: o.NoChapters, SubFormat: o.SubFormat, Video: o.Video}})
	if err != nil {
		return failAbout(env, space, len(o.Spaces), err), outFailed
	}
	stop := context.AfterFunc(env.Ctx, func() { m.Cancel(id) })
	defer stop()
	final, err := m.Wait(context.Background(), id)
	if err != nil {
		return failAbout(env, space, len(o.Spaces), err), outFailed
	}
	if job.AlreadyKept(final) { // nothing fetched
		events.eraseProgress()
		if o.JSON {
			jsonLine(env.Stdout, final)
		} else {
			if !o.Quiet {
				fmt.Fprintf(env.Stderr, "spacekeep: already kept, nothing fetched (--force downloads it again): %s\n", oneLine(final.Path))
			}
			fmt.Fprintln(env.Stdout, final.Path)
		}
		return exitOK, outSkipped
	}
	events.finish(final)
	if final.Type != protocol.TypeJobDone {
		if !o.JSON {
			prefix := ""
			if len(o.Spaces) > 1 {
				prefix = oneLine(space) + ": "
			}
			fmt.Fprintf(env.Stderr, "spacekeep: %s%s\n", prefix, oneLine(cliMessage(final, guest)))
		}
		return protocol.ExitCodes[final.Code], outFailed
	}
	if !o.JSON {
		fmt.Fprintln(env.Stdout, final.Path)
	}
	if len(final.Gaps) > 0 {
		// The file is kept, but not complete; the printer said why (warnings).
		return protocol.ExitIncomplete, outKept
	}
	return exitOK, outKept
}

// dump prints each Space's record without downloading (-j).
func (o *DownloadOptions) dump(m *job.Manager, cookies protocol.Cookies, guest bool) int {
	worst := exitOK
	for _, space := range o.Spaces {
		rec, err := m.Describe(o.Env.Ctx, protocol.SpaceQuery{Space: space, Cookies: cookies})
		if err != nil {
			if protocol.CodeOf(err) == protocol.CodeAuth {
				err = protocol.Errorf(protocol.CodeAuth, "%s", cliMessage(protocol.Event{Code: protocol.CodeAuth}, guest))
			}
			worst = worse(worst, failAbout(o.Env, space, len(o.Spaces), err))
			continue
		}
		b, err := json.Marshal(rec)
		if err != nil {
			worst = worse(worst, fail(o.Env, err))
			continue
		}
		o.Env.Stdout.Write(append(b, '\n'))
	}
	return worst
}

// failAbout is fail, naming the Space when there are several.
func failAbout(env *Env, space string, n int, err error) int {
	if n > 1 {
		fmt.Fprintf(env.Stderr, "spacekeep: %s: %s\n", oneLine(space), oneLine(protocol.AsError(err).Error()))
		return protocol.ExitCode(err)
	}
	return fail(env, err)
}

// worse is the exit code a batch ends with: a failure beats an incomplete
// file, which beats success; between failures, the higher code.
func worse(a, b int) int {
	rank := func(c int) int {
		switch c {
		case exitOK:
			return 0
		case protocol.ExitIncomplete:
			return 1
		}
		return 2
	}
	if rank(b) > rank(a) || rank(b) == rank(a) && b > a {
		return b
	}
	return a
}

// summary is the batch's last line: "3 Spaces: 1 kept, 1 skipped, 1 failed".
func summary(n int, counts map[outcome]int) string {
	var parts []string
	for _, k := range []struct {
		o    outcome
		word string
	}{{outKept, "kept"}, {outSkipped, "skipped (already kept)"}, {outFailed, "failed"}} {
		if counts[k.o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k.o], k.word))
		}
	}
	return fmt.Sprintf("%s: %s", plural(n, "Space"), strings.Join(parts, ", "))
}

// plural says "1 Space", "2 Spaces".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// session is the x.com session to use: from a browser, a cookies file or
// the environment; guest is true when there is none.
func (o *DownloadOptions) session() (protocol.Cookies, bool, error) {
	c, err := sessionFrom(o.Env, o.Cookies, o.CookiesFromBrowser)
	return c, err == nil && c == protocol.Cookies{}, err
}

// cliMessage words a failure for the command line, where the session comes
// from a cookies file or the environment (or, without them, X is asked as
// a guest) rather than the browser.
func cliMessage(ev protocol.Event, guest bool) string {
	if ev.Code == protocol.CodeAuth && guest {
		return "X did not let a guest (no x.com session) download this Space. Log in to x.com in a browser and pass --cookies-from-browser BROWSER (or export cookies.txt for --cookies, or set SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0), then try again."
	}
	if ev.Code == protocol.CodeAuth {
		return "X refused this x.com session: the auth_token and ct0 cookies are wrong or expired. Log in to x.com again in the browser (--cookies-from-browser), or export them again (--cookies cookies.txt, or SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0)."
	}
	return ev.Message
}

func loadCookies(env *Env, file string) (protocol.Cookies, error) {
	if file != "" {
		fh, err := os.Open(file)
		if err != nil {
			return protocol.Cookies{}, protocol.Errorf(protocol.CodeAuth, "cannot read the cookies file: %w", err)
		}
		defer fh.Close()
		return cookiefile.Parse(fh)
	}
	if c, ok := cookiefile.FromEnv(env.Getenv); ok {
		return c, nil
	}
	if strings.TrimSpace(env.Getenv(cookiefile.EnvAuthToken)) != "" || strings.TrimSpace(env.Getenv(cookiefile.EnvCT0)) != "" {
		return protocol.Cookies{}, protocol.Errorf(protocol.CodeAuth,
			"Half an x.com session: set both SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0 (or neither, to ask X as a guest).")
	}
	return protocol.Cookies{}, nil // no session: X is asked as a guest
}

// cacheRoot is where chunks wait until the merge: $SPACEKEEP_CACHE_DIR, else
// the user's cache folder.
func cacheRoot(env *Env) (string, error) {
	if d := env.Getenv("SPACEKEEP_CACHE_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", protocol.Errorf(protocol.CodeDisk, "no cache folder: set SPACEKEEP_CACHE_DIR (%w)", err)
	}
	return filepath.Join(d, "spacekeep", "downloads"), nil
}

// jsonLine writes v as one line of JSON.
func jsonLine(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	w.Write(append(b, '\n'))
}

// sessionFrom is the x.com session of a command with --cookies and
// --cookies-from-browser: the browser's, the file's, else the environment's
// (empty: none).
func sessionFrom(env *Env, file, browser string) (protocol.Cookies, error) {
	if browser != "" {
		c, err := browsercookies.Load(browser, browsercookies.Env{Getenv: env.Getenv})
		if err != nil {
			return protocol.Cookies{}, protocol.Errorf(protocol.CodeAuth, "%v", err)
		}
		return c, nil
	}
	return loadCookies(env, file)
}
