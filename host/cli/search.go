package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/finder"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// searcher runs X's Space search in the request's session (spaces.search).
func searcher(env *Env, log zerolog.Logger) func(ctx context.Context, q protocol.SpacesSearch) ([]protocol.FoundSpace, error) {
	return func(ctx context.Context, q protocol.SpacesSearch) ([]protocol.FoundSpace, error) {
		api, err := xapi.New(q.Cookies, xapi.Options{Base: env.Getenv("SPACEKEEP_API_BASE"), Browser: q.Browser, Log: log})
		if err != nil {
			return nil, err
		}
		return finder.Search(ctx, api, q.Query, q.Filter)
	}
}

// runSearch is `spacekeep search QUERY [--live|--upcoming] [--json]`.
func runSearch(env *Env, args []string) int {
	fs := flag.NewFlagSet("spacekeep search", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	live := fs.Bool("live", false, "only live Spaces")
	upcoming := fs.Bool("upcoming", false, "only scheduled Spaces")
	asJSON := fs.Bool("json", false, "print a JSON array (the style of library list --json)")
	cookies := fs.String("cookies", "", "Netscape cookies.txt `file` (else $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: spacekeep search [--live|--upcoming] [--json] [--cookies FILE] WORDS…\n\nSearches X's Spaces by words (X's own Space search; it needs an x.com session).")
		fs.PrintDefaults()
	}
	var pos []string
	for { // flags may follow the words, as people type them
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) == 0 || *live && *upcoming {
		fs.Usage()
		return exitUsage
	}
	filter := protocol.SearchAll
	if *live {
		filter = protocol.SearchLive
	} else if *upcoming {
		filter = protocol.SearchUpcoming
	}
	c, err := loadCookies(env, *cookies)
	if err != nil {
		return fail(env, err)
	}
	log, closeLog, _ := openLogTo(env, env.Stderr, "warn", "search")
	defer closeLog()
	found, err := searcher(env, log)(env.Ctx, protocol.SpacesSearch{Query: strings.Join(pos, " "), Filter: filter, Cookies: c})
	if err != nil {
		return fail(env, err)
	}
	if *asJSON {
		printJSON(env.Stdout, found)
		return exitOK
	}
	if len(found) == 0 {
		fmt.Fprintln(env.Stderr, "X's Space search found no such Spaces.")
		return exitOK
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tTITLE\tHOST\tLISTENERS\tSTART")
	for _, f := range found {
		n := ""
		if f.State == protocol.StatusLive {
			n = fmt.Sprint(f.Listeners)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t@%s\t%s\t%s\n", f.ID, f.State, oneLine(f.Title), oneLine(f.Host), n, startOf(f))
	}
	tw.Flush()
	return exitOK
}

// startOf is when a found Space started, else when it is scheduled.
func startOf(f protocol.FoundSpace) string {
	t := f.StartedAt
	if t.IsZero() {
		t = f.ScheduledAt
	}
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(time.DateTime[:16])
}
