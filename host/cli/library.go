package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/libserve"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// NewCmdLibrary is `spacekeep library` and its subcommands.
func NewCmdLibrary(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "library <command>",
		Short: "List, search and manage the Spaces kept",
		Long: `Every Space spacekeep keeps (from the command line, the browser or the watcher) is
indexed in a library: its record, who spoke when, and X's captions, searchable.
The library is an index of the files: 'spacekeep library import' rebuilds it from
the <name>.info.json files, and it never holds the only copy of anything.

The library is at $SPACEKEEP_LIBRARY, else spacekeep/library.db in your data folder.`,
		Example: `  spacekeep library list --since 7d
  spacekeep library search "rust lifetimes"
  spacekeep library show https://x.com/i/spaces/1OyKAWgagpqJb
  spacekeep library import ~/Spaces`,
	}
	groupOf(cmd)
	cmd.AddCommand(NewCmdLibraryList(env, nil), NewCmdLibrarySearch(env, nil), NewCmdLibraryShow(env, nil),
		NewCmdLibraryStats(env, nil), NewCmdLibraryExport(env, nil), NewCmdLibraryImport(env, nil), NewCmdLibraryRemove(env, nil),
		NewCmdLibraryServe(env, nil))
	return cmd
}

// withLibrary opens the library for a subcommand's run and closes it after.
func withLibrary(env *Env, run func(*library.Library) int) error {
	l, err := openLibrary(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(err.Error()))
		return exitStatus(exitError)
	}
	defer l.Close()
	return status(run(l))
}

func openLibrary(env *Env) (*library.Library, error) {
	path, err := library.Path(env.Getenv)
	if err != nil {
		return nil, err
	}
	return library.Open(env.Ctx, path)
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

// spaceID is the library's id for what the user typed: a Space's id or
// any link to it.
func spaceID(s string) string {
	if id, err := xapi.ParseSpaceURL(s); err == nil {
		return id
	}
	return strings.TrimSpace(s)
}

// parseSince reads --since: today, yesterday, a count of days, weeks or
// months back (7d, 2w, 3m), a date (2026-01-31), a month (2026-01) or an
// RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return time.Time{}, nil
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch s {
	case "today":
		return midnight, nil
	case "yesterday":
		return midnight.AddDate(0, 0, -1), nil
	}
	if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && n >= 0 && len(s) > 1 {
		switch s[len(s)-1] {
		case 'd':
			return midnight.AddDate(0, 0, -n), nil
		case 'w':
			return midnight.AddDate(0, 0, -7*n), nil
		case 'm':
			return midnight.AddDate(0, -n, 0), nil
		case 'y':
			return midnight.AddDate(-n, 0, 0), nil
		}
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01"} {
		if t, err := time.ParseInLocation(layout, strings.ToUpper(s), now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, FlagErrorf("--since %q: use today, yesterday, 7d, 2w, 3m or a date like 2026-01-31", s)
}

// hms is a length as h:mm:ss.
func hms(s float64) string {
	d := time.Duration(s) * time.Second
	return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// hm is a total as h:mm.
func hm(s float64) string {
	d := (time.Duration(s) * time.Second).Round(time.Minute)
	return fmt.Sprintf("%d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "          "
	}
	return t.Local().Format(time.DateOnly)
}

func printItems(w io.Writer, items []library.Item) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tHOST\tLENGTH\tTITLE")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%s\t@%s\t%s\t%s\n", oneLine(it.ID), day(it.At), oneLine(it.Host), hms(it.DurationS), oneLine(it.Title))
	}
	tw.Flush()
}

// emptyLibrary says how to fill the library, or that a filter matched nothing.
func emptyLibrary(env *Env, filtered bool) {
	if filtered {
		fmt.Fprintln(env.Stderr, "No Space in the library matches.")
		return
	}
	fmt.Fprintln(env.Stderr, "The library is empty. Download a Space (spacekeep download URL), or add what is already on disk (spacekeep library import FOLDER).")
}

// LibraryListOptions is `library list`.
type LibraryListOptions struct {
	Env         *Env
	Host, Since string
	JSON        bool
	Limit       int
}

// NewCmdLibraryList is `spacekeep library list`.
func NewCmdLibraryList(env *Env, runF func(*LibraryListOptions) error) *cobra.Command {
	o := &LibraryListOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "The Spaces kept, newest first",
		Long:  "List the Spaces in the library, newest first: id, date, host, length and title.",
		Example: `  spacekeep library list
  spacekeep library list --host @alice --since 2w
  spacekeep library list --json | jq -r '.[].files[0]'`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return libraryListRun(o)
		},
	}
	cmd.Flags().StringVar(&o.Host, "host", "", "only this host's Spaces (@handle)")
	cmd.Flags().StringVar(&o.Since, "since", "", "only Spaces from this `day` on: today, yesterday, 7d, 2w, 3m, 2026-01-31")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print a JSON array")
	cmd.Flags().IntVarP(&o.Limit, "limit", "n", 0, "at most `N` Spaces (default all)")
	return cmd
}

func libraryListRun(o *LibraryListOptions) error {
	env := o.Env
	t, err := parseSince(o.Since, time.Now())
	if err != nil {
		return err
	}
	return withLibrary(env, func(l *library.Library) int {
		items, err := l.All(env.Ctx, library.Filter{Host: o.Host, Since: t})
		if err != nil {
			return libFail(env, err)
		}
		if o.Limit > 0 && len(items) > o.Limit {
			items = items[:o.Limit]
		}
		if o.JSON {
			printJSON(env.Stdout, items)
			return exitOK
		}
		if len(items) == 0 {
			emptyLibrary(env, o.Host != "" || o.Since != "")
			return exitOK
		}
		printItems(env.Stdout, items)
		return exitOK
	})
}

// LibrarySearchOptions is `library search`.
type LibrarySearchOptions struct {
	Env   *Env
	Query string
	Host  string
	JSON  bool
}

// NewCmdLibrarySearch is `spacekeep library search`.
func NewCmdLibrarySearch(env *Env, runF func(*LibrarySearchOptions) error) *cobra.Command {
	o := &LibrarySearchOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "search [flags] <words>",
		Short: "Search titles, hosts, speakers and captions",
		Long: `Search the library: titles, hosts, speakers and what was said (X's captions). Words
are plain text: quotes, parentheses and operators are searched for as they are.`,
		Example: `  spacekeep library search lifetimes
  spacekeep library search --host @alice "borrow checker"`,
		Args: exactArgs(1, "the words to search for (quote them)"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.Query = args[0]
			if runF != nil {
				return runF(o)
			}
			return librarySearchRun(o)
		},
	}
	cmd.Flags().StringVar(&o.Host, "host", "", "only this host's Spaces (@handle)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON")
	return cmd
}

func librarySearchRun(o *LibrarySearchOptions) error {
	env := o.Env
	return withLibrary(env, func(l *library.Library) int {
		page, err := l.Search(env.Ctx, o.Query, library.Filter{Host: o.Host, Limit: 500})
		if err != nil {
			return libFail(env, err)
		}
		if o.JSON {
			printJSON(env.Stdout, page.Items)
			return exitOK
		}
		if page.Total == 0 {
			fmt.Fprintf(env.Stderr, "Nothing found for %q.\n", oneLine(o.Query))
			return exitOK
		}
		for _, h := range page.Items {
			fmt.Fprintf(env.Stdout, "%s  %s  @%s  %s\n", oneLine(h.ID), day(h.At), oneLine(h.Host), oneLine(h.Title))
			for _, c := range h.Captions {
				who := ""
				if c.Handle != "" {
					who = "@" + oneLine(c.Handle) + ": "
				}
				fmt.Fprintf(env.Stdout, "    [%s] %s%s\n", hms(c.StartS), who, oneLine(c.Text))
			}
		}
		if page.Total > len(page.Items) {
			fmt.Fprintf(env.Stderr, "(%d more not shown)\n", page.Total-len(page.Items))
		}
		return exitOK
	})
}

// LibraryShowOptions is `library show`.
type LibraryShowOptions struct {
	Env  *Env
	ID   string
	JSON bool
}

// NewCmdLibraryShow is `spacekeep library show`.
func NewCmdLibraryShow(env *Env, runF func(*LibraryShowOptions) error) *cobra.Command {
	o := &LibraryShowOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "show [flags] <Space URL or id>",
		Short: "One Space: its files, talk time and transcript",
		Long:  "Show one Space of the library: what X said of it, its files (and whether they are still there), who talked how long, and the transcript.",
		Example: `  spacekeep library show 1OyKAWgagpqJb
  spacekeep library show https://x.com/i/spaces/1OyKAWgagpqJb --json`,
		Args: exactArgs(1, "one Space URL or id"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.ID = spaceID(args[0])
			if runF != nil {
				return runF(o)
			}
			return libraryShowRun(o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON")
	return cmd
}

func libraryShowRun(o *LibraryShowOptions) error {
	env := o.Env
	return withLibrary(env, func(l *library.Library) int {
		d, err := l.Show(env.Ctx, o.ID, 0, 0)
		if err != nil {
			return libFail(env, err)
		}
		if o.JSON {
			printJSON(env.Stdout, d)
			return exitOK
		}
		w := env.Stdout
		fmt.Fprintf(w, "%s\n%s  @%s (%s)  %s  %s\n", oneLine(d.Title), oneLine(d.ID), oneLine(d.Host), oneLine(d.HostName), day(d.At), hms(d.DurationS))
		if d.URL != "" {
			fmt.Fprintln(w, oneLine(d.URL))
		}
		if d.LiveListeners > 0 || d.ReplayWatched > 0 {
			fmt.Fprintf(w, "listeners %d live, %d replays\n", d.LiveListeners, d.ReplayWatched)
		}
		if len(d.Topics) > 0 {
			fmt.Fprintf(w, "topics: %s\n", oneLine(strings.Join(d.Topics, ", ")))
		}
		fmt.Fprintln(w, "\nfiles:")
		for _, f := range d.FileInfo {
			gone := ""
			if !f.Exists {
				gone = "  (missing)"
			}
			fmt.Fprintf(w, "  %-10s %s%s\n", oneLine(f.Kind), clean(f.Path), gone)
		}
		if len(d.TalkTime) > 0 {
			fmt.Fprintln(w, "\ntalk time:")
			for _, t := range d.TalkTime {
				fmt.Fprintf(w, "  @%-20s %s  %s\n", oneLine(t.Handle), hms(t.Seconds), plural(t.Turns, "turn"))
			}
		}
		if len(d.Captions) > 0 {
			fmt.Fprintln(w, "\ntranscript:")
			for _, c := range d.Captions {
				fmt.Fprintf(w, "  [%s] @%s: %s\n", hms(c.StartS), oneLine(c.Handle), oneLine(c.Text))
			}
		} else if len(d.Turns) > 0 {
			fmt.Fprintln(w, "\nspeakers:")
			for _, t := range d.Turns {
				fmt.Fprintf(w, "  [%s-%s] @%s\n", hms(t.StartS), hms(t.EndS), oneLine(t.Handle))
			}
		}
		return exitOK
	})
}

// LibraryStatsOptions is `library stats`.
type LibraryStatsOptions struct {
	Env         *Env
	Host, Since string
	JSON        bool
}

// NewCmdLibraryStats is `spacekeep library stats`.
func NewCmdLibraryStats(env *Env, runF func(*LibraryStatsOptions) error) *cobra.Command {
	o := &LibraryStatsOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "stats [flags]",
		Short: "Spaces, hours, listeners, speakers, words and topics",
		Long:  "Count what the library holds: Spaces and hours kept, listeners, the most heard speakers, the words of the titles, the topics and the hosts.",
		Example: `  spacekeep library stats
  spacekeep library stats --host @alice --since 3m --json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return libraryStatsRun(o)
		},
	}
	cmd.Flags().StringVar(&o.Host, "host", "", "only this host's Spaces (@handle)")
	cmd.Flags().StringVar(&o.Since, "since", "", "only Spaces from this `day` on: today, yesterday, 7d, 2w, 3m, 2026-01-31")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON")
	return cmd
}

func libraryStatsRun(o *LibraryStatsOptions) error {
	env := o.Env
	t, err := parseSince(o.Since, time.Now())
	if err != nil {
		return err
	}
	return withLibrary(env, func(l *library.Library) int {
		st, err := l.Stats(env.Ctx, library.Filter{Host: o.Host, Since: t})
		if err != nil {
			return libFail(env, err)
		}
		if o.JSON {
			printJSON(env.Stdout, st)
			return exitOK
		}
		if st.Spaces == 0 {
			emptyLibrary(env, o.Host != "" || o.Since != "")
			return exitOK
		}
		w := env.Stdout
		fmt.Fprintf(w, "Spaces kept      %d\ntime kept        %s\n", st.Spaces, hm(st.Hours*3600))
		fmt.Fprintf(w, "listeners        %.0f on average, %d at the peak\n", st.AvgListeners, st.PeakListeners)
		if len(st.Speakers) > 0 {
			fmt.Fprintln(w, "most heard:")
			for _, s := range st.Speakers {
				fmt.Fprintf(w, "  @%-20s %s in %s\n", oneLine(s.Handle), hms(s.Seconds), plural(s.Spaces, "Space"))
			}
		}
		counts := func(title string, cs []library.Count) {
			if len(cs) == 0 {
				return
			}
			var parts []string
			for _, c := range cs {
				parts = append(parts, fmt.Sprintf("%s (%d)", oneLine(c.Name), c.Count))
			}
			fmt.Fprintf(w, "%-16s %s\n", title, strings.Join(parts, ", "))
		}
		counts("title words", st.TitleWords)
		counts("topics", st.Topics)
		counts("hosts", st.Hosts)
		return exitOK
	})
}

// LibraryExportOptions is `library export`.
type LibraryExportOptions struct {
	Env          *Env
	Format, Host string
}

// NewCmdLibraryExport is `spacekeep library export`.
func NewCmdLibraryExport(env *Env, runF func(*LibraryExportOptions) error) *cobra.Command {
	o := &LibraryExportOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "export [flags]",
		Short: "Every Space, as CSV or JSON, to stdout",
		Long:  "Write every Space of the library to stdout, as CSV (one row a Space, cells safe for spreadsheets) or JSON.",
		Example: `  spacekeep library export --format csv > spaces.csv
  spacekeep library export --host @alice > alice.json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if o.Format != "csv" && o.Format != "json" {
				return FlagErrorf("--format must be csv or json, not %q", o.Format)
			}
			if runF != nil {
				return runF(o)
			}
			return withLibrary(env, func(l *library.Library) int {
				if err := l.Export(env.Ctx, env.Stdout, o.Format, library.Filter{Host: o.Host}); err != nil {
					return libFail(env, err)
				}
				return exitOK
			})
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", "json", "csv or json")
	cmd.Flags().StringVar(&o.Host, "host", "", "only this host's Spaces (@handle)")
	return cmd
}

// LibraryImportOptions is `library import`.
type LibraryImportOptions struct {
	Env *Env
	Dir string
}

// NewCmdLibraryImport is `spacekeep library import`.
func NewCmdLibraryImport(env *Env, runF func(*LibraryImportOptions) error) *cobra.Command {
	o := &LibraryImportOptions{Env: env}
	return &cobra.Command{
		Use:   "import <folder>",
		Short: "Add every <name>.info.json under a folder",
		Long:  "Add to the library every Space whose record (<name>.info.json) is under the folder, at any depth; a Space already there is updated.",
		Example: `  spacekeep library import ~/Spaces
  spacekeep library import .`,
		Args: exactArgs(1, "one folder"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.Dir = args[0]
			if runF != nil {
				return runF(o)
			}
			return withLibrary(env, func(l *library.Library) int {
				rep, err := l.Import(env.Ctx, o.Dir)
				if rep != nil {
					for _, s := range rep.Skipped {
						fmt.Fprintf(env.Stderr, "skipped %s\n", oneLine(s))
					}
				}
				if err != nil {
					return libFail(env, err)
				}
				fmt.Fprintf(env.Stdout, "imported %s into %s\n", plural(rep.Added, "Space"), l.File())
				return exitOK
			})
		},
	}
}

// LibraryRemoveOptions is `library remove`.
type LibraryRemoveOptions struct {
	Env         *Env
	ID          string
	DeleteFiles bool
}

// NewCmdLibraryRemove is `spacekeep library remove`.
func NewCmdLibraryRemove(env *Env, runF func(*LibraryRemoveOptions) error) *cobra.Command {
	o := &LibraryRemoveOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "remove [flags] <Space URL or id>",
		Short: "Forget a Space (and, if asked, delete its files)",
		Long:  "Remove a Space from the library. Its files stay unless --delete-files is given; then only the files spacekeep wrote for it are deleted (its audio and the sidecars named after it), never a folder.",
		Example: `  spacekeep library remove 1OyKAWgagpqJb
  spacekeep library remove --delete-files https://x.com/i/spaces/1OyKAWgagpqJb`,
		Args: exactArgs(1, "one Space URL or id"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.ID = spaceID(args[0])
			if runF != nil {
				return runF(o)
			}
			return withLibrary(env, func(l *library.Library) int {
				removed, err := l.Remove(env.Ctx, o.ID, o.DeleteFiles)
				for _, p := range removed {
					fmt.Fprintf(env.Stdout, "deleted %s\n", clean(p))
				}
				if err != nil {
					return libFail(env, err)
				}
				fmt.Fprintf(env.Stdout, "removed %s from the library\n", oneLine(o.ID))
				return exitOK
			})
		},
	}
	cmd.Flags().BoolVar(&o.DeleteFiles, "delete-files", false, "also delete the Space's files (audio, captions, info JSON)")
	return cmd
}

// LibraryServeOptions is `library serve`.
type LibraryServeOptions struct {
	Env       *Env
	Run       libserve.RunOptions
	KeepToken bool
}

// NewCmdLibraryServe is `spacekeep library serve`.
func NewCmdLibraryServe(env *Env, runF func(*LibraryServeOptions) error) *cobra.Command {
	o := &LibraryServeOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Serve the library read-only over HTTP: a player and a podcast feed",
		Long: `Serve the library read-only on this computer, under a random token path: a page to
listen in the browser, and a podcast feed (RSS with chapters and transcripts) for a
podcast app. Files are served by library id only. --lan opens it to your local network
(a phone can subscribe); --keep-token keeps the same address across restarts. Ctrl-C stops.`,
		Example: `  spacekeep library serve
  spacekeep library serve --lan --keep-token`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return withLibrary(env, func(l *library.Library) int {
				if o.KeepToken {
					dir, err := settings.Dir()
					if err != nil {
						return libFail(env, err)
					}
					o.Run.KeepDir = dir
				}
				if err := libserve.Run(env.Ctx, l, o.Run, env.Stdout); err != nil {
					return libFail(env, err)
				}
				return exitOK
			})
		},
	}
	cmd.Flags().StringVar(&o.Run.Addr, "addr", libserve.DefaultAddr, "listen on `host:port` (loopback unless --lan)")
	cmd.Flags().BoolVar(&o.KeepToken, "keep-token", false, "keep the same address across restarts (for a podcast app's feed)")
	cmd.Flags().BoolVar(&o.Run.LAN, "lan", false, "serve your local network as well (a phone can subscribe)")
	return cmd
}
