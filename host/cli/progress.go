package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/spacekeep/spacekeep/protocol"
)

// eventPrinter shows a download's events: JSON lines on stdout with --json,
// else words on stderr: a progress line redrawn in place on a terminal, a
// line now and then in a log, and one final "Saved …" line.
type eventPrinter struct {
	mu       sync.Mutex
	env      *Env
	json     bool
	quiet    bool
	tty      bool
	stage    string
	msg      string
	last     time.Time
	drawn    bool
	interval time.Duration
	began    time.Time // this Space's start, for the final line
	resumed  bool      // the "Resuming" line was said
	now      func() time.Time
}

func newEventPrinter(env *Env, jsonOut, quiet bool) *eventPrinter {
	p := &eventPrinter{env: env, json: jsonOut, quiet: quiet, interval: 5 * time.Second, now: time.Now}
	if f, ok := env.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.tty, p.interval = true, 100*time.Millisecond
	}
	if jsonOut {
		p.interval = 250 * time.Millisecond
	}
	p.began = p.now()
	return p
}

// start readies the printer for the next Space of a batch.
func (p *eventPrinter) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLine()
	p.stage, p.msg, p.resumed, p.began = "", "", false, p.now()
}

func (p *eventPrinter) handle(ev protocol.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	final := ev.Type != protocol.TypeJobProgress
	if final {
		return // finish says it, once the job is over
	}
	changed := ev.Stage != p.stage || ev.Message != p.msg
	p.stage, p.msg = ev.Stage, ev.Message
	if !changed && time.Since(p.last) < p.interval {
		return
	}
	p.last = time.Now()
	if p.json {
		jsonLine(p.env.Stdout, ev)
		return
	}
	if p.quiet {
		return
	}
	if ev.Stage == protocol.StageFetching && ev.Resumed > 0 && !p.resumed {
		p.resumed = true
		p.eraseLine()
		fmt.Fprintf(p.env.Stderr, "Resuming: %d of %d chunks already here\n", ev.Resumed, ev.ChunksTotal)
	}
	line := describe(ev)
	if p.tty {
		fmt.Fprintf(p.env.Stderr, "\r\033[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.env.Stderr, line)
}

// finish says how the job ended: the JSON event with --json; else, in
// place of the progress line, the warnings and one "Saved …" line.
func (p *eventPrinter) finish(ev protocol.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		jsonLine(p.env.Stdout, ev)
		return
	}
	p.eraseLine()
	if ev.Type != protocol.TypeJobDone {
		return
	}
	// What was not written beside the file is news even with -q.
	for _, w := range ev.Warnings {
		fmt.Fprintf(p.env.Stderr, "warning: %s\n", oneLine(w))
	}
	if !p.quiet {
		fmt.Fprintln(p.env.Stderr, savedLine(ev, p.now().Sub(p.began)))
	}
}

// eraseProgress removes the progress line, for an end said elsewhere.
func (p *eventPrinter) eraseProgress() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.eraseLine()
}

// savedLine is a finished download in one line:
// "Saved 20:00 of audio · 14.7 MB · 3 speakers · captions · in 12 s (1.2 MB/s)".
func savedLine(ev protocol.Event, took time.Duration) string {
	s := fmt.Sprintf("Saved %s of audio · %s%s", clock(ev.Duration), mb(ev.Size), extras(ev))
	if took < time.Second {
		return s + " · in less than a second"
	}
	return fmt.Sprintf("%s · in %s (%s/s)", s, elapsed(took), mb(int64(float64(ev.Size)/took.Seconds())))
}

// elapsed is a run's time: "12 s", "3 min 5 s", "1 h 2 min".
func elapsed(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

// logWriter is where log lines for people go (-v): stderr, after ending
// the progress line so that the two do not mix.
func (p *eventPrinter) logWriter() io.Writer { return logLines{p} }

type logLines struct{ p *eventPrinter }

func (l logLines) Write(b []byte) (int, error) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.p.endLine()
	return l.p.env.Stderr.Write(b)
}

// endLine keeps the progress line and moves below it.
func (p *eventPrinter) endLine() {
	if p.drawn {
		fmt.Fprintln(p.env.Stderr)
		p.drawn = false
	}
}

// eraseLine removes the progress line, so no stale line stays above what follows.
func (p *eventPrinter) eraseLine() {
	if p.drawn {
		fmt.Fprint(p.env.Stderr, "\r\033[K")
		p.drawn = false
	}
}

func describe(ev protocol.Event) string { return describeAt(ev, time.Now()) }

// describeAt says in one line where a job is, now being now.
func describeAt(ev protocol.Event, now time.Time) string {
	title := ""
	if ev.Space != nil && ev.Space.Title != "" {
		title = oneLine(ev.Space.Title)
		if r := []rune(title); len(r) > 40 {
			title = string(r[:39]) + "…"
		}
		title = " " + title
	}
	switch ev.Stage {
	case protocol.StageQueued, protocol.StageResolving:
		if ev.Message != "" {
			return oneLine(ev.Message)
		}
		return "Looking up the Space…"
	case protocol.StageFetching:
		if ev.ChunksTotal == 0 {
			return "Fetching" + title
		}
		return fmt.Sprintf("%s %d/%d chunks  %s  %s/s  ETA %s %s", bar(ev.ChunksDone, ev.ChunksTotal, 24),
			ev.ChunksDone, ev.ChunksTotal, mb(ev.Bytes), mb(int64(ev.Speed)), eta(ev.ETA), title)
	case protocol.StageWaiting:
		return waiting(ev, now) + title
	case protocol.StageRecording:
		return fmt.Sprintf("● Recording live %s  %s%s  (Ctrl-C stops and keeps)", clock(ev.Duration), mb(ev.Bytes), title)
	case protocol.StageMerging:
		if ev.Bytes == 0 {
			return "Writing the file…" + title
		}
		return "Writing the file… " + mb(ev.Bytes) + title
	}
	return ev.Stage
}

func bar(done, total, width int) string {
	n := 0
	if total > 0 {
		n = done * width / total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func eta(s float64) string {
	if s <= 0 {
		return "--:--"
	}
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// clock shows a length of audio as m:ss, or h:mm:ss from an hour on.
func clock(s float64) string {
	d := time.Duration(s * float64(time.Second)).Truncate(time.Second)
	if d >= time.Hour {
		return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// waiting says that the job waits for a scheduled Space, and when it is due:
// "Waiting for the Space to start (scheduled 18:00, in 12 min)".
func waiting(ev protocol.Event, now time.Time) string {
	const s = "Waiting for the Space to start"
	if ev.Space == nil || ev.Space.StartedAt == 0 {
		return s
	}
	at := time.UnixMilli(ev.Space.StartedAt).In(now.Location())
	when := at.Format("15:04")
	if y, m, d := at.Date(); y != now.Year() {
		when = at.Format("Mon 2 Jan 2006 15:04")
	} else if m != now.Month() || d != now.Day() {
		when = at.Format("Mon 2 Jan 15:04")
	}
	if left := at.Sub(now); left > 0 {
		return fmt.Sprintf("%s (scheduled %s, in %s)", s, when, span(left))
	} else if -left >= time.Minute {
		return fmt.Sprintf("%s (scheduled %s, %s late)", s, when, span(-left))
	}
	return fmt.Sprintf("%s (scheduled %s, due now)", s, when)
}

// span is a wait in minutes: "12 min", "2 h 5 min", "less than a minute";
// past 48 hours in days and hours: "3 days 4 h".
func span(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m > 48*60:
		h := int(d.Round(time.Hour) / time.Hour)
		if h%24 == 0 {
			return fmt.Sprintf("%d days", h/24)
		}
		return fmt.Sprintf("%d days %d h", h/24, h%24)
	case m < 1:
		return "less than a minute"
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
