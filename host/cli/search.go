package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/host/finder"
	"github.com/spacekeep/spacekeep/host/logging"
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

// SearchOptions is `spacekeep search`.
type SearchOptions struct {
	Env                         *Env
	Query                       string
	Live, Upcoming, JSON        bool
	Cookies, CookiesFromBrowser string
}

// NewCmdSearch is `spacekeep search`.
func NewCmdSearch(env *Env, runF func(*SearchOptions) error) *cobra.Command {
	o := &SearchOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "search [flags] <words>...",
		Short: "Search X's Spaces by words",
		Long: `Search X's Spaces by words, with X's own Space search: live, scheduled and ended
Spaces whose title matches. It needs an x.com session (--cookies-from-browser,
--cookies, or $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0). Keep one with
'spacekeep download ID', or watch a topic with 'spacekeep watch add --search WORDS'.`,
		Example: `  spacekeep search rust
  spacekeep search --live "open source" --cookies-from-browser firefox
  spacekeep search --upcoming --json ai | jq -r '.[].id'`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return FlagErrorf("search needs the words to search for")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			o.Query = strings.Join(args, " ")
			if runF != nil {
				return runF(o)
			}
			return status(searchRun(o))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Live, "live", false, "only live Spaces")
	f.BoolVar(&o.Upcoming, "upcoming", false, "only scheduled Spaces")
	f.BoolVar(&o.JSON, "json", false, "print a JSON array (the style of library list --json)")
	f.StringVar(&o.CookiesFromBrowser, "cookies-from-browser", "", "take the x.com session from `BROWSER[:PROFILE]`")
	f.StringVar(&o.Cookies, "cookies", "", "Netscape cookies.txt `FILE` (else $SPACEKEEP_AUTH_TOKEN and $SPACEKEEP_CT0)")
	cmd.MarkFlagsMutuallyExclusive("live", "upcoming")
	cmd.MarkFlagsMutuallyExclusive("cookies", "cookies-from-browser")
	return cmd
}

// searchRun asks X and prints what it found.
func searchRun(o *SearchOptions) int {
	env := o.Env
	filter := protocol.SearchAll
	if o.Live {
		filter = protocol.SearchLive
	} else if o.Upcoming {
		filter = protocol.SearchUpcoming
	}
	c, err := sessionFrom(env, o.Cookies, o.CookiesFromBrowser)
	if err != nil {
		return fail(env, err)
	}
	log, closeLog, secret := openLogWith(env, logging.Options{Console: env.Stderr, ConsoleLevel: "warn", ConsoleWords: true}, "search", env.Stderr)
	defer closeLog()
	secret(c.AuthToken)
	secret(c.CT0)
	found, err := searcher(env, log)(env.Ctx, protocol.SpacesSearch{Query: o.Query, Filter: filter, Cookies: c})
	if err != nil {
		return fail(env, err)
	}
	if o.JSON {
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t@%s\t%s\t%s\n", oneLine(f.ID), oneLine(f.State), oneLine(f.Title), oneLine(f.Host), n, startOf(f))
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
