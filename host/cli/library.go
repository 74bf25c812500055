package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/libserve"
	"github.com/spacekeep/spacekeep/host/settings"
)

const libraryUsage = `Usage: spacekeep library <command> [flags]

  list [--host H] [--since DATE] [--json]   the Spaces kept, newest first
  search [--host H] [--json] "words"        in titles, hosts, speakers and captions
  show [--json] ID                          one Space: files, talk time, transcript
  stats [--host H] [--json]                 Spaces, hours, listeners, speakers, words, topics
  export --format csv|json                  every Space, to stdout
  import DIR                                add every <name>.info.json under DIR
  remove [--delete-files] ID                forget a Space (and delete its files)
  serve [--addr A] [--keep-token] [--lan]   serve it read-only over HTTP: a player and a podcast feed

The library is at $SPACEKEEP_LIBRARY, else spacekeep/library.db in your data folder.
`

func runLibrary(env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := env.Stderr
		if len(args) > 0 {
			w = env.Stdout
		}
		fmt.Fprint(w, libraryUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	sub, ok := map[string]func(*Env, *library.Library, []string) int{
		"list": libList, "search": libSearch, "show": libShow, "stats": libStats,
		"export": libExport, "import": libImport, "remove": libRemove, "serve": libServe,
	}[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "spacekeep library: unknown command %q\n\n%s", args[0], libraryUsage)
		return exitUsage
	}
	l, err := openLibrary(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(err.Error()))
		return exitError
	}
	defer l.Close()
	return sub(env, l, args[1:])
}

func openLibrary(env *Env) (*library.Library, error) {
	path, err := library.Path(env.Getenv)
	if err != nil {
		return nil, err
	}
	return library.Open(env.Ctx, path)
}

// libFlags parses a subcommand's flags, which may come before or after its
// one positional argument. want is how many positionals it takes (0 or 1).
func libFlags(env *Env, name string, args []string, want int, set func(*flag.FlagSet)) (string, bool, int) {
	fs := flag.NewFlagSet("spacekeep library "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	set(fs)
	arg, err := parseInterspersed(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return "", false, exitOK
		}
		return "", false, exitUsage
	}
	if (arg != "") != (want == 1) {
		if want == 1 {
			fmt.Fprintf(env.Stderr, "spacekeep library %s needs one argument\n", name)
		} else {
			fmt.Fprintf(env.Stderr, "spacekeep library %s takes no argument, got %q\n", name, arg)
		}
		return "", false, exitUsage
	}
	return arg, true, 0
}

func libFail(env *Env, err error) int {
	if errors.Is(err, library.ErrNotFound) {
		fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(err.Error()))
		return exitUsage
	}
	fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(err.Error()))
	return exitError
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// parseSince reads --since: a date (2026-01-31) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: use a date like 2026-01-31", s)
}

func hms(s float64) string {
	d := time.Duration(s) * time.Second
	return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "          "
	}
	return t.Local().Format(time.DateOnly)
}

func printItems(w io.Writer, items []library.Item) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t@%s\t%s\t%s\n", it.ID, day(it.At), it.Host, hms(it.DurationS), oneLine(it.Title))
	}
	tw.Flush()
}

func libList(env *Env, l *library.Library, args []string) int {
	var host, since string
	var asJSON bool
	var limit int
	if _, ok, code := libFlags(env, "list", args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&host, "host", "", "only this host's Spaces (@handle)")
		fs.StringVar(&since, "since", "", "only Spaces on or after this `date` (2026-01-31)")
		fs.BoolVar(&asJSON, "json", false, "print a JSON array")
		fs.IntVar(&limit, "n", 0, "at most `N` Spaces (default all)")
	}); !ok {
		return code
	}
	t, err := parseSince(since)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep: %v\n", err)
		return exitUsage
	}
	items, err := l.All(env.Ctx, library.Filter{Host: host, Since: t})
	if err != nil {
		return libFail(env, err)
	}
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	if asJSON {
		printJSON(env.Stdout, items)
		return exitOK
	}
	printItems(env.Stdout, items)
	return exitOK
}

func libSearch(env *Env, l *library.Library, args []string) int {
	var host string
	var asJSON bool
	q, ok, code := libFlags(env, "search", args, 1, func(fs *flag.FlagSet) {
		fs.StringVar(&host, "host", "", "only this host's Spaces (@handle)")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if !ok {
		return code
	}
	page, err := l.Search(env.Ctx, q, library.Filter{Host: host, Limit: 500})
	if err != nil {
		return libFail(env, err)
	}
	if asJSON {
		printJSON(env.Stdout, page.Items)
		return exitOK
	}
	if page.Total == 0 {
		fmt.Fprintf(env.Stderr, "nothing found for %q\n", q)
		return exitOK
	}
	for _, h := range page.Items {
		fmt.Fprintf(env.Stdout, "%s  %s  @%s  %s\n", h.ID, day(h.At), h.Host, oneLine(h.Title))
		for _, c := range h.Captions {
			who := ""
			if c.Handle != "" {
				who = "@" + c.Handle + ": "
			}
			fmt.Fprintf(env.Stdout, "    [%s] %s%s\n", hms(c.StartS), who, oneLine(c.Text))
		}
	}
	if page.Total > len(page.Items) {
		fmt.Fprintf(env.Stderr, "(%d more not shown)\n", page.Total-len(page.Items))
	}
	return exitOK
}

func libShow(env *Env, l *library.Library, args []string) int {
	var asJSON bool
	id, ok, code := libFlags(env, "show", args, 1, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if !ok {
		return code
	}
	d, err := l.Show(env.Ctx, id, 0, 0)
	if err != nil {
		return libFail(env, err)
	}
	if asJSON {
		printJSON(env.Stdout, d)
		return exitOK
	}
	w := env.Stdout
	fmt.Fprintf(w, "%s\n%s  @%s (%s)  %s  %s\n", oneLine(d.Title), d.ID, d.Host, oneLine(d.HostName), day(d.At), hms(d.DurationS))
	if d.URL != "" {
		fmt.Fprintln(w, d.URL)
	}
	if d.LiveListeners > 0 || d.ReplayWatched > 0 {
		fmt.Fprintf(w, "listeners %d live, %d replays\n", d.LiveListeners, d.ReplayWatched)
	}
	if len(d.Topics) > 0 {
		fmt.Fprintf(w, "topics: %s\n", strings.Join(d.Topics, ", "))
	}
	fmt.Fprintln(w, "\nfiles:")
	for _, f := range d.FileInfo {
		gone := ""
		if !f.Exists {
			gone = "  (missing)"
		}
		fmt.Fprintf(w, "  %-10s %s%s\n", f.Kind, f.Path, gone)
	}
	if len(d.TalkTime) > 0 {
		fmt.Fprintln(w, "\ntalk time:")
		for _, t := range d.TalkTime {
			fmt.Fprintf(w, "  @%-20s %s  %d turns\n", t.Handle, hms(t.Seconds), t.Turns)
		}
	}
	if len(d.Captions) > 0 {
		fmt.Fprintln(w, "\ntranscript:")
		for _, c := range d.Captions {
			fmt.Fprintf(w, "  [%s] @%s: %s\n", hms(c.StartS), c.Handle, oneLine(c.Text))
		}
	} else if len(d.Turns) > 0 {
		fmt.Fprintln(w, "\nspeakers:")
		for _, t := range d.Turns {
			fmt.Fprintf(w, "  [%s-%s] @%s\n", hms(t.StartS), hms(t.EndS), t.Handle)
		}
	}
	return exitOK
}

func libStats(env *Env, l *library.Library, args []string) int {
	var host, since string
	var asJSON bool
	if _, ok, code := libFlags(env, "stats", args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&host, "host", "", "only this host's Spaces (@handle)")
		fs.StringVar(&since, "since", "", "only Spaces on or after this `date`")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	}); !ok {
		return code
	}
	t, err := parseSince(since)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep: %v\n", err)
		return exitUsage
	}
	st, err := l.Stats(env.Ctx, library.Filter{Host: host, Since: t})
	if err != nil {
		return libFail(env, err)
	}
	if asJSON {
		printJSON(env.Stdout, st)
		return exitOK
	}
	w := env.Stdout
	fmt.Fprintf(w, "Spaces kept      %d\nhours            %.1f\n", st.Spaces, st.Hours)
	fmt.Fprintf(w, "listeners        %.0f on average, %d at the peak\n", st.AvgListeners, st.PeakListeners)
	if len(st.Speakers) > 0 {
		fmt.Fprintln(w, "most heard:")
		for _, s := range st.Speakers {
			fmt.Fprintf(w, "  @%-20s %s in %d Spaces\n", s.Handle, hms(s.Seconds), s.Spaces)
		}
	}
	counts := func(title string, cs []library.Count) {
		if len(cs) == 0 {
			return
		}
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s (%d)", c.Name, c.Count))
		}
		fmt.Fprintf(w, "%-16s %s\n", title, strings.Join(parts, ", "))
	}
	counts("title words", st.TitleWords)
	counts("topics", st.Topics)
	counts("hosts", st.Hosts)
	return exitOK
}

func libExport(env *Env, l *library.Library, args []string) int {
	var format, host string
	if _, ok, code := libFlags(env, "export", args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "json", "csv or json")
		fs.StringVar(&host, "host", "", "only this host's Spaces (@handle)")
	}); !ok {
		return code
	}
	if format != "csv" && format != "json" {
		fmt.Fprintf(env.Stderr, "spacekeep: --format must be csv or json, not %q\n", format)
		return exitUsage
	}
	if err := l.Export(env.Ctx, env.Stdout, format, library.Filter{Host: host}); err != nil {
		return libFail(env, err)
	}
	return exitOK
}

func libImport(env *Env, l *library.Library, args []string) int {
	dir, ok, code := libFlags(env, "import", args, 1, func(*flag.FlagSet) {})
	if !ok {
		return code
	}
	rep, err := l.Import(env.Ctx, dir)
	if rep != nil {
		for _, s := range rep.Skipped {
			fmt.Fprintf(env.Stderr, "skipped %s\n", s)
		}
	}
	if err != nil {
		return libFail(env, err)
	}
	fmt.Fprintf(env.Stdout, "imported %d Spaces into %s\n", rep.Added, l.File())
	return exitOK
}

func libRemove(env *Env, l *library.Library, args []string) int {
	var del bool
	id, ok, code := libFlags(env, "remove", args, 1, func(fs *flag.FlagSet) {
		fs.BoolVar(&del, "delete-files", false, "also delete the Space's files (audio, captions, info JSON)")
	})
	if !ok {
		return code
	}
	removed, err := l.Remove(env.Ctx, id, del)
	for _, p := range removed {
		fmt.Fprintf(env.Stdout, "deleted %s\n", p)
	}
	if err != nil {
		return libFail(env, err)
	}
	fmt.Fprintf(env.Stdout, "removed %s from the library\n", id)
	return exitOK
}

func libServe(env *Env, l *library.Library, args []string) int {
	var o libserve.RunOptions
	var keep bool
	if _, ok, code := libFlags(env, "serve", args, 0, func(fs *flag.FlagSet) {
		fs.StringVar(&o.Addr, "addr", libserve.DefaultAddr, "listen on `host:port` (loopback unless --lan)")
		fs.BoolVar(&keep, "keep-token", false, "keep the same address across restarts (for a podcast app's feed)")
		fs.BoolVar(&o.LAN, "lan", false, "serve your local network as well (a phone can subscribe)")
	}); !ok {
		return code
	}
	if keep {
		dir, err := settings.Dir()
		if err != nil {
			return libFail(env, err)
		}
		o.KeepDir = dir
	}
	if err := libserve.Run(env.Ctx, l, o, env.Stdout); err != nil {
		return libFail(env, err)
	}
	return exitOK
}
