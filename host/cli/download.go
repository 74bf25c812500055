package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spacekeep/spacekeep/host/cookiefile"
	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/protocol"
)

type downloadFlags struct {
	out, format, template, cookies, ffmpeg string
	json, noInfoJSON, quiet, noWait, force bool
	noCaptions, noChapters, video          bool
	subFormat                              string
	concurrency                            int
}

func (f *downloadFlags) set(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "o", ".", "output `folder`")
	fs.StringVar(&f.format, "format", "m4a", "m4a (the original audio, no re-encode) or mp3")
	fs.StringVar(&f.template, "name-template", naming.DefaultTemplate, "file name `template`: {date} {time} {title} {host} {handle} {id} {state}")
	fs.StringVar(&f.cookies, "cookies", "", "Netscape cookies.txt `file` with your x.com auth_token and ct0 (else $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0; else X is asked as a guest)")
	fs.StringVar(&f.ffmpeg, "ffmpeg", "", "ffmpeg `path` (default: the one on PATH)")
	fs.BoolVar(&f.json, "json", false, "print one JSON event per line on stdout")
	fs.BoolVar(&f.noInfoJSON, "no-write-info-json", false, "do not write the Space's record (what X said, speakers, captions, files) to <file>.info.json")
	fs.BoolFunc("write-info-json", "write the record (the default; kept for scripts)", func(s string) error {
		v, err := strconv.ParseBool(s)
		f.noInfoJSON = !v
		return err
	})
	fs.BoolVar(&f.force, "force", false, "download even when the Space is already kept in the output folder")
	fs.BoolVar(&f.noCaptions, "no-captions", false, "do not fetch X's captions (<file>.vtt and the <file>.txt transcript)")
	fs.BoolVar(&f.noChapters, "no-chapters", false, "no speaker chapters in the audio file")
	fs.BoolVar(&f.video, "video", false, "for a Space with video, keep the picture too: an mp4 (H.264 and AAC copied; needs ffmpeg)")
	fs.StringVar(&f.subFormat, "sub-format", "vtt", "captions `format`: vtt or srt")
	fs.BoolVar(&f.quiet, "q", false, "no progress on stderr")
	fs.IntVar(&f.concurrency, "concurrency", 0, "parallel connections `N` (default: found automatically)")
	fs.BoolVar(&f.noWait, "no-wait", false, "if another spacekeep is downloading this Space, exit (18) instead of waiting for it")
}

func runDownload(env *Env, args []string) int {
	var f downloadFlags
	fs := flag.NewFlagSet("spacekeep download", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	f.set(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: spacekeep download [flags] <Space URL or id>")
		fs.PrintDefaults()
	}
	space, err := parseInterspersed(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if space == "" {
		fs.Usage()
		return exitUsage
	}
	if f.subFormat != "vtt" && f.subFormat != "srt" {
		return fail(env, protocol.Errorf(protocol.CodeBadRequest, "--sub-format must be vtt or srt, not %q", f.subFormat))
	}
	if f.format != "m4a" && f.format != "mp3" {
		return fail(env, protocol.Errorf(protocol.CodeBadRequest, "--format must be m4a or mp3, not %q", f.format))
	}
	cookies, err := loadCookies(env, f.cookies)
	if err != nil {
		return fail(env, err)
	}
	guest := cookies == protocol.Cookies{}
	if guest && !f.quiet && !f.json {
		fmt.Fprintln(env.Stderr, "spacekeep: no x.com session given; asking X as a guest (--cookies helps if X refuses guests)")
	}
	out, err := filepath.Abs(f.out)
	if err != nil {
		return fail(env, protocol.Errorf(protocol.CodeBadRequest, "bad output folder %q", f.out))
	}

	events := newEventPrinter(env, f.json, f.quiet)
	// Warnings (a rate limit being waited out, a retry) show on stderr
	// between progress lines; $SPACEKEEP_LOG shows more.
	consoleLevel := "warn"
	if env.Getenv("SPACEKEEP_LOG") != "" {
		consoleLevel = ""
	}
	if f.quiet {
		consoleLevel = "error" // -q: the one-line reason of a failure, nothing else
	}
	log, closeLog, redact := openLogTo(env, events.logWriter(), consoleLevel, "download")
	defer closeLog()
	m, err := newEngine(env, engineConfig{Log: log, Secret: redact, FFmpeg: f.ffmpeg, Owner: "spacekeep download",
		WaitForCache: !f.noWait, Force: f.force})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()

	unsub := m.Subscribe(func(ev protocol.Event) {
		if job.AlreadyKept(ev) {
			return // already kept: said below, it is no "Saved" line
		}
		events.handle(ev)
	})
	defer unsub()
	id, err := m.Start(protocol.DownloadStart{Space: space, Cookies: cookies, Options: protocol.Options{
		OutputDir: out, Format: f.format, NameTemplate: f.template, Concurrency: f.concurrency, WriteInfoJSON: !f.noInfoJSON,
		NoCaptions: f.noCaptions, NoChapters: f.noChapters, SubFormat: f.subFormat, Video: f.video}})
	if err != nil {
		return fail(env, err)
	}
	stop := context.AfterFunc(env.Ctx, func() { m.Cancel(id) })
	defer stop()
	final, err := m.Wait(context.Background(), id)
	if err != nil {
		return fail(env, err)
	}
	events.finish()
	if final.Type != protocol.TypeJobDone {
		if !f.json {
			fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(cliMessage(final, guest)))
		}
		return protocol.ExitCodes[final.Code]
	}
	if job.AlreadyKept(final) { // nothing fetched
		if f.json {
			jsonLine(env.Stdout, final)
		} else {
			if !f.quiet {
				fmt.Fprintf(env.Stderr, "spacekeep: already kept, nothing fetched (--force downloads it again): %s\n", oneLine(final.Path))
			}
			fmt.Fprintln(env.Stdout, final.Path)
		}
		return exitOK
	}
	if !f.json {
		fmt.Fprintln(env.Stdout, final.Path)
	}
	if len(final.Gaps) > 0 {
		// The file is kept, but not complete; the printer said why (warnings).
		return protocol.ExitIncomplete
	}
	return exitOK
}

// cliMessage words a failure for the command line, where the session comes
// from a cookies file or the environment (or, without them, X is asked as
// a guest) rather than the browser.
func cliMessage(ev protocol.Event, guest bool) string {
	if ev.Code == protocol.CodeAuth && guest {
		return "X did not let a guest (no x.com session) download this Space. Export your x.com cookies from a browser where you are logged in (--cookies cookies.txt) or set SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0, then try again."
	}
	if ev.Code == protocol.CodeAuth {
		return "X refused this x.com session: the auth_token and ct0 cookies are wrong or expired. Export them again from a browser where you are logged in to x.com (--cookies cookies.txt) or set SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0."
	}
	return ev.Message
}

// parseInterspersed lets flags follow the Space, as people type them.
func parseInterspersed(fs *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) > 1 {
		fmt.Fprintf(fs.Output(), "one Space at a time, got %d: %s\n", len(pos), strings.Join(pos, " "))
		return "", fmt.Errorf("too many arguments")
	}
	if len(pos) == 0 {
		return "", nil
	}
	return pos[0], nil
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

// fail prints err's one-line reason and returns its exit code.
func fail(env *Env, err error) int {
	fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(protocol.AsError(err).Error()))
	return protocol.ExitCode(err)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// jsonLine writes v as one line of JSON.
func jsonLine(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	w.Write(append(b, '\n'))
}
